package dev.gauntlet.farm.admin;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.chaos.ChaosControl;
import dev.gauntlet.farm.chaos.FaultType;
import dev.gauntlet.farm.drift.DriftEngine;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.http.RequestInput;
import dev.gauntlet.farm.ledger.FaultLog;
import dev.gauntlet.farm.ledger.Ledger;
import dev.gauntlet.farm.runtime.Farm;
import dev.gauntlet.farm.runtime.ServiceReload;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import dev.gauntlet.farm.spec.DriftRule;
import dev.gauntlet.farm.spec.RateLimitSpec;
import dev.gauntlet.farm.spec.SpecError;
import dev.gauntlet.farm.vendor.OAuthEndpoint;
import dev.gauntlet.http.BrowserGuard;
import dev.gauntlet.http.ProcessFigures;
import dev.gauntlet.http.Refusal;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The farm's own API: status, the chaos dial, reset, the fault log, the ledger, drift triggers, the farm-wide OAuth
 * token endpoint and the OpenAPI document. Bad input answers 400 naming the field.
 */
public final class AdminApi {

    private static final TypeReference<Map<String, Object>> FIELDS = new TypeReference<>() {};

    private final Farm farm;
    private final AdminHost server;
    private final BrowserGuard guard;

    public AdminApi(Farm farm, AdminHost server, BrowserGuard guard) {
        this.farm = farm;
        this.server = server;
        this.guard = guard;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/status", ctx -> reading(ctx, q -> Reply.json(200, status())));
        routes.get("/admin/chaos", ctx -> reading(ctx, q -> Reply.json(200, chaos())));
        routes.post("/admin/chaos", ctx -> changing(ctx, q -> setChaos(q.jsonObject())));
        routes.post(
                "/admin/reset",
                ctx -> changing(ctx, q -> reset(q.body().length == 0 || isBlank(q.body()) ? null : q.jsonObject())));
        routes.get("/admin/faults", ctx -> reading(ctx, this::faults));
        routes.get(
                "/admin/faults/script",
                ctx -> reading(
                        ctx,
                        q -> Reply.json(
                                200,
                                Map.of(
                                        "pending",
                                        farm.script().pending().stream()
                                                .map(AdminApi::scripted)
                                                .toList()))));
        routes.post("/admin/faults/script", ctx -> changing(ctx, q -> script(q.jsonObject())));
        routes.delete(
                "/admin/faults/script",
                ctx -> changing(ctx, q -> {
                    farm.script().clear();
                    return Reply.json(200, Map.of("pending", List.of()));
                }));
        routes.get("/admin/ledger", ctx -> reading(ctx, this::ledger));
        routes.get(
                "/admin/drift",
                ctx -> reading(
                        ctx,
                        q -> Reply.json(
                                200,
                                Map.of(
                                        "services",
                                        farm.services().stream()
                                                .map(s -> Map.of("id", s.id(), "drift", drift(s)))
                                                .toList()))));
        routes.post("/admin/drift", ctx -> changing(ctx, q -> fireDrift(q.jsonObject())));
        routes.post(
                "/admin/services/reload",
                ctx -> changing(ctx, q -> {
                    server.rescanNow();
                    return Reply.json(200, status());
                }));
        routes.post("/oauth2/token", this::token);
        routes.get("/openapi.json", ctx -> reading(ctx, q -> Reply.json(200, OpenApi.document(farm, server.url()))));
    }

    /** The admin routes that change the farm's state, which {@link BrowserGuard#checkStateChange} keeps from web pages. */
    public static final List<String> STATE_CHANGING = List.of(
            "POST /admin/chaos",
            "POST /admin/reset",
            "POST /admin/faults/script",
            "DELETE /admin/faults/script",
            "POST /admin/drift",
            "POST /admin/services/reload");

    /** GET / on the main port: where to go next. */
    public void index(Context ctx) {
        // GET / reads nothing of the request; the Host check ran before it.
        var body = new LinkedHashMap<String, Object>();
        body.put("name", "Gauntlet API Farm");
        body.put("status", "/admin/status");
        body.put("openapi", "/openapi.json");
        body.put(
                "services",
                farm.services().stream()
                        .map(s -> Map.of("id", s.id(), "base_path", s.spec().basePath()))
                        .toList());
        json(ctx, 200, body);
    }

    private AdminViews.FarmStatus status() {
        var services = new ArrayList<AdminViews.ServiceStatus>();
        for (ServiceRuntime s : farm.services()) {
            int own = server.servicePort(s.id());
            Instant until = farm.chaos().expiresAt(s.id());
            var resources = new LinkedHashMap<String, Integer>();
            s.stores().forEach((name, store) -> resources.put(name, store.size()));
            services.add(new AdminViews.ServiceStatus(
                    s.id(),
                    s.spec().flavor(),
                    s.spec().basePath(),
                    own < 0 ? null : own,
                    s.source(),
                    s.spec().auth().type().name(),
                    s.spec().errorProfile(),
                    farm.chaos().levelFor(s.id()).name(),
                    until == null ? null : until.toString(),
                    s.requests(),
                    farm.faults().counts(s.id()),
                    farm.faults().total(s.id()),
                    s.rateLimited(),
                    rateLimit(
                            s.spec().rateLimit(), farm.chaos().levelFor(s.id()).rateLimitFactor()),
                    s.tokens().issuedCount(),
                    s.tokens().refreshedCount(),
                    s.tokens().reuseRefusedCount(),
                    drift(s),
                    resources,
                    lastReload(s.lastReload())));
        }
        List<AdminViews.ServiceError> errors =
                farm.loadErrors().stream().map(AdminApi::error).toList();
        List<Ledger.Entry> dups = farm.ledger().entries(null, true);
        return new AdminViews.FarmStatus(
                farm.seed(),
                chaos(),
                services,
                errors,
                errors,
                new AdminViews.LedgerCounts(farm.ledger().totalCommits(), dups.size()),
                groundTruth(),
                ProcessFigures.now());
    }

    /** Where the ledger and the fault log are kept: memory only, or files under the data folder (and what a start restored). */
    private AdminViews.GroundTruth groundTruth() {
        var ledger = farm.ledger().journal();
        var faults = farm.faults().journal();
        if (ledger == null) return new AdminViews.GroundTruth("memory", null, null, null, null, null);
        return new AdminViews.GroundTruth(
                "disk",
                String.valueOf(server.dataDir()),
                ledger.file().toString(),
                faults.file().toString(),
                server.restored(),
                ledger.failures() + faults.failures());
    }

    /** What the last reload of the service's file kept and reset; null when the file was not reloaded. */
    private static Map<String, Object> lastReload(ServiceReload r) {
        if (r == null) return null;
        var m = new LinkedHashMap<String, Object>();
        m.put("at", r.at().toString());
        m.put("kept", r.kept());
        m.put(
                "reset",
                r.reset().stream()
                        .map(x -> Map.of("resource", x.resource(), "reason", x.reason()))
                        .toList());
        m.put("added", r.added());
        m.put("idempotency_keys", r.keepsKeys() ? "kept" : "reset");
        m.put("tokens", r.keepsTokens() ? "kept" : "reset");
        m.put("rate_limit_buckets", r.keepsLimits() ? "kept" : "reset");
        m.put("drift", r.keepsDrift() ? "kept" : "reset");
        return m;
    }

    private static AdminViews.ServiceError error(SpecError e) {
        return new AdminViews.ServiceError(e.file(), e.line(), e.field(), e.message());
    }

    private Map<String, Object> drift(ServiceRuntime s) {
        var rules = new ArrayList<Map<String, Object>>();
        for (DriftEngine.RuleState st : s.drift().states()) {
            DriftRule r = st.rule();
            var m = new LinkedHashMap<String, Object>();
            m.put("index", st.index());
            m.put("name", r.name());
            m.put("resource", r.resource());
            m.put(
                    "trigger",
                    r.afterCalls() != null
                            ? "after_calls:" + r.afterCalls()
                            : r.afterS() != null ? "after_s:" + r.afterS() : "manual");
            m.put("active", st.active());
            m.put("fired_at", st.firedAt() == null ? null : st.firedAt().toString());
            if (!r.rename().isEmpty()) m.put("rename", r.rename());
            if (!r.remove().isEmpty()) m.put("remove", r.remove());
            if (!r.add().isEmpty()) m.put("add", r.add());
            if (!r.retype().isEmpty()) m.put("retype", r.retype());
            rules.add(m);
        }
        return Map.of("active", s.drift().activeCount(), "rules", rules);
    }

    private AdminViews.ChaosView chaos() {
        ChaosControl c = farm.chaos();
        var per = new LinkedHashMap<String, String>();
        farm.services().forEach(s -> per.put(s.id(), c.levelFor(s.id()).name()));
        return new AdminViews.ChaosView(
                c.globalLevel().name(),
                c.catalog().levels().keySet(),
                per,
                c.history().stream()
                        .map(h -> new AdminViews.ChaosChange(h.at().toString(), h.level(), h.services(), h.durationS()))
                        .toList());
    }

    private Reply setChaos(ObjectNode body) {
        JsonNode level = body.get("level");
        if (level == null || !level.isTextual()) {
            throw new BadInput(
                    "level",
                    "level is required: one of "
                            + farm.chaos().catalog().levels().keySet());
        }
        if (!farm.chaos().catalog().levels().containsKey(level.asText())) {
            throw new BadInput(
                    "level",
                    "level must be one of " + farm.chaos().catalog().levels().keySet() + ", was '" + level.asText()
                            + "'");
        }
        List<String> services = new ArrayList<>();
        JsonNode list = body.get("services");
        if (list != null && !list.isNull()) {
            if (!list.isArray())
                throw new BadInput(
                        "services",
                        "services must be an array of service ids, was "
                                + list.getNodeType().name().toLowerCase());
            for (JsonNode id : list) {
                if (!id.isTextual() || farm.service(id.asText()) == null) {
                    throw new BadInput(
                            "services",
                            "services lists unknown service " + id + "; known: "
                                    + farm.services().stream()
                                            .map(ServiceRuntime::id)
                                            .toList());
                }
                services.add(id.asText());
            }
        }
        Duration duration = null;
        JsonNode d = body.get("duration_s");
        if (d != null && !d.isNull()) {
            if (!d.isNumber() || d.asDouble() <= 0)
                throw new BadInput("duration_s", "duration_s must be a number > 0, was " + d);
            duration = Duration.ofMillis(Math.round(d.asDouble() * 1000));
        }
        ChaosControl.Change change = farm.chaos().set(level.asText(), services, duration);
        var out = new LinkedHashMap<String, Object>(Reply.JSON.convertValue(chaos(), FIELDS));
        out.put(
                "applied",
                Map.of(
                        "level",
                        change.level(),
                        "services",
                        change.services(),
                        "duration_s",
                        change.durationS() == null ? "until changed" : change.durationS()));
        return Reply.json(200, out);
    }

    /**
     * Scripts a fault for the next matching requests: {"service","type", optional "method", "path" (a prefix below the
     * base path), "count" (1), "status" (server_error: 500|502|503|504, default 500), "after_commit" (reset, close,
     * timeout: whether the request is carried out first; truncate always is), "delay_ms"}.
     */
    private Reply script(ObjectNode body) {
        String service = text(body, "service", true);
        if (farm.service(service) == null) {
            throw new BadInput(
                    "service",
                    "service must be one of "
                            + farm.services().stream().map(ServiceRuntime::id).toList() + ", was '" + service + "'");
        }
        String typeName = text(body, "type", true);
        FaultType type;
        try {
            type = FaultType.valueOf(typeName);
        } catch (IllegalArgumentException e) {
            throw new BadInput(
                    "type", "type must be one of " + Arrays.toString(FaultType.values()) + ", was '" + typeName + "'");
        }
        if (type == FaultType.overloaded) {
            throw new BadInput(
                    "type",
                    "overloaded is the farm's own refusal of a write it could not begin in time, not a fault to script");
        }
        String method = text(body, "method", false);
        if (method != null
                && !List.of("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
                        .contains(method.toUpperCase(Locale.ROOT))) {
            throw new BadInput("method", "method must be GET, POST, PUT, PATCH, DELETE or HEAD, was '" + method + "'");
        }
        String path = text(body, "path", false);
        if (path != null && !path.startsWith("/"))
            throw new BadInput(
                    "path", "path must start with '/' (a path below the service's base path), was '" + path + "'");
        int count = integer(body, "count", 1, 1, 10_000);
        long delay = integer(body, "delay_ms", 0, 0, 600_000);
        int status = 0;
        if (type == FaultType.server_error) {
            status = integer(body, "status", 500, 500, 599);
            if (!List.of(500, 502, 503, 504).contains(status))
                throw new BadInput("status", "status must be 500, 502, 503 or 504, was " + status);
        } else if (body.has("status")) {
            throw new BadInput("status", "status applies to type server_error only");
        }
        JsonNode ac = body.get("after_commit");
        if (ac != null && !ac.isBoolean())
            throw new BadInput("after_commit", "after_commit must be true or false, was " + ac);
        boolean afterCommit = type == FaultType.truncate || (ac != null && ac.asBoolean());
        if (ac != null
                && ac.asBoolean()
                && !(type == FaultType.reset
                        || type == FaultType.close
                        || type == FaultType.timeout
                        || type == FaultType.truncate)) {
            throw new BadInput("after_commit", "after_commit applies to reset, close, timeout and truncate only");
        }
        if (type == FaultType.timeout && delay == 0)
            delay = farm.service(service).profile().hangMs();
        if (type == FaultType.slow && delay == 0)
            delay = farm.service(service).profile().slowMs();
        var entry = farm.script()
                .add(
                        service,
                        method == null ? null : method.toUpperCase(Locale.ROOT),
                        path,
                        new dev.gauntlet.farm.chaos.Fault(type, status, afterCommit, delay),
                        count);
        return Reply.json(201, scripted(entry));
    }

    private static Map<String, Object> scripted(dev.gauntlet.farm.chaos.FaultScript.Entry e) {
        var m = new LinkedHashMap<String, Object>();
        m.put("id", e.id());
        m.put("service", e.service());
        m.put("method", e.method());
        m.put("path", e.pathPrefix());
        m.put("type", e.fault().type().name());
        if (e.fault().status() != 0) m.put("status", e.fault().status());
        m.put("after_commit", e.fault().afterCommit());
        m.put("delay_ms", e.fault().delayMs());
        m.put("remaining", e.remaining());
        return m;
    }

    private static String text(ObjectNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new BadInput(field, field + " is required");
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank())
            throw new BadInput(field, field + " must be a non-empty string, was " + v);
        return v.asText();
    }

    private static int integer(ObjectNode body, String field, int fallback, int min, int max) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return fallback;
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw new BadInput(field, field + " must be a whole number from " + min + " to " + max + ", was " + v);
        }
        return v.asInt();
    }

    private Reply faults(FarmRequest q) {
        String service = knownService(q.query("service"));
        String type = q.query("type");
        var types = new ArrayList<String>();
        for (FaultType t : FaultType.values()) types.add(t.name());
        types.add(FaultLog.RELOAD_RESET);
        if (type != null && !types.contains(type)) {
            throw new BadInput("type", "type must be one of " + types + ", was '" + type + "'");
        }
        int limit = q.queryInt("limit", 1000, 1, 100_000);
        long after = q.queryInt("after", 0, 0, Integer.MAX_VALUE);
        List<FaultLog.Entry> entries = farm.faults().entries(service, q.query("client"), type, after, limit);
        long total = service != null
                ? farm.faults().total(service)
                : farm.services().stream()
                        .mapToLong(s -> farm.faults().total(s.id()))
                        .sum();
        return Reply.json(
                200,
                new AdminViews.FaultList(
                        total,
                        entries.size(),
                        entries.stream()
                                .map(e -> new AdminViews.FaultEntry(
                                        e.seq(),
                                        e.service(),
                                        e.client(),
                                        e.ordinal(),
                                        e.typeName(),
                                        e.status() != 0 ? e.status() : null,
                                        e.resource(),
                                        e.reason(),
                                        e.afterCommit(),
                                        e.method(),
                                        e.path(),
                                        e.at().toString()))
                                .toList()));
    }

    /** {@code POST /admin/reset}, optionally {@code {"seed": N}} to start over under another seed. */
    private Reply reset(ObjectNode body) {
        JsonNode seed = body == null ? null : body.get("seed");
        if (seed != null && !(seed.isIntegralNumber() && seed.canConvertToLong())) {
            throw new BadInput("seed", "seed must be a whole number, was " + seed);
        }
        if (seed == null) farm.reset();
        else farm.reset(seed.asLong());
        return Reply.json(
                200,
                Map.of(
                        "reset",
                        true,
                        "seed",
                        farm.seed(),
                        "at",
                        farm.clock().instant().toString()));
    }

    private Reply ledger(FarmRequest q) {
        String service = knownService(q.query("service"));
        String dupParam = q.query("duplicates");
        if (dupParam != null && !dupParam.equals("true") && !dupParam.equals("false")) {
            throw new BadInput("duplicates", "duplicates must be true or false, was '" + dupParam + "'");
        }
        List<Ledger.Entry> entries = farm.ledger().entries(service, "true".equals(dupParam));
        return Reply.json(
                200,
                new AdminViews.LedgerList(
                        entries.size(),
                        entries.stream().filter(e -> e.commits() > 1).count(),
                        entries.stream()
                                .map(e -> new AdminViews.LedgerEntry(
                                        e.service,
                                        e.resource,
                                        e.opId,
                                        e.idempotencyKey(),
                                        e.commits(),
                                        e.reapplied(),
                                        e.firstAt.toString(),
                                        e.lastAt().toString(),
                                        e.operation,
                                        e.recordId()))
                                .toList()));
    }

    /** The service's limit as its YAML declares it, with the chaos factor now applied to it. */
    private static Map<String, Object> rateLimit(RateLimitSpec spec, double factor) {
        var m = new LinkedHashMap<String, Object>();
        m.put("kind", spec.kind());
        if (spec.isBucket()) {
            m.put("max_rps", spec.maxRps());
            m.put("burst", spec.burst());
        } else {
            m.put("limit", spec.limit());
            m.put("window_s", spec.windowS());
        }
        m.put("per", spec.per());
        m.put("factor", factor);
        return m;
    }

    private Reply fireDrift(ObjectNode body) {
        JsonNode id = body.get("service");
        if (id == null || !id.isTextual())
            throw new BadInput("service", "service is required: the id of a service with drift rules");
        ServiceRuntime s = farm.service(id.asText());
        if (s == null)
            throw new BadInput(
                    "service",
                    "unknown service '" + id.asText() + "'; known: "
                            + farm.services().stream().map(ServiceRuntime::id).toList());
        JsonNode rule = body.get("rule");
        int count = s.drift().states().size();
        if (count == 0) throw new BadInput("service", "service " + s.id() + " has no drift rules");
        if (rule == null || !rule.canConvertToInt() || !rule.isIntegralNumber()) {
            throw new BadInput("rule", "rule is required: a rule index between 0 and " + (count - 1));
        }
        try {
            s.drift().fire(rule.asInt());
        } catch (IllegalArgumentException e) {
            throw new BadInput("rule", e.getMessage());
        }
        return Reply.json(200, Map.of("service", s.id(), "drift", drift(s)));
    }

    /** Farm-wide OAuth endpoint ({@link OAuthEndpoint#farmWide}); a request it cannot read is RFC 6749's invalid_request. */
    private void token(Context ctx) {
        FarmRequest req;
        ObjectNode params;
        try {
            req = RequestInput.of(ctx, ctx.method().name(), ctx.path(), RequestInput.body(ctx));
            params = OAuthEndpoint.params(req);
        } catch (BadInput e) {
            send(ctx, Reply.json(400, Map.of("error", "invalid_request", "error_description", e.getMessage())));
            return;
        }
        String origin = FarmRequest.origin(
                ctx.header("Host"), ctx.header("X-Forwarded-Proto"), ctx.req().getLocalAddr() + ":" + ctx.port());
        send(ctx, OAuthEndpoint.farmWide(farm.services(), params, req, origin));
    }

    private String knownService(String id) {
        if (id != null && farm.service(id) == null) {
            throw new BadInput(
                    "service",
                    "unknown service '" + id + "'; known: "
                            + farm.services().stream().map(ServiceRuntime::id).toList());
        }
        return id;
    }

    /** A read-only admin request: a BadInput (a malformed query) becomes a 400 naming the field. */
    private static void reading(Context ctx, Function<FarmRequest, Reply> action) {
        Reply reply;
        try {
            reply = action.apply(RequestInput.of(ctx, ctx.method().name(), ctx.path(), RequestInput.body(ctx)));
        } catch (BadInput e) {
            reply = badRequest(e);
        } catch (RequestInput.TooLarge e) {
            reply = tooLarge();
        }
        send(ctx, reply);
    }

    private static Reply tooLarge() {
        return envelope(413, "payload_too_large", null, "request body is over the farm's limit of 64 MiB");
    }

    /**
     * A state-changing admin request: refused 403 when a web page could have sent it ({@link BrowserGuard}: another
     * site's Origin, Sec-Fetch-Site: cross-site, a body that is not JSON), else as {@link #reading}.
     */
    private void changing(Context ctx, Function<FarmRequest, Reply> action) {
        Reply reply;
        try {
            byte[] body = RequestInput.body(ctx);
            Refusal refusal = guard.checkStateChange(ctx::header, body.length);
            reply = refusal != null
                    ? refused(refusal)
                    : action.apply(RequestInput.of(ctx, ctx.method().name(), ctx.path(), body));
        } catch (BadInput e) {
            reply = badRequest(e);
        } catch (RequestInput.TooLarge e) {
            reply = tooLarge();
        }
        send(ctx, reply);
    }

    /** The farm's own answer to its edge's refusal: 403 forbidden or 401 unauthorized, {"error","field","message"}. */
    public static Reply refused(Refusal refusal) {
        return envelope(refusal.status(), refusal.error(), refusal.field(), refusal.message());
    }

    /** The farm's own answer to bad input: 400 {"error":"bad_request","field","message"}. */
    public static Reply badRequest(BadInput e) {
        return envelope(400, "bad_request", e.field(), e.getMessage());
    }

    private static Reply envelope(int status, String error, String field, String message) {
        var m = new LinkedHashMap<String, Object>();
        m.put("error", error);
        m.put("field", field);
        m.put("message", message);
        return Reply.json(status, m);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) if (b != ' ' && b != '\t' && b != '\r' && b != '\n') return false;
        return true;
    }

    private static void json(Context ctx, int status, Object body) {
        send(ctx, Reply.json(status, body));
    }

    private static void send(Context ctx, Reply reply) {
        reply.writeTo(ctx);
    }
}
