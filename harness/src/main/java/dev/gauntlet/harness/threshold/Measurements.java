package dev.gauntlet.harness.threshold;

import java.util.List;

/** What a run measured, as thresholds read it. */
public interface Measurements {
    /** The metric's value for one connector, or for the whole run when {@code connector} is null; NaN when unmeasured. */
    double value(String metric, String connector);

    /** The connectors the run used. */
    List<String> connectors();
}
