package dev.gauntlet.farm;

import dev.gauntlet.farm.admin.AdminApi;
import dev.gauntlet.farm.admin.AdminHost;
import dev.gauntlet.farm.chaos.ChaosCatalog;
import dev.gauntlet.farm.http.JsonErrorHandler;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.ledger.Journal;
import dev.gauntlet.farm.runtime.Farm;
import dev.gauntlet.farm.runtime.ServiceCatalog;
import dev.gauntlet.farm.runtime.ServicePipeline;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import dev.gauntlet.http.BrowserGuard;
import dev.gauntlet.http.Listeners;
import dev.gauntlet.http.Refusal;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API Farm on the wire: one Javalin server (virtual threads) with the admin API, the farm-wide token endpoint,
 * every service under its base path, and extra connectors for services that answer at the root of a port of their
 * own.
 */
public final class FarmServer implements AutoCloseable, AdminHost {

    private static final Logger LOG = LoggerFactory.getLogger(FarmServer.class);
    private static final HandlerType[] METHODS = {
        HandlerType.GET,
        HandlerType.POST,
        HandlerType.PUT,
        HandlerType.PATCH,
        HandlerType.DELETE,
        HandlerType.HEAD,
        HandlerType.OPTIONS
    };

    private final FarmConfig config;
    private final Farm farm;
    private final ServiceCatalog catalog;
    private final ServicePipeline pipeline;
    private final Map<Integer, String> serviceByPort = new ConcurrentHashMap<>();
    private final Map<String, ServerConnector> connectors = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watcher;
    private final BrowserGuard guard;
    private volatile Map<String, Integer> restored;
    private FileLock dataLock;
    private Javalin app;

    private FarmServer(FarmConfig config) {
        this.config = config;
        ChaosCatalog chaos =
                config.chaosFile() == null ? ChaosCatalog.builtIn() : ChaosCatalog.load(config.chaosFile());
        this.farm = new Farm(config.seed(), config.clock(), chaos);
        this.catalog = new ServiceCatalog(farm, config.servicesDir());
        this.pipeline = new ServicePipeline(farm, config.processingDeadline());
        this.guard = BrowserGuard.forBinding(config.host());
        this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "farm-services-watcher");
            t.setDaemon(true);
            return t;
        });
    }

    /** Loads the services and starts serving; the returned server is ready for requests. */
    public static FarmServer start(FarmConfig config) {
        FarmServer server = new FarmServer(config);
        try {
            server.startServing();
        } catch (RuntimeException e) {
            // What did start (the watcher, the data folder's lock, a port) is let go again.
            server.close();
            throw e;
        }
        return server;
    }

    private void startServing() {
        if (config.builtIns()) catalog.loadBuiltIns();
        catalog.scan();
        if (config.dataDir() != null) restoreGroundTruth(config.dataDir());
        for (String id : config.servicePorts().keySet()) {
            if (farm.service(id) == null) {
                throw new IllegalArgumentException("--service-port names '" + id
                        + "', which is not a loaded service; loaded: "
                        + farm.services().stream().map(ServiceRuntime::id).toList());
            }
        }
        AdminApi admin = new AdminApi(farm, this, guard);
        app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = 64L * 1024 * 1024;
            cfg.jetty.addConnector((server, http) -> Listeners.connector(server, http, config.host(), config.port()));
            cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler(this::refusedByJetty)));
            // Every request on every port names this server in its Host header (DNS rebinding protection); vendor
            // routes keep their own rules otherwise (any Origin: SDKs call from servers).
            cfg.routes.before(ctx -> {
                Refusal refusal = guard.checkHost(ctx.header("Host"));
                // The admin routes (chaos, reset, ledger, scripted faults) take the access token when one is set;
                // vendor routes keep the vendor's own credentials.
                if (refusal == null && config.token().isPresent() && ctx.path().startsWith("/admin/")) {
                    refusal = config.token().get().check(ctx::header, true);
                }
                if (refusal != null) {
                    AdminApi.refused(refusal).writeTo(ctx);
                    ctx.skipRemainingHandlers();
                }
            });
            admin.register(cfg.routes);
            cfg.routes.get("/", ctx -> {
                if (!dispatch(ctx)) admin.index(ctx);
            });
            // A wildcard, not a named parameter: Javalin URL-decodes named parameters itself (URLDecoder, which throws
            // on %uD800); the farm decodes paths strictly where it routes them (PathTemplate, a 400 in the vendor's
            // envelope).
            for (HandlerType method : METHODS) {
                cfg.routes.addHttpHandler(method, "/*", this::route);
            }
            // The last line of defence: an exception from the farm's own code (a bug, never the client's input) is a
            // 500 that says so, with the stack trace in the log.
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error(
                        "farm bug: unexpected {} on {} {} (query '{}'): answered 500",
                        e.getClass().getName(),
                        ctx.method(),
                        ctx.req().getRequestURI(),
                        ctx.req().getQueryString(),
                        e);
                Reply.json(
                                500,
                                Map.of(
                                        "error",
                                        "internal_error",
                                        "message",
                                        "The farm failed on this request (a bug in the farm, logged): " + e))
                        .writeTo(ctx);
            });
        });
        app.start();
        farm.services().forEach(this::openOwnPort);
        long every = config.watchInterval().toMillis();
        watcher.scheduleWithFixedDelay(this::rescan, every, every, TimeUnit.MILLISECONDS);
        if (config.dataDir() != null) watcher.scheduleWithFixedDelay(this::syncGroundTruth, 1, 1, TimeUnit.SECONDS);
        LOG.info(
                "API Farm listening on {} with {} services (seed {})",
                url(),
                farm.services().size(),
                config.seed());
    }

    /** The ledger's file under the data folder. */
    public static final String LEDGER_FILE = "farm-ledger.jsonl";
    /** The fault log's file under the data folder. */
    public static final String FAULTS_FILE = "farm-faults.jsonl";

    /**
     * Restores the ledger and the fault log from the data folder and keeps writing them there. Records are not kept:
     * they come back from the seed, so when anything was restored the fault log says, per resource, that the restart
     * reset its records (the same entry a reload's reset makes).
     */
    private void restoreGroundTruth(Path dir) {
        lockDataDir(dir);
        Journal ledger = Journal.open(dir.resolve(LEDGER_FILE));
        Journal faults = Journal.open(dir.resolve(FAULTS_FILE));
        int entries = farm.ledger().attach(ledger);
        int logged = farm.faults().attach(faults);
        restored = Map.of("ledger_entries", entries, "fault_log_entries", logged);
        if (entries > 0 || logged > 0) {
            String reason = "farm restarted: records regenerated from seed " + config.seed() + "; ledger (" + entries
                    + " entries) and fault log restored from " + dir;
            for (ServiceRuntime s : farm.services()) {
                for (String resource : s.stores().keySet())
                    farm.faults()
                            .recordReloadReset(
                                    s.id(), resource, reason, config.clock().instant());
            }
        }
        LOG.info("ground truth kept in {}: {} ledger entries and {} fault log entries restored", dir, entries, logged);
    }

    /**
     * Takes the data folder for this farm alone: two farms appending to (and compacting) the same files would lose each
     * other's lines.
     */
    private void lockDataDir(Path dir) {
        try {
            Files.createDirectories(dir);
            var channel =
                    FileChannel.open(dir.resolve("farm.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                channel.close();
                throw new IllegalArgumentException("--data " + dir + " is in use by another farm ("
                        + dir.resolve("farm.lock") + " is locked); give each farm a folder of its own");
            }
            dataLock = lock;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use --data " + dir + ": " + e.getMessage(), e);
        }
    }

    private void syncGroundTruth() {
        Journal ledger = farm.ledger().journal();
        Journal faults = farm.faults().journal();
        if (ledger != null) ledger.sync();
        if (faults != null) faults.sync();
    }

    /** What the start restored from the data folder (counts), or null without one. */
    @Override
    public Map<String, Integer> restored() {
        return restored;
    }

    /** The data folder the ground truth is kept in, or null (memory only). */
    @Override
    public Path dataDir() {
        return config.dataDir();
    }

    private void rescan() {
        try {
            catalog.scan();
            farm.services().forEach(this::openOwnPort);
        } catch (RuntimeException e) {
            LOG.warn("services folder scan failed: {}", e.toString());
        }
    }

    private void route(Context ctx) {
        if (!dispatch(ctx)) {
            Reply.json(
                            404,
                            Map.of(
                                    "error",
                                    "not_found",
                                    "message",
                                    "No service answers at " + ctx.path() + "; base paths: "
                                            + farm.services().stream()
                                                    .map(s -> s.spec().basePath())
                                                    .toList() + " (see GET /admin/status)"))
                    .writeTo(ctx);
        }
    }

    /**
     * Jetty's refusal of a request no handler saw: a 400 in the envelope of the service the path names (by port, then
     * by base path), else the farm's own JSON.
     */
    private Reply refusedByJetty(int status, String path, String reason) {
        if (status == 400 && path != null) {
            ServiceRuntime svc = farm.forPath(path);
            if (svc != null)
                return svc.vendor().error(dev.gauntlet.farm.vendor.FarmError.badInput(null, "Bad request: " + reason));
        }
        return JsonErrorHandler.farmError(status, reason);
    }

    /** Sends the request to the service that owns it (by port, then by base path); false when none does. */
    private boolean dispatch(Context ctx) {
        String path = ctx.path();
        String own = serviceByPort.get(ctx.req().getLocalPort());
        if (own != null) {
            ServiceRuntime svc = farm.service(own);
            if (svc != null) {
                pipeline.handle(ctx, svc, path, true);
                return true;
            }
        }
        ServiceRuntime svc = farm.forPath(path);
        if (svc == null) return false;
        String rest = path.substring(svc.spec().basePath().length());
        pipeline.handle(ctx, svc, rest.isEmpty() ? "/" : rest, false);
        return true;
    }

    /** Opens (once) the port of its own a service asks for in its YAML or on the command line. */
    private synchronized void openOwnPort(ServiceRuntime svc) {
        Integer wanted = config.servicePorts().getOrDefault(svc.id(), svc.spec().port());
        if (wanted == null || connectors.containsKey(svc.id())) return;
        Server server = app.jettyServer().server();
        var connector = Listeners.connector(server, new HttpConfiguration(), config.host(), wanted);
        try {
            server.addConnector(connector);
            connector.start();
        } catch (Exception e) {
            server.removeConnector(connector);
            LOG.warn("service {} cannot open its own port {}: {}", svc.id(), wanted, e.getMessage());
            return;
        }
        connectors.put(svc.id(), connector);
        serviceByPort.put(connector.getLocalPort(), svc.id());
        LOG.info("service {} also answers at http://{}:{}/", svc.id(), config.host(), connector.getLocalPort());
    }

    public Farm farm() {
        return farm;
    }

    public int port() {
        return app.port();
    }

    @Override
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    /** The port a service answers on at the root, or -1 when it has none. */
    @Override
    public int servicePort(String serviceId) {
        ServerConnector c = connectors.get(serviceId);
        return c == null ? -1 : c.getLocalPort();
    }

    /** Each listening port with the listen backlog asked of the kernel for it (tests). */
    Map<Integer, Integer> listenBacklogs() {
        var out = new TreeMap<Integer, Integer>();
        for (var c : app.jettyServer().server().getConnectors()) {
            if (c instanceof ServerConnector sc) out.put(sc.getLocalPort(), sc.getAcceptQueueSize());
        }
        return out;
    }

    /** Re-reads the services folder now instead of waiting for the next scan. */
    @Override
    public void rescanNow() {
        rescan();
    }

    @Override
    public void close() {
        watcher.shutdownNow();
        farm.stop();
        if (app != null) app.stop();
        // After the last request: every line written is forced to the disk.
        Journal ledger = farm.ledger().journal();
        Journal faults = farm.faults().journal();
        if (ledger != null) ledger.close();
        if (faults != null) faults.close();
        if (dataLock != null) {
            try {
                dataLock.channel().close();
            } catch (IOException e) {
                LOG.warn("cannot release {}: {}", config.dataDir(), e.toString());
            }
        }
    }
}
