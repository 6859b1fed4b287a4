package dev.gauntlet.mesh.store;

import dev.gauntlet.mesh.Checks;
import java.time.Duration;

/**
 * How much history a store keeps: events and roll-ups older than their age, or beyond their row cap, are pruned by
 * {@link Store#prune}. Finished DLQ entries (succeeded, discarded) and completed intents go after {@code finishedAge}.
 */
public record Retention(Duration eventAge, long eventRows, Duration rollupAge, long rollupRows, Duration finishedAge) {
    /** A week of events (100k rows at most), a day of per-second roll-ups (about 86k rows per connector), a week of finished entries. */
    public static final Retention DEFAULT = new Retention(Duration.ofDays(7), 100_000, Duration.ofDays(1), 1_000_000, Duration.ofDays(7));

    public Retention {
        Checks.positive("retention.event_age", eventAge);
        Checks.atLeast("retention.event_rows", 1, eventRows);
        Checks.positive("retention.rollup_age", rollupAge);
        Checks.atLeast("retention.rollup_rows", 1, rollupRows);
        Checks.positive("retention.finished_age", finishedAge);
    }
}
