package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.Checks;
import java.time.Duration;

/**
 * Dead-letter replay: at most {@code replayRps} replays per second (so live traffic is never starved), backoff
 * from {@code baseDelay} between replays of one entry, and after {@code maxReplays} failed replays an entry is dead.
 * {@code readBackAfter}: a write of unknown outcome that a read-back ({@link OutcomeCheck}) does not find counts as not
 * committed only once it is this old — younger, it may not show yet (an upstream's ingestion delay), and it is asked
 * again then.
 */
public record DlqConfig(double replayRps, Duration baseDelay, int maxReplays, Duration readBackAfter) {
    /**
     * Two minutes: Datadog documents no bound on how soon a submitted point can be queried, and advises treating the
     * newest minute of a series as possibly incomplete; a replay sent too early would submit the point twice.
     */
    public static final Duration READ_BACK_AFTER = Duration.ofMinutes(2);
    public static final DlqConfig DEFAULT = new DlqConfig(20, Duration.ofMillis(500), 10, READ_BACK_AFTER);

    public DlqConfig {
        Checks.positive("dlq.replay_rps", replayRps);
        Checks.positive("dlq.base_delay", baseDelay);
        Checks.atLeast("dlq.max_replays", 1, maxReplays);
        if (readBackAfter == null) readBackAfter = READ_BACK_AFTER;
        if (readBackAfter.isNegative()) throw new IllegalArgumentException("dlq.read_back_after must be ≥ 0, was " + readBackAfter);
    }

    /** With the default {@link #READ_BACK_AFTER}. */
    public DlqConfig(double replayRps, Duration baseDelay, int maxReplays) {
        this(replayRps, baseDelay, maxReplays, READ_BACK_AFTER);
    }
}
