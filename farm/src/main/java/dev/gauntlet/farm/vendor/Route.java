package dev.gauntlet.farm.vendor;

import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;

/**
 * One endpoint of a service.
 *
 * @param method        HTTP method
 * @param template      path below the service root, with {@code {name}} segments
 * @param operation     short name for docs and OpenAPI (e.g. "list Account")
 * @param resource      resource it serves, or null (token endpoints, validate)
 * @param authenticated whether the service's credential check applies
 * @param write         whether it changes state (idempotency keys and the ledger apply)
 */
public record Route(
        String method,
        PathTemplate template,
        String operation,
        String resource,
        boolean authenticated,
        boolean write,
        RouteHandler handler) {

    /** The operation of a token endpoint (OAuth, GoTrue): chaos spares it the HTTP-level faults of the API it guards. */
    public static final String TOKEN = "token";

    /** Whether this route issues tokens. */
    public boolean issuesTokens() {
        return TOKEN.equals(operation);
    }

    /** Handles a matched request. */
    @FunctionalInterface
    public interface RouteHandler {
        Reply handle(Call call);
    }
}
