package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;

/** Adds the credential; refreshes OAuth tokens before expiry (single-flight) and once on auth_expired. (PASS-THROUGH until its package lands.) */
public final class AuthStage implements Stage {

    public AuthStage(ConnectorSpec spec, MeshContext context) {}

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return next.proceed(exchange);
    }
}
