package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Short-circuits calls while the connector's breaker is open (Resilience4j); reads may be answered stale. (PASS-THROUGH until its package lands.) */
public final class CircuitStage implements Stage {

    public CircuitStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "circuit";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
