package dev.gauntlet.mesh.call;

import java.time.Duration;

/**
 * When the mesh stops waiting.
 *
 * @param connect    TCP connect timeout (set on the shared client)
 * @param attempt    one attempt's time to a full answer
 * @param total      the logical call's budget across every retry
 * @param hedgeAfter for reads: when no answer has come this long, a second identical request is sent and the first
 *                   answer wins (at most one read in ten is hedged); null for never (or, with {@code adaptive}, the
 *                   upstream's recent p95)
 * @param adaptive   cut an attempt after four times the upstream's recent p99 answer time ({@code attempt} at most,
 *                   {@code attemptFloor} at least) instead of after {@code attempt} alone - a hang is cut after a few
 *                   multiples of the upstream's normal, not after seconds - and hedge reads after its recent p95. Only
 *                   attempts that are safe to cut and send again are cut early: reads, keyed and naturally idempotent
 *                   writes (a plain write cut early would become an unknown outcome)
 * @param attemptFloor the shortest adaptive attempt timeout (250 ms by default)
 */
public record Timeouts(Duration connect, Duration attempt, Duration total, Duration hedgeAfter, boolean adaptive, Duration attemptFloor) {
    /** The shortest an adaptive attempt timeout gets by default (declared first: DEFAULT's construction reads it). */
    public static final Duration ATTEMPT_FLOOR = Duration.ofMillis(250);
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
        if (attemptFloor == null) attemptFloor = ATTEMPT_FLOOR;
        Checks.positive("timeouts.attempt_floor", attemptFloor);
        if (adaptive && attemptFloor.compareTo(attempt) > 0) {
            throw new IllegalArgumentException("timeouts.attempt_floor must be ≤ attempt, was " + attemptFloor + " > " + attempt);
        }
    }

    public Timeouts(Duration connect, Duration attempt, Duration total, Duration hedgeAfter) {
        this(connect, attempt, total, hedgeAfter, false, null);
    }

    /** Without hedging. */
    public Timeouts(Duration connect, Duration attempt, Duration total) {
        this(connect, attempt, total, null);
    }
}
