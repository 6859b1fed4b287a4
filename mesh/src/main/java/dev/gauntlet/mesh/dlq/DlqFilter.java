package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.call.ErrorClass;

/**
 * Which entries to list: {@code connector}, {@code state} and {@code errorClass} null for any; newest first, at most
 * {@code limit}.
 */
public record DlqFilter(String connector, DlqState state, ErrorClass errorClass, int limit) {
    public static final DlqFilter ALL = new DlqFilter(null, null, 1000);

    public DlqFilter {
        dev.gauntlet.mesh.call.Checks.atLeast("dlq.filter.limit", 1, limit);
    }

    /** Any error class. */
    public DlqFilter(String connector, DlqState state, int limit) {
        this(connector, state, null, limit);
    }

    public static DlqFilter state(DlqState state) {
        return new DlqFilter(null, state, 1000);
    }
}
