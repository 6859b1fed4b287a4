package dev.gauntlet.mesh;

import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.call.Secrets;
import dev.gauntlet.mesh.dlq.DeadLetterQueue;
import dev.gauntlet.mesh.egress.EgressPolicy;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.dlq.DeadLetters;
import dev.gauntlet.mesh.internal.dlq.DlqService;
import dev.gauntlet.mesh.internal.dlq.Replayer;
import dev.gauntlet.mesh.internal.idempotency.InFlightWrites;
import dev.gauntlet.mesh.internal.metrics.MetricsRoller;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.time.TimeSource;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The registry of named connectors sharing one time source, store, event bus and HTTP client. */
public final class Mesh implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Mesh.class);

    private final MeshContext context;
    private final Map<String, Connector> connectors;
    private final MetricsRoller roller;
    private final DlqService dlq;
    private final Replayer replayer;
    private final Duration staleIntentAge;
    private final Thread housekeeping;
    private volatile boolean open = true;
    /** Whether background work runs (real time): then a registered connector also fetches its tokens ahead of calls. */
    private final boolean background;
    /** Where connectors may send requests and credentials; set once by the builder. */
    private EgressPolicy egress = EgressPolicy.OPEN;

    private Mesh(
            MeshContext context,
            Map<String, Connector> connectors,
            DlqService dlq,
            Replayer replayer,
            boolean background,
            Duration staleIntentAge,
            Duration housekeepingEvery) {
        this.context = context;
        this.connectors = connectors;
        this.dlq = dlq;
        this.replayer = replayer;
        this.staleIntentAge = staleIntentAge;
        this.background = background;
        // Events are kept in the store's log, and the metrics read each connector's stages.
        context.events().subscribe(event -> {
            try {
                context.store().events().appendEvent(event);
            } catch (dev.gauntlet.mesh.store.StoreUnavailable degraded) {
                // History only: while the store takes no writes (full disk, lock) events are not kept, and not logged
                // one by one either (the store logged that it is degraded, and /health says so).
            }
        });
        context.metrics().statusSource(id -> {
            Connector c = connectors.get(id);
            return c == null ? Map.of() : c.status();
        });
        this.roller = new MetricsRoller(context.metrics(), context.store().rollups(), context.time());
        if (background) {
            roller.start();
            replayer.start();
            this.housekeeping = Thread.ofVirtual().name("mesh-housekeeping").start(() -> housekeep(housekeepingEvery));
        } else {
            this.housekeeping = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public MeshContext context() {
        return context;
    }

    public EventBus events() {
        return context.events();
    }

    /** Live metrics of every connector (snapshot, Micrometer binder). */
    public MeshMetrics metrics() {
        return context.metrics();
    }

    /** Rolls the metrics up into the store each second (running when the mesh runs on real time). */
    public MetricsRoller roller() {
        return roller;
    }

    /** The dead-letter queue: list, replay, discard, stats. */
    public DeadLetterQueue dlq() {
        return dlq;
    }

    /** The DLQ's machinery (parking, settling, recovery): for the mesh's own tests and benchmarks, not exported. */
    public DlqService deadLetters() {
        return dlq;
    }

    /** The DLQ replayer (running in the background unless the builder said otherwise; tests call {@code replayDue()}). */
    public Replayer replayer() {
        return replayer;
    }

    /**
     * Settles what a stopped process left behind: writes still in flight since {@code olderThan} go to the DLQ with
     * their key, claims a stopped replayer held go back to pending. Returns how many intents were moved.
     */
    public int recoverInFlight(Instant olderThan) {
        dlq.releaseClaims(olderThan);
        return dlq.recoverInFlight(olderThan);
    }

    /** Retention and crash recovery, once a period (the sleeper's time). */
    private void housekeep(Duration every) {
        while (open) {
            try {
                context.time().sleep(every);
            } catch (InterruptedException e) {
                return;
            }
            if (!open) return;
            try {
                Instant now = context.time().instant();
                context.store().prune(now);
                recoverInFlight(now.minus(staleIntentAge));
            } catch (RuntimeException e) {
                LOG.warn("store housekeeping failed", e);
            }
        }
    }

    /**
     * Adds a connector, or replaces the one with the same id.
     *
     * @throws IllegalArgumentException when its base_url or token_url leads where the egress policy does not allow
     */
    public Connector register(ConnectorSpec spec) {
        egress.check("base_url", spec.baseUrl());
        if (spec.auth() instanceof dev.gauntlet.mesh.auth.AuthConfig.OAuth2 oauth) {
            egress.check("auth.token_url", URI.create(oauth.tokenUrl()));
        }
        Connector c = new Connector(spec, context);
        Secrets.register(c, spec.secretValues());
        Connector replaced = connectors.put(spec.id(), c);
        if (replaced != null) Secrets.unregister(replaced);
        context.metrics().registered(spec.id());
        if (background) c.prefetch();
        return c;
    }

    /** Where this mesh's connectors may send requests and credentials. */
    public EgressPolicy egress() {
        return egress;
    }

    public Connector connector(String id) {
        Connector c = connectors.get(id);
        if (c == null)
            throw new IllegalArgumentException("no connector '" + id + "'; registered: " + connectors.keySet());
        return c;
    }

    public boolean remove(String id) {
        Connector removed = connectors.remove(id);
        if (removed != null) Secrets.unregister(removed);
        return removed != null;
    }

    public List<Connector> connectors() {
        var out = new ArrayList<>(connectors.values());
        out.sort(Comparator.comparing(Connector::id));
        return out;
    }

    @Override
    public void close() {
        open = false;
        for (Connector c : connectors.values()) Secrets.unregister(c);
        roller.close();
        replayer.close();
        if (housekeeping != null) {
            housekeeping.interrupt();
            try {
                housekeeping.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        context.http().close();
        context.store().close();
        if (context.buckets() != null) context.buckets().close();
    }

    /**
     * Defaults: real time ({@link TimeSource#SYSTEM}), an in-memory store and DLQ, one HttpClient on virtual threads. With a durable
     * store (SQLite) the DLQ lives in it, writes left in flight by a stopped process are recovered into it at build, and
     * the replayer, metric roll-ups and housekeeping (retention, recovery) run in the background on real time unless
     * {@link #background(boolean)} says no.
     */
    public static final class Builder {
        private TimeSource time = TimeSource.SYSTEM;
        private Store store;
        private DeadLetters deadLetters;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private HttpClient http;
        private Boolean background;
        private int replayParallelism = 8;
        private Duration staleIntentAge = MeshContext.RECOVER_AFTER;

        private Duration housekeepingEvery = Duration.ofMinutes(1);
        private EgressPolicy egress = EgressPolicy.OPEN;
        private SharedBuckets buckets;

        /** The clock, the duration counter and every wait of the mesh (a test's fake moves them all). */
        public Builder time(TimeSource time) {
            this.time = Objects.requireNonNull(time, "time");
            return this;
        }

        public Builder store(Store store) {
            this.store = store;
            return this;
        }
        /** Replaces where the pipeline parks writes (the DLQ API still reads the store). */
        public Builder deadLetters(DeadLetters deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }
        /** The TCP connect timeout of the one HTTP client every connector shares (2 s). */
        public Builder connectTimeout(Duration d) {
            this.connectTimeout = Checks.positive("connect_timeout", d);
            return this;
        }
        /** Replaces the HTTP client (benchmarks with an in-memory transport, tests). */
        public Builder http(HttpClient http) {
            this.http = http;
            return this;
        }
        /**
         * Whether the DLQ replayer, metric roll-ups and housekeeping run in the background; default: on real time
         * ({@link TimeSource#SYSTEM}). Turn it
         * off with fake time (it would spin through fake time) and drive {@code replayer().replayDue()} instead.
         */
        public Builder background(boolean on) {
            this.background = on;
            return this;
        }
        /** Replays of one batch in flight at once. */
        public Builder replayParallelism(int n) {
            this.replayParallelism = (int) Checks.atLeast("replay_parallelism", 1, n);
            return this;
        }
        /** How long a write may stay in flight before it is taken for one a stopped process left behind. */
        public Builder staleIntentAge(Duration d) {
            this.staleIntentAge = Checks.positive("stale_intent_age", d);
            return this;
        }
        /** Where connectors may send requests and credentials (default: {@link EgressPolicy#OPEN}, any http(s) URL). */
        public Builder egress(EgressPolicy policy) {
            this.egress = Objects.requireNonNull(policy, "egress");
            return this;
        }

        /** Rate-limit buckets shared with other nodes ({@link Stores#redisBuckets}); closed with the mesh. Default: in this process. */
        public Builder buckets(SharedBuckets buckets) {
            this.buckets = buckets;
            return this;
        }

        public Builder housekeepingEvery(Duration d) {
            this.housekeepingEvery = Checks.positive("housekeeping_every", d);
            return this;
        }

        public Mesh build() {
            HttpClient client = http != null
                    ? http
                    : HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(connectTimeout)
                            .executor(Executors.newVirtualThreadPerTaskExecutor())
                            .build();
            Store s = store == null ? new MemoryStore() : store;
            EventBus events = new EventBus();
            Map<String, Connector> registry = new ConcurrentHashMap<>();
            DlqService dlq = deadLetters instanceof DlqService given
                    ? given
                    : new DlqService(s.dlq(), s.intents(), time, events, id -> {
                        Connector c = registry.get(id);
                        return c == null ? null : c.replayTarget();
                    });
            DeadLetters parked = deadLetters == null ? dlq : deadLetters;
            MeshMetrics metrics = new MeshMetrics(time, events);
            MeshContext context = new MeshContext(
                    time, events, s, client, parked, metrics, new InFlightWrites(), buckets, staleIntentAge);
            Replayer replayer = new Replayer(
                    dlq,
                    () -> registry.values().stream()
                            .map(Connector::replayTarget)
                            .toList(),
                    time,
                    replayParallelism);
            boolean durable = s.durable();
            if (durable) {
                // What a stopped process left: in-flight writes go to the DLQ with their key, half-done claims back to
                // pending.
                Instant cutoff = time.instant().minus(staleIntentAge);
                dlq.releaseClaims(cutoff);
                int moved = dlq.recoverInFlight(cutoff);
                if (moved > 0) LOG.info("recovered {} writes left in flight into the DLQ", moved);
            }
            // Background loops need real time: with fake time they would spin the fake clock forward.
            boolean loops = background != null ? background : time == TimeSource.SYSTEM;
            Mesh mesh = new Mesh(context, registry, dlq, replayer, loops, staleIntentAge, housekeepingEvery);
            mesh.egress = egress;
            return mesh;
        }
    }
}
