package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Counts, times and publishes every logical call (effective) and attempt (actual). (PASS-THROUGH until its package lands.) */
public final class ObserveStage implements Stage {

    public ObserveStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "observe";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
