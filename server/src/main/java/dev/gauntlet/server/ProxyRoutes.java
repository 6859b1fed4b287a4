package dev.gauntlet.server;

import dev.gauntlet.mesh.CallResult;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Secrets;
import dev.gauntlet.mesh.store.StoreUnavailable;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * {@code ANY /proxy/{connector}/**}: the egress proxy. The caller's request goes through the connector's whole
 * pipeline (auth injected, limits, retries, idempotency, DLQ); the caller's own credentials and hop-by-hop headers
 * are dropped. Answers carry {@code X-Gauntlet-Attempts}, and the upstream's URLs in their headers and JSON point at
 * the proxy ({@link UpstreamUrls}). The same proxy answers at the root of a connector's own port ({@link ProxyPorts}).
 */
final class ProxyRoutes {

    static final String OP_ID = "X-Gauntlet-Op-Id";
    static final String TENANT = "X-Gauntlet-Tenant";
    static final String ATTEMPTS = "X-Gauntlet-Attempts";
    static final String DLQ_ID = "X-Gauntlet-Dlq-Id";
    static final String UNKNOWN_OUTCOME = "X-Gauntlet-Unknown-Outcome";
    static final HandlerType[] METHODS = {
        HandlerType.GET,
        HandlerType.POST,
        HandlerType.PUT,
        HandlerType.PATCH,
        HandlerType.DELETE,
        HandlerType.HEAD,
        HandlerType.OPTIONS
    };
    /** Headers of one hop (RFC 9110 §7.6.1), those the JDK client sets itself, and encodings we would have to undo. */
    private static final Set<String> HOP = HopHeaders.and("accept-encoding", "content-type");
    /**
     * How the caller reached the AAM (RFC 7239 and its X- forerunners): that is not the upstream's business, and an
     * upstream that builds its URLs from them (as the farm does) would name an origin the proxy cannot recognise.
     */
    private static final Set<String> CALLERS_VIEW =
            Set.of("forwarded", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-port");

    /** host[:port] as RFC 3986 allows it in a Host header: a name, an IPv4 address or a bracketed IPv6 one. */
    private static final Pattern HOST = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._~-]+)(:[0-9]{1,5})?");

    private final Mesh mesh;
    private final RecentEvents recent;
    private final Edge edge;

    ProxyRoutes(Mesh mesh, RecentEvents recent, Edge edge) {
        this.mesh = mesh;
        this.recent = recent;
        this.edge = edge;
    }

    void register(Endpoints api) {
        for (HandlerType m : METHODS) {
            String summary = "Egress proxy: " + m.name() + " the rest of the path through the connector's pipeline "
                    + "(auth injected, limits, retries, idempotency, DLQ); X-Gauntlet-Op-Id names a write, X-Gauntlet-Tenant its tenant";
            String body = m == HandlerType.GET || m == HandlerType.HEAD || m == HandlerType.OPTIONS
                    ? null
                    : "any body, forwarded as is";
            api.add(
                    m,
                    "/proxy/{connector}/<path>",
                    summary,
                    body,
                    "the upstream's answer; a parked write: 202 {dlq_id,unknown_outcome,error_class} to a caller that sends "
                            + "X-Gauntlet-Op-Id, else 503 in the vendor's error envelope (do not resend); X-Gauntlet-Dlq-Id either way; "
                            + "503 with Retry-After (store_unavailable) when the store cannot record the write now: nothing is sent now (ask again with the same op id: the mesh resends only what it knows was not committed)",
                    this::handle);
            api.add(
                    m,
                    "/proxy/{connector}",
                    summary + " (the connector's root)",
                    body,
                    "the upstream's answer",
                    this::handle);
        }
    }

    /** {@code /proxy/{connector}/…}: the connector named in the path, answering under {@code /proxy/{connector}}. */
    private void handle(Context ctx) {
        String id = ctx.pathParam("connector");
        forward(ctx, id, "/proxy/" + id);
    }

    /** A connector's own port ({@code --proxy-port}): the whole path is the upstream's, the port's root its base. */
    void handleAtRoot(Context ctx, String id) {
        forward(ctx, id, "");
    }

    /** @param mount where the connector's proxy answers on this listener: "/proxy/{id}", or "" at a port's root */
    private void forward(Context ctx, String id, String mount) {
        Connector connector;
        try {
            connector = mesh.connector(id);
        } catch (IllegalArgumentException e) {
            throw ApiError.notFound(
                    "connector",
                    id,
                    mesh.connectors().stream().map(Connector::id).toList());
        }
        // A write the stored credentials would sign must not come from a web page (see Edge).
        var refusal = edge.proxy(ctx);
        if (refusal != null) {
            AamServer.refuse(ctx, refusal);
            return;
        }
        MeshRequest request = request(ctx, mount);
        CallResult result;
        try {
            result = connector.execute(request);
        } catch (MeshException.TenantLimitExceeded refused) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("error", "too_many_tenants");
            out.put("field", TENANT);
            out.put("limit", "limit.max_tenants");
            out.put("max_tenants", refused.max());
            out.put(
                    "message",
                    refused.getMessage() + "; send a tenant it already serves in " + TENANT
                            + ", or raise limit.max_tenants for the connector");
            Json.reply(ctx, 429, out);
            return;
        } catch (IllegalArgumentException e) {
            // The JDK client refuses some header names and values the caller may send.
            throw ApiError.badRequest("headers", "the request cannot be forwarded: " + e.getMessage());
        } catch (StoreUnavailable e) {
            // The write's intent could not be recorded or renewed (full disk, lock): no attempt goes out now. An
            // earlier
            // attempt of this call may have (the send fence renews before later attempts); the caller's next ask with
            // the same op id finds the write in flight and is never resent blindly.
            ctx.header(ATTEMPTS, "0");
            ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
            if (meshAware(ctx)) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("error_class", "store_unavailable");
                out.put("message", e.getMessage());
                out.put("attempts", 0);
                out.put("retry_after_s", e.retryAfterSeconds());
                Json.reply(ctx, 503, out);
            } else {
                vendorError(ctx, connector, 503, "store_unavailable", e.getMessage(), true);
            }
            return;
        }
        List<Attempt> attempts = result.attempts();
        ctx.header(ATTEMPTS, Integer.toString(attempts.size()));
        UpstreamUrls urls = urls(ctx, connector, mount);
        switch (result) {
            case CallResult.Ok ok -> answer(ctx, ok.response(), urls);
            case CallResult.Parked p -> {
                remember(
                        id,
                        request,
                        p.errorClass(),
                        attempts.isEmpty() ? 0 : attempts.getLast().status(),
                        p.message(),
                        attempts);
                ctx.header(DLQ_ID, p.dlqId());
                ctx.header(UNKNOWN_OUTCOME, Boolean.toString(p.unknownOutcome()));
                if (meshAware(ctx)) {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("dlq_id", p.dlqId());
                    out.put("unknown_outcome", p.unknownOutcome());
                    out.put("error_class", p.errorClass().name());
                    out.put("message", p.message());
                    out.put("attempts", attempts.size());
                    Json.reply(ctx, 202, out);
                    return;
                }
                // A vendor's client knows no "accepted, completed later": a 2xx would read as the object it asked for
                // (stripe-java returned a Customer without an id). It gets a failure in its vendor's envelope that
                // says not to send the write again; sent again anyway, the same write is answered from its DLQ entry.
                vendorError(
                        ctx,
                        connector,
                        503,
                        "parked",
                        "The write was not completed now; it waits in the mesh's dead-letter queue as " + p.dlqId()
                                + " and the mesh will complete it: do not send it again (" + p.errorClass() + ": "
                                + p.message() + ")",
                        false);
            }
            case CallResult.Failed f -> {
                remember(id, request, f.errorClass(), f.status(), f.message(), attempts);
                if (f.response() != null) {
                    answer(ctx, f.response(), urls);
                    return;
                }
                int last = attempts.isEmpty() ? 0 : attempts.getLast().status();
                int status = last > 0
                        ? last
                        : f.status() > 0
                                ? f.status()
                                : f.errorClass() == ErrorClass.timeout
                                        ? 504
                                        : f.errorClass() == ErrorClass.circuit_open ? 503 : 502;
                if (!meshAware(ctx)) {
                    vendorError(
                            ctx,
                            connector,
                            status,
                            f.errorClass().name(),
                            f.errorClass() + ": " + f.message() + " (after " + attempts.size()
                                    + " attempts through the mesh)",
                            status == 409
                                    || f.errorClass() != ErrorClass.client_error
                                            && f.errorClass() != ErrorClass.invalid_creds);
                    return;
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("error_class", f.errorClass().name());
                out.put("message", f.message());
                out.put("attempts", attempts.size());
                Json.reply(ctx, status, out);
            }
        }
    }

    /**
     * Whether the caller knows the mesh: it names its writes with {@code X-Gauntlet-Op-Id} (the harness, the docs'
     * curl examples) and reads the mesh's own answers (202 {dlq_id…} for a parked write, {error_class,message} for a
     * failure). Any other caller is taken for a vendor's client used as-is and gets the vendor's envelope.
     */
    private static boolean meshAware(Context ctx) {
        String op = ctx.header(OP_ID);
        return op != null && !op.isBlank();
    }

    /** An answer of the mesh's own in the connector's vendor's error envelope, with the vendor's retry signal. */
    private static void vendorError(
            Context ctx, Connector connector, int status, String code, String message, boolean retry) {
        var vendor = connector.spec().vendor();
        vendor.errorHeaders(retry).forEach(ctx::header);
        ctx.status(status);
        ctx.contentType("application/json");
        ctx.result(vendor.errorBody(status, code, Secrets.mask(message)));
    }

    private static MeshRequest request(Context ctx, String mount) {
        String uri = ctx.req().getRequestURI();
        // The raw (still percent-encoded) rest of the path, so the upstream sees exactly what the caller sent.
        String rest = uri.startsWith(mount) ? uri.substring(mount.length()) : "";
        if (!rest.startsWith("/")) rest = "/" + rest;
        if (ctx.queryString() != null) rest = rest + "?" + ctx.queryString();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            // The mesh injects the credentials: whatever the caller sent as a secret is not forwarded.
            if (HOP.contains(lower)
                    || CALLERS_VIEW.contains(lower)
                    || Secrets.isSecretHeader(lower)
                    || lower.startsWith("x-gauntlet-")) continue;
            headers.put(name, String.join(", ", Collections.list(ctx.req().getHeaders(name))));
        }
        String method = ctx.method().name();
        byte[] body = ctx.bodyAsBytes();
        // As sent: the upstream judges its charset (Jetty's own reading throws on one the JVM does not know).
        String type = body.length == 0 ? null : ctx.header("Content-Type");
        String opId = ctx.header(OP_ID);
        String tenant = ctx.header(TENANT);
        return new MeshRequest(
                method,
                rest,
                headers,
                body,
                type,
                opId == null || opId.isBlank() ? null : opId,
                tenant == null || tenant.isBlank() ? null : tenant);
    }

    /**
     * The upstream's answer: status, end-to-end headers, and the drift-mapped body when the mesh mapped it, with the
     * upstream's URLs in headers and JSON pointed at the proxy (the length follows the rewritten body).
     */
    private static void answer(Context ctx, MeshResponse r, UpstreamUrls urls) {
        ctx.status(r.status());
        byte[] body = r.body();
        boolean mapped = r.mapped() != null;
        if (mapped) body = Json.write(r.mapped()).getBytes(StandardCharsets.UTF_8);
        for (var h : r.headers().entrySet()) {
            String lower = h.getKey().toLowerCase(Locale.ROOT);
            if (HOP.contains(lower)
                    || lower.equals("content-encoding")
                    || lower.startsWith(":")
                    || lower.equals("date")
                    || lower.equals("server")) continue;
            // An upstream that echoes a request header (X-Custom-Sig, the key itself) does not show it to the caller.
            for (String v : h.getValue()) ctx.res().addHeader(h.getKey(), Secrets.mask(urls.header(h.getKey(), v)));
        }
        String type = mapped ? "application/json" : r.header("Content-Type");
        if (type != null) ctx.contentType(type);
        if (r.stale()) ctx.header("X-Gauntlet-Stale", "true");
        if (r.status() >= 400 && textual(type)) {
            // An upstream's refusal that quotes what it was sent ("signature … rejected") does not show the caller the
            // connector's secrets; successful answers go through byte for byte.
            String text = new String(body, StandardCharsets.UTF_8);
            if (Secrets.holdsSecret(text)) body = Secrets.mask(text).getBytes(StandardCharsets.UTF_8);
        }
        ctx.result(urls.body(type, body));
    }

    private static boolean textual(String type) {
        if (type == null) return false;
        String t = type.toLowerCase(Locale.ROOT);
        return t.contains("json") || t.startsWith("text/") || t.contains("xml") || t.contains("x-www-form-urlencoded");
    }

    /** The connector's base URL and where this caller reaches its proxy: the Host it used, then the mount. */
    private static UpstreamUrls urls(Context ctx, Connector connector, String mount) {
        String host = ctx.header("Host");
        // A Host header that is not a plain host[:port] (absent under HTTP/1.0) gives way to the listener's own
        // address.
        if (host == null || !HOST.matcher(host).matches())
            host = ServerUrl.of(ctx.req().getLocalAddr(), ctx.req().getLocalPort())
                    .substring("http://".length());
        String proto = ctx.header("X-Forwarded-Proto");
        // Behind a TLS-terminating reverse proxy the caller's scheme is https, as the farm reads it too.
        String scheme = "https".equalsIgnoreCase(proto) ? "https" : "http";
        return new UpstreamUrls(connector.spec().baseUrl(), URI.create(scheme + "://" + host + mount));
    }

    private void remember(
            String connector,
            MeshRequest request,
            ErrorClass errorClass,
            int status,
            String message,
            List<Attempt> attempts) {
        Map<String, Object> what = new LinkedHashMap<>();
        what.put("type", "proxy_call_failed");
        what.put("at", attempts.isEmpty() ? null : attempts.getLast().at());
        what.put("method", request.method());
        what.put(
                "path",
                request.path().contains("?")
                        ? request.path().substring(0, request.path().indexOf('?'))
                        : request.path());
        what.put("error_class", errorClass.name());
        what.put("status", status);
        what.put("message", message);
        what.put("attempts", attempts.size());
        recent.failure(connector, what);
    }
}
