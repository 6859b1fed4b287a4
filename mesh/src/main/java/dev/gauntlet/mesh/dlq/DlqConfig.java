package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.call.Checks;
import java.time.Duration;

/**
 * Dead-letter replay: at most {@code replayRps} replays per second (so live traffic is never starved), backoff
 * from {@code baseDelay} between replays of one entry, and after {@code maxReplays} failed replays an entry is dead.
 * {@code readBackAfter}: a write of unknown outcome that a read-back ({@code vendor.OutcomeCheck}) does not find counts
 * as not committed only once it is this old — younger, it may not show yet (an upstream's ingestion delay), and it is
 * asked again then. {@code inFlightFor}: after a timeout (the mesh stopped waiting, the upstream may not have), how
 * long the upstream may still carry the request out; a timed-out write is read back no sooner than that.
 */
public record DlqConfig(
        double replayRps, Duration baseDelay, int maxReplays, Duration readBackAfter, Duration inFlightFor) {
    /**
     * Two minutes: Datadog documents no bound on how soon a submitted point can be queried, and advises treating the
     * newest minute of a series as possibly incomplete; a replay sent too early would submit the point twice.
     */
    public static final Duration READ_BACK_AFTER = Duration.ofMinutes(2);
    /**
     * Two minutes: vendors cut a request off after their own processing limit (GitHub's REST API after 10 s,
     * docs.github.com/rest/using-the-rest-api/troubleshooting-the-rest-api#timeouts; Salesforce's long ones run for
     * minutes), and a read-back before that could miss a write that then lands.
     */
    public static final Duration IN_FLIGHT_FOR = Duration.ofMinutes(2);

    public DlqConfig {
        Checks.positive("dlq.replay_rps", replayRps);
        Checks.positive("dlq.base_delay", baseDelay);
        Checks.atLeast("dlq.max_replays", 1, maxReplays);
        if (readBackAfter == null) readBackAfter = READ_BACK_AFTER;
        if (readBackAfter.isNegative())
            throw new IllegalArgumentException("dlq.read_back_after must be ≥ 0, was " + readBackAfter);
        if (inFlightFor == null) inFlightFor = IN_FLIGHT_FOR;
        if (inFlightFor.isNegative())
            throw new IllegalArgumentException("dlq.in_flight_for must be ≥ 0, was " + inFlightFor);
    }

    /** The defaults (20 replays a second, 500 ms backoff, 10 replays, read-backs after 2 minutes): {@link Builder}'s. */
    public static final DlqConfig DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder()
                .replayRps(replayRps)
                .baseDelay(baseDelay)
                .maxReplays(maxReplays)
                .readBackAfter(readBackAfter)
                .inFlightFor(inFlightFor);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        private double replayRps = 20;
        private Duration baseDelay = Duration.ofMillis(500);
        private int maxReplays = 10;
        private Duration readBackAfter = READ_BACK_AFTER;
        private Duration inFlightFor = IN_FLIGHT_FOR;

        private Builder() {}

        public Builder replayRps(double v) {
            this.replayRps = v;
            return this;
        }

        public Builder baseDelay(Duration v) {
            this.baseDelay = v;
            return this;
        }

        public Builder maxReplays(int v) {
            this.maxReplays = v;
            return this;
        }

        public Builder readBackAfter(Duration v) {
            this.readBackAfter = v;
            return this;
        }

        public Builder inFlightFor(Duration v) {
            this.inFlightFor = v;
            return this;
        }

        public DlqConfig build() {
            return new DlqConfig(replayRps, baseDelay, maxReplays, readBackAfter, inFlightFor);
        }
    }

    /**
     * How old an entry parked after {@code failure} must be before a read-back that does not find it is conclusive.
     * A timeout, or no failure at all (null: in flight when the process stopped), may still be carried out upstream.
     */
    public Duration settleAfter(dev.gauntlet.mesh.call.ErrorClass failure) {
        if (failure != null && failure != dev.gauntlet.mesh.call.ErrorClass.timeout) return readBackAfter;
        return inFlightFor.compareTo(readBackAfter) > 0 ? inFlightFor : readBackAfter;
    }
}
