package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Gives every write a stable key derived from its logical operation and records the intent before the first attempt. (PASS-THROUGH until its package lands.) */
public final class IdempotencyStage implements Stage {

    public IdempotencyStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "idempotency";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
