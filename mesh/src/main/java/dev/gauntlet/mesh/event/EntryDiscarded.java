package dev.gauntlet.mesh.event;

import java.time.Instant;

/** A person discarded an entry: it will never be sent. */
public record EntryDiscarded(Instant at, String connector, String id) implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.entry_discarded;
    }
}
