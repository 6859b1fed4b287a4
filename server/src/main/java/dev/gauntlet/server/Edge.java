package dev.gauntlet.server;

import dev.gauntlet.http.AccessToken;
import dev.gauntlet.http.BrowserGuard;
import dev.gauntlet.http.Refusal;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What the AAM checks before any route runs (see docs/security.md): the {@code Host} names this server (DNS rebinding),
 * the access token when one is set, and a request that changes state comes from no other site and carries JSON - on
 * the proxy, a body a vendor takes (JSON or a form), never text/plain or multipart.
 */
final class Edge {

    /** Methods that change state; GET, HEAD and OPTIONS only read. */
    private static final Set<HandlerType> CHANGING =
            Set.of(HandlerType.POST, HandlerType.PUT, HandlerType.PATCH, HandlerType.DELETE);
    /**
     * Bodies a page may send cross-site without the browser asking the server first (a CORS "simple request",
     * fetch.spec.whatwg.org) that no vendor behind the proxy takes; the third, a form, is a vendor's own body.
     */
    private static final Set<String> PAGE_ONLY_TYPES = Set.of("text/plain", "multipart/form-data");

    private final BrowserGuard guard;
    private final Optional<AccessToken> token;

    Edge(String bindHost, Optional<AccessToken> token) {
        this.guard = BrowserGuard.forBinding(bindHost);
        this.token = token;
    }

    /** Before every route of the API listener; null to go on. Proxy paths get {@link #proxy} on top, once the connector is known. */
    Refusal api(Context ctx) {
        Refusal host = guard.checkHost(ctx.header("Host"));
        if (host != null) return host;
        boolean proxy = ctx.path().startsWith("/proxy/") || ctx.path().equals("/proxy");
        // Liveness stays open: a supervisor's probe holds no token.
        boolean open = ctx.method() == HandlerType.GET && ctx.path().equals("/health");
        if (token.isPresent() && !open) {
            // On the proxy, Authorization is the vendor client's own header: the token goes in X-Gauntlet-Token only.
            Refusal t = token.get().check(ctx::header, !proxy);
            if (t != null) return t;
        }
        if (proxy || !CHANGING.contains(ctx.method())) return null;
        return guard.checkStateChange(ctx::header, bodyLength(ctx));
    }

    /** Before every request on a connector's own port ({@code --proxy-port}). */
    Refusal proxyPort(Context ctx) {
        Refusal host = guard.checkHost(ctx.header("Host"));
        if (host != null) return host;
        return token.map(t -> t.check(ctx::header, false)).orElse(null);
    }

    /**
     * A proxied request that changes state: from no other site, and not a text/plain or multipart body (no vendor here
     * takes one; they are what a page can send without asking). Forms pass: every vendor's OAuth token request and
     * Stripe's writes are forms, and the cross-site checks already keep pages out.
     */
    Refusal proxy(Context ctx) {
        if (!CHANGING.contains(ctx.method())) return null;
        Refusal site = guard.checkSameSite(ctx::header);
        if (site != null) return site;
        String type = ctx.header("Content-Type");
        if (type == null) return null;
        String media = type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!PAGE_ONLY_TYPES.contains(media)) return null;
        return new Refusal(
                403,
                "Content-Type",
                "Content-Type '" + type + "' is refused on the proxy: the vendors take JSON (or forms), "
                        + "and text/plain and multipart bodies are what any web page can send");
    }

    /** The body's length; a chunked body (no Content-Length) counts as one. */
    static long bodyLength(Context ctx) {
        long length = ctx.req().getContentLengthLong();
        if (length >= 0) return length;
        return ctx.header("Transfer-Encoding") != null ? 1 : 0;
    }
}
