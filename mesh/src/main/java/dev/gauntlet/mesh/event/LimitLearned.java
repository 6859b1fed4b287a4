package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * The mesh's estimate of the upstream's sustainable rate for a tenant changed.
 *
 * @param source headers (from X-RateLimit-Remaining style counts while the upstream bucket drained), throughput
 *               (accepted calls per second in a window that saw 429s, for vendors that send no counts) or shared
 *               (another node learned it; with Redis limits)
 */
public record LimitLearned(Instant at, String connector, String tenant, double limitRps, String source)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.limit_learned;
    }
}
