package dev.gauntlet.mesh.internal.auth;

import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.util.List;
import java.util.Map;

/**
 * Adds the credential to each attempt (never to the request the stages above keep); refreshes OAuth tokens before
 * expiry (single-flight) and once on auth_expired. The logic is in {@link dev.gauntlet.mesh.auth}.
 */
public final class AuthStage implements Stage {

    private final Authenticator authenticator;

    public AuthStage(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public String name() {
        return "auth";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        return authenticator.authenticate(exchange, next);
    }

    @Override
    public Map<String, Object> status() {
        return authenticator.status();
    }

    /** Starts fetching what the first calls would wait for (OAuth tokens), in the background. */
    public void prefetch(List<String> tenants) {
        authenticator.prefetch(tenants);
    }

    /** The connector's authenticator (tests, the status API). */
    public Authenticator authenticator() {
        return authenticator;
    }
}
