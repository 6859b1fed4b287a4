package dev.gauntlet.server;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.workflow.Workflows;
import dev.gauntlet.http.ProcessFigures;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.Stores;
import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.metrics.MeshMetricsBinder;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreHealth;
import dev.gauntlet.mesh.store.StoreUnavailable;
import dev.gauntlet.mesh.store.WriteBehindStats;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AAM over HTTP (Javalin on virtual threads): health, metrics, connectors, workflows and scenario runs, drift,
 * the event stream, Prometheus, OpenAPI, the DLQ and the egress proxy (also at the root of a connector's own port),
 * around one {@link Mesh} whose connectors point at the farm. {@link #start} returns a running server; {@link #close}
 * stops it and the mesh.
 */
public final class AamServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AamServer.class);

    private final AamConfig config;
    private final Mesh mesh;
    private final HttpClient http;
    private final RecentEvents recent;
    private final ConnectorRoutes connectors;
    private final Runs runs;
    private final EventStream events;
    private final PrometheusMeterRegistry prometheus;
    private final DlqBackend dlq;
    private final ProxyRoutes proxy;
    private final Edge edge;
    private final java.util.concurrent.ScheduledExecutorService background;
    private Membership membership;
    private Javalin app;
    private ProxyPorts proxyPorts;
    private List<Endpoints.Endpoint> endpoints = List.of();

    private AamServer(AamConfig config, DlqBackend dlq) {
        this.config = config;
        List<ConnectorsFile.Entry> initial = loadConnectors(config);
        List<String> loaded = initial.stream().map(e -> e.spec().id()).toList();
        for (String id : config.proxyPorts().keySet()) {
            if (!loaded.contains(id)) {
                throw new IllegalArgumentException(
                        "--proxy-port names '" + id + "', which is not a loaded connector; loaded: " + loaded);
            }
        }
        Workflows workflows;
        try {
            workflows = Workflows.discover(config.workflowsDir());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the workflows folder " + config.workflowsDir() + ": " + e.getMessage(), e);
        }
        // The store holds the DLQ, write intents, tokens, learned schemas, events and roll-ups: with SQLite (the
        // default, in the data folder) a restarted AAM finds its DLQ and recovers writes a killed one left in flight.
        // With PostgreSQL, several AAM nodes share it (DLQ claims, connectors, tokens); a server it cannot reach now
        // fails the start.
        Store store = switch (config.store().kind()) {
            case "postgresql" -> Stores.postgres(config.store().postgres(), Retention.DEFAULT, InstantSource.system());
            case "sqlite" -> Stores.sqliteFile(config.store().sqlite(), Retention.DEFAULT, InstantSource.system());
            default -> Stores.memory();
        };
        // With Redis, every node with the same URL and prefix takes from one bucket per connector and tenant; a Redis
        // that is down does not fail the start (each node serves on its local share until Redis answers).
        RedisUrl redis = config.limits().redis();
        this.mesh = Mesh.builder()
                .store(store)
                .buckets(redis == null ? null : Stores.redisBuckets(redis, InstantSource.system()))
                .staleIntentAge(config.recoverAfter())
                .egress(config.egress())
                .build();
        this.dlq = dlq != null ? dlq : new MeshDlq(mesh);
        // The runs' client: it carries the access token to the farm (and nowhere else) when one is set.
        this.http = dev.gauntlet.http.TokenClient.wrap(
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build(),
                config.token(),
                List.of(config.farmUrl()));
        this.edge = new Edge(config.host(), config.token());
        this.recent = new RecentEvents(mesh.events());
        this.connectors = new ConnectorRoutes(mesh, initial, recent, store.connectors(), this::farmServices);
        this.events = new EventStream(mesh.events(), this::liveSnapshot);
        this.runs = new Runs(
                mesh,
                connectors::entries,
                workflows,
                config.farmUrl(),
                http,
                config.dataDir(),
                config.clock(),
                run -> events.send(String.valueOf(run.get("type")), run),
                this::liveSnapshot);
        this.proxy = new ProxyRoutes(mesh, recent, edge);
        this.prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new MeshMetricsBinder(mesh.metrics()).bindTo(prometheus);
        bindWriteBehind(store);
        this.background = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("aam-membership").daemon().factory());
    }

    /** The store's write-behind queue as metrics: waiting, dropped when full (by kind), refused by the store. */
    private void bindWriteBehind(Store store) {
        if (store.writeBehind() == null) return;
        Gauge.builder(
                        "mesh.store.write_behind.queued",
                        store,
                        s -> s.writeBehind().queued())
                .description("events and roll-ups waiting to be written")
                .register(prometheus);
        FunctionCounter.builder(
                        "mesh.store.write_behind.dropped",
                        store,
                        s -> s.writeBehind().droppedEvents())
                .tag("kind", "event")
                .description("events and roll-ups dropped because the write-behind queue was full")
                .register(prometheus);
        FunctionCounter.builder(
                        "mesh.store.write_behind.dropped",
                        store,
                        s -> s.writeBehind().droppedRollups())
                .tag("kind", "rollup")
                .description("events and roll-ups dropped because the write-behind queue was full")
                .register(prometheus);
        FunctionCounter.builder(
                        "mesh.store.write_behind.failed",
                        store,
                        s -> s.writeBehind().failed())
                .description("events and roll-ups the store refused (full disk, lock)")
                .register(prometheus);
    }

    /** Starts with the mesh's own DLQ behind the DLQ endpoints. */
    public static AamServer start(AamConfig config) {
        return start(config, null);
    }

    /** @param dlq what the DLQ endpoints call; null for the mesh's own DLQ */
    public static AamServer start(AamConfig config, DlqBackend dlq) {
        AamServer server = new AamServer(config, dlq);
        try {
            server.serve();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private static List<ConnectorsFile.Entry> loadConnectors(AamConfig config) {
        if (config.connectorsFile() == null) return ConnectorsFile.builtIn(config.farmUrl());
        try {
            return ConnectorsFile.load(config.connectorsFile(), config.farmUrl());
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot read the connectors file " + config.connectorsFile() + ": " + e.getMessage(), e);
        }
    }

    private void serve() {
        app = Javalin.create(cfg -> {
            configure(cfg);
            Listening.on(cfg.jetty, config.host(), config.port());
            // Before any route: Host, the access token, and no state changed by a web page (Edge).
            cfg.routes.before(ctx -> refuse(ctx, edge.api(ctx)));
            Endpoints api = new Endpoints(cfg.routes);
            api.get(
                    "/health",
                    "Liveness and a one-line summary",
                    "{\"status\":\"ok|degraded\",\"nodes\":[{id,url,store,limits,version,started_at,last_seen,gone,self}],\"limits\":{\"backend\":\"local|redis\",…,\"connectors\":{id:{rate,burst,learned_limit,shared}}},\"store\":{\"status\",\"kind\":\"sqlite|postgresql|memory\",\"url\",\"reason\",\"since\",\"retry_after_s\",\"message\",\"write_behind\":{queued,capacity,written,dropped_events,dropped_rollups,failed}},\"connectors\":N,\"farm\":url,\"proxy_ports\":{connector:port},\"process\":{pid,cpu_s,rss_bytes,peak_rss_bytes,heap_used_bytes}}",
                    Health.class,
                    this::health);
            api.get(
                    "/metrics",
                    "The mesh's live metrics per connector and overall",
                    "{\"at\",\"overall\",\"connectors\":{…}}",
                    dev.gauntlet.mesh.metrics.MetricsSnapshot.class,
                    ctx -> Json.reply(ctx, 200, mesh.metrics().snapshot()));
            connectors.register(api);
            new RunRoutes(runs, connectors::entries, config.scenariosDir()).register(api);
            api.get(
                    "/drift",
                    "Per connector: the drift-mapping stage's state and recent drift_detected events",
                    "{\"connectors\":{id:{\"stage\",\"recent\"}}}",
                    DriftOverview.class,
                    this::drift);
            new DlqRoutes(dlq, connectors::ids, config.clock()).register(api);
            api.sse(
                    "/events",
                    "Server-Sent Events: every mesh event (event: its type), run events, and each second a metrics "
                            + "event (the /metrics snapshot plus the DLQ counts); send Accept: text/event-stream",
                    events::serve);
            api.get(
                    "/prometheus",
                    "Prometheus scrape of the mesh's meters",
                    "text/plain; version=0.0.4",
                    ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                            .result(prometheus.scrape()));
            api.get(
                    "/openapi.json",
                    "This document",
                    "the OpenAPI 3.1 document",
                    ctx -> Json.reply(ctx, 200, OpenApi.document(endpoints, url())));
            proxy.register(api);
            endpoints = api.all();
        });
        app.start();
        proxyPorts = ProxyPorts.start(config.host(), config.proxyPorts(), proxy, edge);
        // The port is known now: the node's id and URL. One heartbeat at once, so /health lists this node from the
        // first answer; then every 2 s, with the look at the connectors other nodes changed.
        membership = new Membership(
                mesh.context().store().nodes(),
                config.clock(),
                Membership.self(
                        config.advertiseUrl() != null
                                ? config.advertiseUrl()
                                : Membership.advertised(config.host(), port()),
                        config.clock().instant(),
                        config.store().kind(),
                        config.limits().kind()));
        membership.beat();
        long every = Membership.EVERY.toMillis();
        // tick() catches what it throws, so the schedule's future never holds a failure to look at.
        java.util.concurrent.ScheduledFuture<?> unused =
                background.scheduleWithFixedDelay(this::tick, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        LOG.info(
                "AAM listening on {} with {} connectors (farm {}){}",
                url(),
                connectors.size(),
                config.farmUrl(),
                proxyPorts.ports().isEmpty() ? "" : "; proxy ports " + proxyPorts.ports());
    }

    /**
     * The background beat: this node's heartbeat, then what other nodes changed in the connectors. Each half fails on
     * its own (a store that is down is logged, the next beat tries again); nothing escapes to stop the schedule.
     */
    void tick() {
        try {
            membership.beat();
        } catch (RuntimeException e) {
            LOG.warn("node heartbeat failed", e);
        }
        try {
            connectors.sync();
        } catch (RuntimeException e) {
            LOG.debug("reading the connectors other nodes changed failed: {}", e.getMessage());
        }
    }

    /** What the AAM's servers share: virtual threads, no banner, the request size limit, errors as JSON. */
    static void configure(JavalinConfig cfg) {
        cfg.concurrency.useVirtualThreads = true;
        cfg.startup.showJavalinBanner = false;
        cfg.http.maxRequestSize = 16L * 1024 * 1024;
        // A body the route did not read (an action that takes none) is drained before the answer, so closing the
        // connection cannot reset it away (JunkBodyTest saw "header parser received no bytes" once in a full run).
        cfg.routes.after(ctx -> dev.gauntlet.http.UnreadBody.drain(ctx.req()));
        cfg.routes.exception(ApiError.class, (e, ctx) -> error(ctx, e.status(), e.error(), e.field(), e.getMessage()));
        // A full disk or a lock on the store: the AAM is fine and asks to be asked again (never a 500, never the file
        // path).
        cfg.routes.exception(StoreUnavailable.class, (e, ctx) -> storeUnavailable(ctx, e));
        cfg.routes.exception(
                HttpResponseException.class,
                (e, ctx) -> error(ctx, e.getStatus(), "http_" + e.getStatus(), null, e.getMessage()));
        cfg.routes.exception(Exception.class, (e, ctx) -> {
            dev.gauntlet.http.Refusal input = dev.gauntlet.http.InputFault.of(e);
            if (input != null) {
                error(ctx, input.status(), input.error(), input.field(), input.message());
                return;
            }
            LOG.error("unexpected error on {} {}", ctx.method(), ctx.path(), e);
            error(ctx, 500, "internal_error", null, "the AAM server failed on this request: " + e);
        });
    }

    /** Answers a refusal of the edge in the AAM's envelope and skips the route; nothing when there is none. */
    static void refuse(Context ctx, dev.gauntlet.http.Refusal refusal) {
        if (refusal == null) return;
        dev.gauntlet.http.UnreadBody.drain(ctx.req());
        error(ctx, refusal.status(), refusal.error(), refusal.field(), refusal.message());
        ctx.skipRemainingHandlers();
    }

    /** 503 with Retry-After and the store's reason: {error:"store_unavailable", field:null, message, store:{…}}. */
    static void storeUnavailable(Context ctx, StoreUnavailable e) {
        ctx.header("Retry-After", Long.toString(e.retryAfterSeconds()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", "store_unavailable");
        out.put("field", null);
        out.put("message", e.getMessage());
        out.put("store", storeState(e.reason(), e.retryAfterSeconds()));
        Json.reply(ctx, 503, out);
    }

    private static Map<String, Object> storeState(StoreUnavailable.Reason reason, long retryAfterSeconds) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("status", "degraded");
        s.put("reason", reason.name());
        s.put("retry_after_s", retryAfterSeconds);
        return s;
    }

    private static void error(Context ctx, int status, String error, String field, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("error", error);
        out.put("field", field);
        out.put("message", message);
        Json.reply(ctx, status, out);
    }

    /**
     * Liveness and the store's state: 200 {"status":"ok"} while the store takes writes; 503 {"status":"degraded"} with
     * Retry-After while it does not (full disk, lock, I/O error) - asking probes it, so it recovers without traffic.
     */
    private void health(Context ctx) {
        StoreHealth store = mesh.context().store().health();
        StoreView.Degraded degraded = store.ok()
                ? null
                : new StoreView.Degraded(
                        store.reason().name(),
                        store.since() == null ? null : store.since().toString(),
                        store.retryAfterSeconds(),
                        store.message());
        // Events and roll-ups are written behind the callers: what waits, and what was lost (queue full, store
        // refused).
        WriteBehindStats q = mesh.context().store().writeBehind();
        StoreView s = new StoreView(
                store.status(),
                config.store().kind(),
                config.store().postgres() != null ? config.store().safe() : null,
                degraded,
                q);
        // Connectors created through the API before a restart that were not restored (the file's won, or they no longer
        // load). What this process has cost so far: a run through the proxy reads it at its start and end (report
        // resources).
        SharedBuckets shared = mesh.context().buckets();
        Map<String, Object> limits = new LinkedHashMap<>();
        if (shared == null) limits.put("backend", "local");
        else limits.putAll(shared.status());
        // Shared only while Redis answers: a connector with no call yet has no bucket of its own to say so.
        limits.put("connectors", buckets(shared != null && !Boolean.FALSE.equals(limits.get("up"))));
        Health out = new Health(
                store.status(),
                s,
                membership == null ? List.of() : membership.view(),
                limits,
                connectors.size(),
                config.farmUrl(),
                proxyPorts(),
                connectors.shadowed(),
                ProcessFigures.now());
        if (!store.ok()) ctx.header("Retry-After", Long.toString(store.retryAfterSeconds()));
        Json.reply(ctx, store.ok() ? 200 : 503, out);
    }

    /**
     * Each connector's bucket as its rate-limit stage last saw it (no call to Redis: /health stays cheap): the rate it
     * allows now, its burst, the upstream limit it learned, and whether the bucket is the one shared by every node
     * (false on a node serving from its local share while Redis is down, or without shared limits).
     */
    private Map<String, BucketView> buckets(boolean sharedLimits) {
        Map<String, BucketView> out = new LinkedHashMap<>();
        for (Connector c : mesh.connectors()) {
            for (var stage : c.pipeline().stages()) {
                if (!stage.name().equals("rate-limit")) continue;
                Map<String, Object> st = stage.status();
                Object rate = st.get("rate_rps");
                Object learned = st.get("learned_limit_rps");
                out.put(
                        c.id(),
                        new BucketView(
                                rate instanceof Number n
                                        ? n.doubleValue()
                                        : c.spec().limit().initialRps(),
                                c.spec().limit().burst(),
                                learned instanceof Number n ? n.doubleValue() : null,
                                sharedLimits && !"local_share".equals(st.get("bucket"))));
            }
        }
        return out;
    }

    /**
     * One connector's bucket in {@code GET /health}'s {@code limits.connectors}.
     *
     * @param rate         calls per second it allows now (the adaptive controller's rate)
     * @param learnedLimit the upstream's limit learned from its answers, null while none is known
     * @param shared       whether the bucket is the one in Redis every node takes from
     */
    record BucketView(double rate, int burst, Double learnedLimit, boolean shared) {}

    /**
     * {@code GET /health}.
     *
     * @param nodes                       the AAM nodes sharing the store, this one included ({@code self}), as of the
     *                                    last heartbeat; one silent for 10 s is {@code gone}, for 60 s dropped
     *
     * @param limits                      where the rate limits are kept: {@code backend} local, or redis with whether it
     *                                    answers and the live nodes (see {@link SharedBuckets#status}); and
     *                                    {@code connectors}: each connector's bucket ({@link BucketView})
     * @param storedConnectorsNotRestored connectors created through the API before a restart that were not restored, by
     *                                    id with why (absent when there are none)
     */
    record Health(
            String status,
            StoreView store,
            List<Membership.NodeView> nodes,
            Map<String, Object> limits,
            int connectors,
            String farm,
            Map<String, Integer> proxyPorts,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> storedConnectorsNotRestored,
            ProcessFigures process) {}

    /**
     * The store's part of {@code GET /health}.
     *
     * @param url         a PostgreSQL store's URL without its password (absent for the others)
     * @param degraded    why the store takes no writes (absent while it does)
     * @param writeBehind the queue events and roll-ups wait in (absent when the store writes on the callers' threads)
     */
    record StoreView(
            String status,
            String kind,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url,

            @JsonUnwrapped @JsonInclude(JsonInclude.Include.NON_NULL)
            Degraded degraded,

            @JsonInclude(JsonInclude.Include.NON_NULL) WriteBehindStats writeBehind) {

        /** Why a degraded store takes no writes, and when to ask again. */
        record Degraded(String reason, String since, long retryAfterS, String message) {}
    }

    /** The farm's service ids ({@code GET /admin/status}), or empty when the farm does not answer as expected. */
    private Optional<List<String>> farmServices() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(config.farmUrl() + "/admin/status"))
                            .timeout(Duration.ofSeconds(3))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return Optional.empty();
            List<String> ids = new ArrayList<>();
            for (JsonNode s : Json.MAPPER.readTree(r.body()).path("services"))
                ids.add(s.path("id").asText());
            return ids.isEmpty() ? Optional.empty() : Optional.of(ids);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * The stream's once-a-second {@code metrics} event: the metrics snapshot (with each connector's stages: bucket,
     * circuit, token) and the DLQ counts.
     */
    private Object liveSnapshot() {
        return TimelineRecording.snapshotOf(mesh, dlq).get();
    }

    /** {@code GET /drift}: per connector id, its drift-mapping stage's status and its recent drift events. */
    record DriftOverview(Map<String, DriftView> connectors) {

        /** One connector's drift: the stage's status (empty without the stage) and its recent drift_detected events. */
        record DriftView(Map<String, Object> stage, List<Map<String, Object>> recent) {}
    }

    private void drift(Context ctx) {
        Map<String, DriftOverview.DriftView> each = new LinkedHashMap<>();
        for (Connector c : mesh.connectors()) {
            each.put(
                    c.id(),
                    new DriftOverview.DriftView(
                            c.status().getOrDefault("drift-mapping", Map.of()), recent.drift(c.id())));
        }
        Json.reply(ctx, 200, new DriftOverview(each));
    }

    public AamConfig config() {
        return config;
    }

    public Mesh mesh() {
        return mesh;
    }

    /** The event stream (tests watch its clients come and go). */
    EventStream events() {
        return events;
    }

    public int port() {
        return app.port();
    }

    /** Connector id to the port of its own where its proxy answers at the root ({@code --proxy-port}). */
    public Map<String, Integer> proxyPorts() {
        return proxyPorts == null ? Map.of() : proxyPorts.ports();
    }

    /** The URL where a connector's proxy answers at the root, or null when it has no port of its own. */
    public String proxyPortUrl(String connector) {
        Integer p = proxyPorts().get(connector);
        return p == null ? null : ServerUrl.of(config.host(), p);
    }

    /** The listen backlog of each proxy port (tests). */
    Map<Integer, Integer> proxyPortBacklogs() {
        return proxyPorts == null ? Map.of() : proxyPorts.listenBacklogs();
    }

    /** The listen backlog of the server's socket (tests). */
    int listenBacklog() {
        return Listening.backlog(app);
    }

    public String url() {
        return ServerUrl.of(config.host(), port());
    }

    @Override
    public void close() {
        background.shutdownNow();
        try {
            // A beat in progress finishes first, so it cannot write this node's row again after it left.
            background.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (membership != null) membership.leave();
        runs.close();
        events.close();
        if (proxyPorts != null) proxyPorts.close();
        if (app != null) app.stop();
        recent.close();
        prometheus.close();
        mesh.close();
        http.close();
    }
}
