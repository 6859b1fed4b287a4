package dev.gauntlet.mesh.metrics;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** The live figures of every connector and of all of them together, at one moment. */
public record MetricsSnapshot(Instant at, ConnectorSnapshot overall, Map<String, ConnectorSnapshot> connectors) {
    public MetricsSnapshot {
        connectors = Collections.unmodifiableMap(new TreeMap<>(connectors));
    }

    /** The overall view's connector name. */
    public static final String OVERALL = "*";
}
