package dev.gauntlet.mesh.drift;

import dev.gauntlet.mesh.call.Checks;
import java.util.Map;

/**
 * Schema drift handling.
 *
 * @param mappings   explicit upstream field name → the name workflows know; always win over learned ones
 * @param threshold  learned renames with at least this confidence (0..1) are mapped; below it they are only recorded
 */
public record DriftConfig(boolean learn, Map<String, String> mappings, double threshold) {
    public static final DriftConfig DEFAULT = new DriftConfig(true, Map.of(), 0.7);

    public DriftConfig {
        mappings = mappings == null ? Map.of() : Map.copyOf(mappings);
        Checks.between("drift.threshold", 0, 1, threshold);
    }
}
