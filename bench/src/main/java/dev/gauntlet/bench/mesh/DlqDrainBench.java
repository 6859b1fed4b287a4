package dev.gauntlet.bench.mesh;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.dlq.DlqStats;
import dev.gauntlet.mesh.event.ReplaySucceeded;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * DLQ drain: parks N writes (default 2,000) in a SQLite store as refused by an open breaker, then lets the circuit
 * "allow" (the connector is registered, so the background replayer starts replaying it) and drains them against a
 * healthy in-process farm on loopback. Prints the park rate, the time from "circuit allows" to the first replay, the
 * drain rate (target ≥ 500 entries/s) and the farm ledger's duplicates (must be 0). Bounded: N ≤ 20,000, 120 s at most.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.DlqDrainBench [N [replay parallelism, default 8]]</pre>
 */
public final class DlqDrainBench {

    private static final String KEY = "dlq_bench_key_0b6f";
    /** A plain REST service that takes writes with idempotency keys, with a limit far above what 2 cores send. */
    private static final String SERVICE = """
            id: dlq_bench
            flavor: rest
            description: DLQ drain benchmark target
            base_path: /api/dlqbench
            auth:
              type: api_key
              api_keys: [%s]
            rate_limit: { max_rps: 10000000, burst: 10000000, per: client }
            error_profile: mostly_ok
            resources:
              - name: item
                path: /items
                fields: { name: name, city: city }
                count: 10
            ledger: { op_id_fields: [op_id] }
            idempotency: { header: Idempotency-Key }
            """.formatted(KEY);

    private static final Duration LIMIT = Duration.ofSeconds(120);

    private static int parallelism;
    /** Entries in the untimed first round: enough for the JIT to compile the replay path (C2) before the measured one. */
    private static final int WARMUP = 3000;

    private DlqDrainBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        parallelism = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        if (n < 1 || n > 20_000) throw new IllegalArgumentException("N must be between 1 and 20000, was " + n);
        Path tmp = Files.createTempDirectory("dlq-drain-bench");
        Path services = Files.createDirectories(tmp.resolve("services"));
        Files.writeString(services.resolve("dlq_bench.yaml"), SERVICE);
        FarmServer farm = FarmServer.start(FarmConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .builtIns(false)
                .servicesDir(services)
                .watchInterval(Duration.ofSeconds(60))
                .build());
        try {
            run(n, farm, tmp.resolve("data"));
        } finally {
            farm.close();
            try (var walk = Files.walk(tmp)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(int n, FarmServer farm, Path data) throws Exception {
        if (farm.farm().service("dlq_bench") == null)
            throw new IllegalStateException(
                    "service did not load: " + farm.farm().loadErrors());
        ConnectorSpec spec = ConnectorSpec.builder("dlq_bench", farm.url() + "/api/dlqbench")
                .header("X-API-Key", KEY)
                .limit(LimitConfig.builder()
                        .initialRps(10_000_000)
                        .maxRps(10_000_000)
                        .burst(10_000_000)
                        .build())
                // The replay rate is set above the target so the drain measures the replayer and store, not the bucket.
                .dlq(DlqConfig.builder()
                        .replayRps(5_000)
                        .baseDelay(Duration.ofMillis(100))
                        .maxReplays(10)
                        .build())
                .build();
        // A first, untimed round warms the JIT, the connections and the file; the second is measured.
        round("warm-up", WARMUP, "w", spec, farm, data.resolve("warmup"));
        round("measured", n, "m", spec, farm, data.resolve("measured"));
    }

    private static void round(String name, int n, String prefix, ConnectorSpec spec, FarmServer farm, Path data)
            throws Exception {
        try (Mesh mesh = Mesh.builder()
                .store(SqliteStore.open(data))
                .replayParallelism(parallelism)
                .build()) {
            long parkStart = System.nanoTime();
            for (int i = 0; i < n; i++) {
                String op = prefix + "-op-" + i;
                MeshRequest req = new MeshRequest(
                        "POST",
                        "/items",
                        Map.of(),
                        ("{\"name\":\"n" + i + "\",\"op_id\":\"" + op + "\"}").getBytes(StandardCharsets.UTF_8),
                        "application/json",
                        op,
                        null);
                String key = IdempotencyKeys.derive(spec.id(), req);
                Exchange ex = new Exchange(
                        req.withHeader("Idempotency-Key", key),
                        mesh.context().time().instant(),
                        true);
                ex.idempotencyKey(key);
                mesh.deadLetters()
                        .park(
                                spec.id(),
                                spec.dlq(),
                                ex,
                                Outcome.Failure.of(ErrorClass.circuit_open, "breaker open"),
                                false);
            }
            double parkMs = (System.nanoTime() - parkStart) / 1e6;
            System.out.printf(
                    "[%s] parked %,d entries in %.0f ms (%,.0f entries/s)%n", name, n, parkMs, n / parkMs * 1000);
            // Wait until every entry is due (an open breaker's recheck), so the drain measures replaying, not waiting.
            Thread.sleep(400);

            AtomicLong first = new AtomicLong();
            mesh.events().subscribe(e -> {
                if (e instanceof ReplaySucceeded) first.compareAndSet(0, System.nanoTime());
            });
            long allow = System.nanoTime();
            mesh.register(spec); // the circuit allows: the replayer sees the connector on its next pass
            long deadline = allow + LIMIT.toNanos();
            DlqStats s = mesh.deadLetters().stats();
            while (s.succeeded() + s.dead() < n && System.nanoTime() < deadline) {
                Thread.sleep(5);
                s = mesh.deadLetters().stats();
            }
            long end = System.nanoTime();
            double drainMs = (end - allow) / 1e6;
            System.out.printf(
                    "[%s] first replay %.0f ms after the circuit allowed%n", name, (first.get() - allow) / 1e6);
            System.out.printf(
                    "[%s] drained %,d of %,d in %.0f ms: %,.0f entries/s (target >= 500); failed %d, dead %d, pending %d%n",
                    name, s.succeeded(), n, drainMs, s.succeeded() / drainMs * 1000, s.failed(), s.dead(), s.pending());
        }
        JsonNode ledger =
                new ObjectMapper().readTree(get(farm.url() + "/admin/ledger?service=dlq_bench&duplicates=true"));
        System.out.printf(
                "[%s] farm ledger: %d operations committed twice or more%n",
                name, ledger.path("entries").size());
    }

    private static String get(String url) throws Exception {
        try (HttpClient c = HttpClient.newHttpClient()) {
            return c.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString())
                    .body();
        }
    }
}
