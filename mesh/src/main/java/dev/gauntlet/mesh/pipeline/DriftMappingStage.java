package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Learns each endpoint's response schema and maps drifted fields back to the names workflows know. (PASS-THROUGH until its package lands.) */
public final class DriftMappingStage implements Stage {

    public DriftMappingStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "drift-mapping";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
