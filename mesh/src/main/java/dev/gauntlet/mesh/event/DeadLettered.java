package dev.gauntlet.mesh.event;

import java.time.Instant;

/** A write was parked in the DLQ. */
public record DeadLettered(
        Instant at, String connector, String id, dev.gauntlet.mesh.call.ErrorClass errorClass, boolean unknownOutcome)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.dead_lettered;
    }
}
