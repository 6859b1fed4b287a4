package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * An endpoint's response schema changed.
 *
 * @param endpoint   method and normalised path, e.g. {@code GET /sobjects/Account/{id}}
 * @param before     the field as the workflow knew it (name, or "name: type" for a retype); null for an added field
 * @param after      the field as the upstream now sends it; null for a removed field
 * @param confidence 0..1: how sure the detector is (1 for added, removed and retyped fields)
 * @param mapped     whether answers are now mapped back to {@code before}
 */
public record DriftDetected(
        Instant at,
        String connector,
        String endpoint,
        DriftKind kind,
        String before,
        String after,
        double confidence,
        boolean mapped)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.drift_detected;
    }
}
