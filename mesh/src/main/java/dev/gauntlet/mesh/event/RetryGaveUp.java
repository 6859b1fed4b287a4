package dev.gauntlet.mesh.event;

import dev.gauntlet.mesh.call.ErrorClass;
import java.time.Instant;

/**
 * The retry stage stopped trying a call: {@code reason} is unretryable, max_attempts, deadline, budget, ambiguous_write
 * or interrupted; {@code dlqId} is set when the write was parked.
 */
public record RetryGaveUp(
        Instant at, String connector, int attempts, ErrorClass errorClass, String reason, String dlqId)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.retry_gave_up;
    }
}
