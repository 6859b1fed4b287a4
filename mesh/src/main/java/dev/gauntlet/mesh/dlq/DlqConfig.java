package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.Checks;
import java.time.Duration;

/**
 * Dead-letter replay: at most {@code replayRps} replays per second (so live traffic is never starved), backoff
 * from {@code baseDelay} between replays of one entry, and after {@code maxReplays} failed replays an entry is dead.
 */
public record DlqConfig(double replayRps, Duration baseDelay, int maxReplays) {
    public static final DlqConfig DEFAULT = new DlqConfig(20, Duration.ofMillis(500), 10);

    public DlqConfig {
        Checks.positive("dlq.replay_rps", replayRps);
        Checks.positive("dlq.base_delay", baseDelay);
        Checks.atLeast("dlq.max_replays", 1, maxReplays);
    }
}
