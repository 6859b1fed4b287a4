package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Sets the logical call's total time budget; retries never outlive it. (PASS-THROUGH until its package lands.) */
public final class DeadlineStage implements Stage {

    public DeadlineStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "deadline";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
