package dev.gauntlet.mesh.call;

import java.time.Duration;

/**
 * When the mesh stops waiting.
 *
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
public record Timeouts(Duration attempt, Duration total, Duration hedgeAfter, boolean adaptive, Duration attemptFloor) {
    /** The shortest an adaptive attempt timeout gets by default (declared first: the builder behind DEFAULT reads it). */
    public static final Duration ATTEMPT_FLOOR = Duration.ofMillis(250);

    public Timeouts {
        Checks.positive("timeouts.attempt", attempt);
        Checks.positive("timeouts.total", total);
        if (total.compareTo(attempt) < 0)
            throw new IllegalArgumentException("timeouts.total must be ≥ attempt, was " + total + " < " + attempt);
        if (hedgeAfter != null) {
            Checks.positive("timeouts.hedge_after", hedgeAfter);
            if (hedgeAfter.compareTo(attempt) >= 0) {
                throw new IllegalArgumentException(
                        "timeouts.hedge_after must be shorter than attempt, was " + hedgeAfter + " ≥ " + attempt);
            }
        }
        if (attemptFloor == null) attemptFloor = ATTEMPT_FLOOR;
        Checks.positive("timeouts.attempt_floor", attemptFloor);
        if (adaptive && attemptFloor.compareTo(attempt) > 0) {
            throw new IllegalArgumentException(
                    "timeouts.attempt_floor must be ≤ attempt, was " + attemptFloor + " > " + attempt);
        }
    }

    /** The defaults (5 s an attempt, 30 s a call, no hedging, fixed attempt timeouts): {@link Builder}'s. */
    public static final Timeouts DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder()
                .attempt(attempt)
                .total(total)
                .hedgeAfter(hedgeAfter)
                .adaptive(adaptive)
                .attemptFloor(attemptFloor);
    }

    /**
     * Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. The TCP
     * connect timeout is the mesh's ({@code Mesh.builder().connectTimeout}): connectors share one HTTP client.
     */
    public static final class Builder {
        private Duration attempt = Duration.ofSeconds(5);
        private Duration total = Duration.ofSeconds(30);
        private Duration hedgeAfter;
        private boolean adaptive;
        private Duration attemptFloor = ATTEMPT_FLOOR;

        private Builder() {}

        public Builder attempt(Duration v) {
            this.attempt = v;
            return this;
        }

        public Builder total(Duration v) {
            this.total = v;
            return this;
        }
        /** null: never hedge (or, with {@link #adaptive}, after the upstream's recent p95). */
        public Builder hedgeAfter(Duration v) {
            this.hedgeAfter = v;
            return this;
        }

        public Builder adaptive(boolean v) {
            this.adaptive = v;
            return this;
        }

        public Builder attemptFloor(Duration v) {
            this.attemptFloor = v;
            return this;
        }

        public Timeouts build() {
            return new Timeouts(attempt, total, hedgeAfter, adaptive, attemptFloor);
        }
    }
}
