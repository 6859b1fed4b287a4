package dev.gauntlet.mesh.retry;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.MeshEvent;
import java.time.Instant;

/**
 * The retry stage stopped trying a call: {@code reason} is unretryable, max_attempts, deadline, budget, ambiguous_write
 * or interrupted; {@code dlqId} is set when the write was parked.
 */
public record RetryGaveUp(Instant at, String connector, int attempts, ErrorClass errorClass, String reason, String dlqId) implements MeshEvent {
    @Override
    public String type() {
        return "retry_gave_up";
    }
}
