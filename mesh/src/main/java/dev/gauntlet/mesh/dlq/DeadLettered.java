package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.event.MeshEvent;
import java.time.Instant;

/** A write was parked in the DLQ. */
public record DeadLettered(Instant at, String connector, String id, dev.gauntlet.mesh.call.ErrorClass errorClass, boolean unknownOutcome) implements MeshEvent {
    @Override
    public String type() {
        return "dead_lettered";
    }
}
