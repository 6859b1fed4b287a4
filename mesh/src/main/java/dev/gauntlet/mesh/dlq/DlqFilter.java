package dev.gauntlet.mesh.dlq;

/**
 * Which entries to list: {@code connector} and {@code state} null for any; newest first, at most {@code limit}.
 */
public record DlqFilter(String connector, DlqState state, int limit) {
    public static final DlqFilter ALL = new DlqFilter(null, null, 1000);

    public DlqFilter {
        dev.gauntlet.mesh.Checks.atLeast("dlq.filter.limit", 1, limit);
    }

    public static DlqFilter state(DlqState state) {
        return new DlqFilter(null, state, 1000);
    }
}
