package dev.gauntlet.mesh.event;

import java.time.Instant;

/** The connector's retry budget ran dry: failures are returned (or parked) without retrying until it refills. */
public record RetryBudgetExhausted(Instant at, String connector, long firstAttempts, long retries)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.retry_budget_exhausted;
    }
}
