package dev.gauntlet.mesh.metrics;

import java.time.Instant;
import java.util.List;

/** Where per-second metric roll-ups are kept (bounded retention). */
public interface RollupRepository {
    void saveRollups(List<MetricRollup> rollups);

    /** Roll-ups with {@code from ≤ second < to}, oldest first; {@code connector} null for every connector. */
    List<MetricRollup> rollups(String connector, Instant from, Instant to);
}
