package dev.gauntlet.mesh.event;

import java.time.Instant;

/** An entry will not be replayed automatically any more: {@code reason} is max_replays or refused. */
public record EntryDead(Instant at, String connector, String id, int replays, String reason) implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.entry_dead;
    }
}
