package dev.gauntlet.mesh.event;

import java.time.Instant;

/** A replay of a DLQ entry went through; {@code status} is the upstream's answer. */
public record ReplaySucceeded(Instant at, String connector, String id, int replays, int status) implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.replay_succeeded;
    }
}
