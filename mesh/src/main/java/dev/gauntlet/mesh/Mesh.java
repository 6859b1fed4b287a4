package dev.gauntlet.mesh;

import dev.gauntlet.mesh.dlq.DeadLetters;
import dev.gauntlet.mesh.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.metrics.MetricsRoller;
import dev.gauntlet.mesh.store.MemoryStore;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.time.Sleeper;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/** The registry of named connectors sharing one clock, store, event bus and HTTP client. */
public final class Mesh implements AutoCloseable {

    private final MeshContext context;
    private final Map<String, Connector> connectors = new ConcurrentHashMap<>();
    private final MetricsRoller roller;

    private Mesh(MeshContext context) {
        this.context = context;
        // Events are kept in the store's log, and the metrics read each connector's stages.
        context.events().subscribe(context.store()::appendEvent);
        context.metrics().statusSource(id -> {
            Connector c = connectors.get(id);
            return c == null ? Map.of() : c.status();
        });
        this.roller = new MetricsRoller(context.metrics(), context.store(), context.clock(), context.sleeper());
        // Only on real time: with a fake sleeper the loop would spin the fake clock forward; tests call rollUp(now).
        if (context.sleeper() == Sleeper.SYSTEM) roller.start();
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

    /** Adds a connector, or replaces the one with the same id. */
    public Connector register(ConnectorSpec spec) {
        Connector c = new Connector(spec, context);
        connectors.put(spec.id(), c);
        context.metrics().registered(spec.id());
        return c;
    }

    public Connector connector(String id) {
        Connector c = connectors.get(id);
        if (c == null) throw new IllegalArgumentException("no connector '" + id + "'; registered: " + connectors.keySet());
        return c;
    }

    public boolean remove(String id) {
        return connectors.remove(id) != null;
    }

    public List<Connector> connectors() {
        var out = new ArrayList<>(connectors.values());
        out.sort(Comparator.comparing(Connector::id));
        return out;
    }

    @Override
    public void close() {
        roller.close();
        context.http().close();
        context.store().close();
    }

    /** Defaults: system clock, real sleeps, an in-memory store and DLQ, one HttpClient on virtual threads. */
    public static final class Builder {
        private InstantSource clock = InstantSource.system();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Store store;
        private DeadLetters deadLetters;
        private Duration connectTimeout = Duration.ofSeconds(2);
        private HttpClient http;

        public Builder clock(InstantSource clock) { this.clock = clock; return this; }
        public Builder sleeper(Sleeper sleeper) { this.sleeper = sleeper; return this; }
        public Builder store(Store store) { this.store = store; return this; }
        public Builder deadLetters(DeadLetters deadLetters) { this.deadLetters = deadLetters; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = Checks.positive("connect_timeout", d); return this; }
        /** Replaces the HTTP client (benchmarks with an in-memory transport, tests). */
        public Builder http(HttpClient http) { this.http = http; return this; }

        public Mesh build() {
            HttpClient client = http != null ? http : HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout)
                    .executor(Executors.newVirtualThreadPerTaskExecutor())
                    .build();
            return new Mesh(new MeshContext(clock, sleeper, new EventBus(), store == null ? new MemoryStore() : store, client,
                    deadLetters == null ? new MemoryDeadLetters(clock) : deadLetters));
        }
    }
}
