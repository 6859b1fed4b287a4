package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Waits for a permit from the adaptive token bucket of the connector and tenant, throttling before the upstream says 429. (PASS-THROUGH until its package lands.) */
public final class RateLimitStage implements Stage {

    public RateLimitStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "rate-limit";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
