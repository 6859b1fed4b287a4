package dev.gauntlet.mesh.store;

import dev.gauntlet.mesh.call.Checks;
import java.time.Duration;

/**
 * How much history a store keeps: events and roll-ups older than their age, or beyond their row cap, are pruned by
 * {@link Store#prune}; so are finished DLQ entries (succeeded, discarded) and completed intents older than
 * {@code finishedAge} or beyond {@code finishedRows} / {@code intentRows} (the newest are kept). Pending, replaying
 * and dead entries and intents still in flight are never pruned: they are work not done.
 */
public record Retention(Duration eventAge, long eventRows, Duration rollupAge, long rollupRows, Duration finishedAge,
                        long finishedRows, long intentRows) {
    /**
     * A week of events (100k rows at most), a day of per-second roll-ups (about 86k rows per connector), a week of
     * finished entries and completed intents but at most 100k of each: at storm a run finishes ~30 writes a second, and
     * a week of them without a cap was ~11 GB a day of data folder (issue 14).
     */
    public static final Retention DEFAULT = new Retention(Duration.ofDays(7), 100_000, Duration.ofDays(1), 1_000_000, Duration.ofDays(7),
            100_000, 100_000);

    public Retention {
        Checks.positive("retention.event_age", eventAge);
        Checks.atLeast("retention.event_rows", 1, eventRows);
        Checks.positive("retention.rollup_age", rollupAge);
        Checks.atLeast("retention.rollup_rows", 1, rollupRows);
        Checks.positive("retention.finished_age", finishedAge);
        Checks.atLeast("retention.finished_rows", 1, finishedRows);
        Checks.atLeast("retention.intent_rows", 1, intentRows);
    }

    /** With the default row caps for finished entries and completed intents. */
    public Retention(Duration eventAge, long eventRows, Duration rollupAge, long rollupRows, Duration finishedAge) {
        this(eventAge, eventRows, rollupAge, rollupRows, finishedAge, DEFAULT_FINISHED_ROWS, DEFAULT_FINISHED_ROWS);
    }

    private static final long DEFAULT_FINISHED_ROWS = 100_000;
}
