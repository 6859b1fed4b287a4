package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Retries by error class with full-jitter backoff, honouring Retry-After and a retry budget; parks writes it gives up on in the DLQ. (PASS-THROUGH until its package lands.) */
public final class RetryStage implements Stage {

    public RetryStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "retry";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
