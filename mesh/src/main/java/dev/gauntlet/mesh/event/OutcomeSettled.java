package dev.gauntlet.mesh.event;

import java.time.Instant;

/** An unkeyed write of unknown outcome was read back: {@code committed} (done, not sent again) or not (replayed as usual). */
public record OutcomeSettled(Instant at, String connector, String id, boolean committed) implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.outcome_settled;
    }
}
