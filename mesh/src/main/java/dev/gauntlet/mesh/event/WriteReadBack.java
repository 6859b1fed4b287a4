package dev.gauntlet.mesh.event;

import java.time.Instant;

/** A plain write whose answer was lost was read back before anything was sent again: {@code found}, {@code missing} or {@code unknown}. */
public record WriteReadBack(Instant at, String connector, String opId, String result) implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.write_read_back;
    }
}
