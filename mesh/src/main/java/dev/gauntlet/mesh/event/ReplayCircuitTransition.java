package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * The breaker that guards a connector's DLQ replays (apart from its live traffic's) changed state. A type of its own so
 * the UI's and metrics' "circuit open" never means live calls are refused when only replays are.
 */
public record ReplayCircuitTransition(Instant at, String connector, String tenant, String from, String to)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.replay_circuit_transition;
    }
}
