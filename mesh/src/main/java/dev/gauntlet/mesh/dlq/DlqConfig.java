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
public record DlqConfig(double replayRps, Duration baseDelay, int maxReplays, Duration readBackAfter, Duration inFlightFor) {
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
    public static final DlqConfig DEFAULT = new DlqConfig(20, Duration.ofMillis(500), 10, READ_BACK_AFTER, IN_FLIGHT_FOR);

    public DlqConfig {
        Checks.positive("dlq.replay_rps", replayRps);
        Checks.positive("dlq.base_delay", baseDelay);
        Checks.atLeast("dlq.max_replays", 1, maxReplays);
        if (readBackAfter == null) readBackAfter = READ_BACK_AFTER;
        if (readBackAfter.isNegative()) throw new IllegalArgumentException("dlq.read_back_after must be ≥ 0, was " + readBackAfter);
        if (inFlightFor == null) inFlightFor = IN_FLIGHT_FOR;
        if (inFlightFor.isNegative()) throw new IllegalArgumentException("dlq.in_flight_for must be ≥ 0, was " + inFlightFor);
    }

    public DlqConfig(double replayRps, Duration baseDelay, int maxReplays, Duration readBackAfter) {
        this(replayRps, baseDelay, maxReplays, readBackAfter, IN_FLIGHT_FOR);
    }

    /** With the default {@link #READ_BACK_AFTER}. */
    public DlqConfig(double replayRps, Duration baseDelay, int maxReplays) {
        this(replayRps, baseDelay, maxReplays, READ_BACK_AFTER, IN_FLIGHT_FOR);
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
