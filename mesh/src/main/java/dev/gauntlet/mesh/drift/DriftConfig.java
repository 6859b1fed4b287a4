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
    public DriftConfig {
        mappings = mappings == null ? Map.of() : Map.copyOf(mappings);
        Checks.between("drift.threshold", 0, 1, threshold);
    }

    /** The defaults (learn renames, no explicit mappings, map at 0.7 confidence): {@link Builder}'s. */
    public static final DriftConfig DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder().learn(learn).mappings(mappings).threshold(threshold);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        private boolean learn = true;
        private Map<String, String> mappings = Map.of();
        private double threshold = 0.7;

        private Builder() {}

        public Builder learn(boolean v) {
            this.learn = v;
            return this;
        }

        public Builder mappings(Map<String, String> v) {
            this.mappings = v;
            return this;
        }

        public Builder threshold(double v) {
            this.threshold = v;
            return this;
        }

        public DriftConfig build() {
            return new DriftConfig(learn, mappings, threshold);
        }
    }
}
