package dev.gauntlet.mesh.event;

import java.time.Instant;

/** The breaker of a connector's tenant changed state (closed, open, half_open, forced_open, …). */
public record CircuitTransition(Instant at, String connector, String tenant, String from, String to)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.circuit_transition;
    }
}
