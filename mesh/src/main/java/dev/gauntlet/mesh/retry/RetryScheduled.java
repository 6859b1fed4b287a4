package dev.gauntlet.mesh.retry;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.MeshEvent;
import java.time.Instant;

/** A failed attempt will be retried after {@code delayMs}. */
public record RetryScheduled(Instant at, String connector, int attempt, ErrorClass errorClass, long delayMs) implements MeshEvent {
    @Override
    public String type() {
        return "retry_scheduled";
    }
}
