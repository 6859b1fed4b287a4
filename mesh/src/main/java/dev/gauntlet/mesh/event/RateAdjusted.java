package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * The adaptive bucket of a connector's tenant changed its rate.
 *
 * @param reason rate_limited (the upstream answered 429s: decrease), learned_limit (the upstream's bucket was seen
 *               draining: back under the learned limit), increase (no sign of the limit while callers waited on us)
 */
public record RateAdjusted(Instant at, String connector, String tenant, double oldRps, double newRps, String reason)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.rate_adjusted;
    }
}
