package dev.gauntlet.mesh.store;

import dev.gauntlet.mesh.call.Checks;
import java.time.Duration;

/**
 * How much history a store keeps: events and roll-ups older than their age, or beyond their row cap, are pruned by
 * {@link Store#prune}; so are finished DLQ entries (succeeded, discarded) and completed intents older than
 * {@code finishedAge} or beyond {@code finishedRows} / {@code intentRows} (the newest are kept). Pending, replaying
 * and dead entries and intents still in flight are never pruned: they are work not done.
 */
public record Retention(
        Duration eventAge,
        long eventRows,
        Duration rollupAge,
        long rollupRows,
        Duration finishedAge,
        long finishedRows,
        long intentRows) {
    public Retention {
        Checks.positive("retention.event_age", eventAge);
        Checks.atLeast("retention.event_rows", 1, eventRows);
        Checks.positive("retention.rollup_age", rollupAge);
        Checks.atLeast("retention.rollup_rows", 1, rollupRows);
        Checks.positive("retention.finished_age", finishedAge);
        Checks.atLeast("retention.finished_rows", 1, finishedRows);
        Checks.atLeast("retention.intent_rows", 1, intentRows);
    }

    /**
     * The defaults: {@link Builder}'s. A week of events (100k rows at most), a day of per-second roll-ups (about 86k
     * rows per connector), a week of finished entries and completed intents but at most 100k of each: at storm a run
     * finishes ~30 writes a second, and a week of them without a cap was ~11 GB a day of data folder (issue 14).
     */
    public static final Retention DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder()
                .eventAge(eventAge)
                .eventRows(eventRows)
                .rollupAge(rollupAge)
                .rollupRows(rollupRows)
                .finishedAge(finishedAge)
                .finishedRows(finishedRows)
                .intentRows(intentRows);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        private Duration eventAge = Duration.ofDays(7);
        private long eventRows = 100_000;
        private Duration rollupAge = Duration.ofDays(1);
        private long rollupRows = 1_000_000;
        private Duration finishedAge = Duration.ofDays(7);
        private long finishedRows = 100_000;
        private long intentRows = 100_000;

        private Builder() {}

        public Builder eventAge(Duration v) {
            this.eventAge = v;
            return this;
        }

        public Builder eventRows(long v) {
            this.eventRows = v;
            return this;
        }

        public Builder rollupAge(Duration v) {
            this.rollupAge = v;
            return this;
        }

        public Builder rollupRows(long v) {
            this.rollupRows = v;
            return this;
        }

        public Builder finishedAge(Duration v) {
            this.finishedAge = v;
            return this;
        }

        public Builder finishedRows(long v) {
            this.finishedRows = v;
            return this;
        }

        public Builder intentRows(long v) {
            this.intentRows = v;
            return this;
        }

        public Retention build() {
            return new Retention(eventAge, eventRows, rollupAge, rollupRows, finishedAge, finishedRows, intentRows);
        }
    }
}
