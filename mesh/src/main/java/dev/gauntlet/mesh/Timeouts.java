package dev.gauntlet.mesh;

import java.time.Duration;

/**
 * When the mesh stops waiting.
 *
 * @param connect    TCP connect timeout (set on the shared client)
 * @param attempt    one attempt's time to a full answer
 * @param total      the logical call's budget across every retry
 * @param hedgeAfter for reads: when no answer has come this long, a second identical request is sent and the first
 *                   answer wins (at most one read in ten is hedged); null for never
 */
public record Timeouts(Duration connect, Duration attempt, Duration total, Duration hedgeAfter) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(30));

    public Timeouts {
        Checks.positive("timeouts.connect", connect);
        Checks.positive("timeouts.attempt", attempt);
        Checks.positive("timeouts.total", total);
        if (total.compareTo(attempt) < 0) throw new IllegalArgumentException("timeouts.total must be ≥ attempt, was " + total + " < " + attempt);
        if (hedgeAfter != null) {
            Checks.positive("timeouts.hedge_after", hedgeAfter);
            if (hedgeAfter.compareTo(attempt) >= 0) {
                throw new IllegalArgumentException("timeouts.hedge_after must be shorter than attempt, was " + hedgeAfter + " ≥ " + attempt);
            }
        }
    }

    /** Without hedging. */
    public Timeouts(Duration connect, Duration attempt, Duration total) {
        this(connect, attempt, total, null);
    }
}
