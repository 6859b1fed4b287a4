package dev.gauntlet.mesh.event;

import java.time.Instant;

/** A replay failed; {@code counted} is false when the breaker was open (nothing was sent). {@code nextReplayAt} null when the entry is now dead. */
public record ReplayFailed(
        Instant at,
        String connector,
        String id,
        dev.gauntlet.mesh.call.ErrorClass errorClass,
        int replays,
        boolean counted,
        Instant nextReplayAt)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.replay_failed;
    }
}
