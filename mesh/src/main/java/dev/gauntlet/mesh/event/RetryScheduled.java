package dev.gauntlet.mesh.event;

import dev.gauntlet.mesh.call.ErrorClass;
import java.time.Instant;

/** A failed attempt will be retried after {@code delayMs}. */
public record RetryScheduled(Instant at, String connector, int attempt, ErrorClass errorClass, long delayMs)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.retry_scheduled;
    }
}
