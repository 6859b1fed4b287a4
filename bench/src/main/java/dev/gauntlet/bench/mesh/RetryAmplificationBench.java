package dev.gauntlet.bench.mesh;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retry amplification at a full outage: the farm answers every call with a 5xx while an open-model load offers
 * 200 calls/s for 10 s; prints the attempts that reached the farm per logical call offered (target ≤ 1.1), with the
 * retry budget and the circuit at their defaults, and for comparison with the circuit never opening (budget alone).
 * Loopback only, ~25 s.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.RetryAmplificationBench</pre>
 */
public final class RetryAmplificationBench {

    static final int RATE = 200;
    static final int SECONDS = 10;

    static final String SERVICE = """
            id: down_mock
            flavor: rest
            base_path: /api/down
            auth: { type: api_key, api_keys: [k-1] }
            rate_limit: { max_rps: 100000, burst: 100000 }
            error_profile: server_errors
            resources:
              - { name: thing, path: /things, fields: { title: sentence }, count: 20 }
            """;

    static final String CHAOS = """
            levels:
              calm: { error_rate: 0, network_rate: 0 }
              mild: { error_rate: 0, network_rate: 0 }
              storm: { error_rate: 0, network_rate: 0 }
              hell: { error_rate: 0, network_rate: 0 }
              outage: { error_rate: 1.0, network_rate: 0 }
            profiles:
              server_errors: { errors: { server_error: 1 } }
              schema_drift: { errors: { server_error: 1 } }
              mostly_ok: { errors: { server_error: 1 } }
              aggressive_limits: { errors: { server_error: 1 } }
              network_flakiness: { errors: { server_error: 1 } }
              rate_limits: { errors: { server_error: 1 } }
              token_rotation: { errors: { server_error: 1 } }
            """;

    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("amplification-bench");
        Files.writeString(dir.resolve("down.yaml"), SERVICE);
        Path chaos = Files.writeString(dir.resolve("chaos.yaml"), CHAOS);
        Files.createDirectories(dir.resolve("services"));
        Files.move(dir.resolve("down.yaml"), dir.resolve("services/down.yaml"));
        try (FarmServer farm = FarmServer.start(FarmConfig.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .builtIns(false)
                        .servicesDir(dir.resolve("services"))
                        .chaosFile(chaos)
                        .build());
                HttpClient admin = HttpClient.newHttpClient()) {
            send(admin, farm.url() + "/admin/chaos", "{\"level\":\"outage\"}");
            run(farm, admin, "defaults (retry budget + circuit)", CircuitConfig.DEFAULT);
            // minimumCalls beyond the run: the breaker never judges, only the retry budget limits retries.
            run(
                    farm,
                    admin,
                    "retry budget alone (circuit never opens)",
                    CircuitConfig.builder()
                            .failureRatePercent(100)
                            .windowCalls(100_000)
                            .minimumCalls(100_000)
                            .openFor(Duration.ofSeconds(5))
                            .halfOpenCalls(5)
                            .build());
        }
    }

    static void run(FarmServer farm, HttpClient admin, String label, CircuitConfig circuit) throws Exception {
        long faultsBefore = faults(admin, farm);
        Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
        AtomicLong meshAttempts = new AtomicLong();
        int calls = RATE * SECONDS;
        CountDownLatch done = new CountDownLatch(calls);
        try (Mesh mesh = Mesh.builder().build();
                var scheduler = Executors.newSingleThreadScheduledExecutor();
                var workers = Executors.newVirtualThreadPerTaskExecutor()) {
            // The limiter high enough not to shape this load: the point is what retries and the breaker add.
            Connector c = mesh.register(ConnectorSpec.builder("down", farm.url() + "/api/down")
                    .header("X-API-Key", "k-1")
                    .limit(LimitConfig.builder()
                            .initialRps(1000)
                            .maxRps(5000)
                            .burst(200)
                            .build())
                    .circuit(circuit)
                    .build());
            AtomicLong fired = new AtomicLong();
            long start = System.nanoTime();
            scheduler.scheduleAtFixedRate(
                    () -> {
                        if (fired.getAndIncrement() >= calls) return;
                        workers.submit(() -> {
                            try {
                                meshAttempts.addAndGet(
                                        c.get("/things?per_page=1").attempts().size());
                                outcomes.computeIfAbsent("ok", k -> new AtomicLong())
                                        .incrementAndGet();
                            } catch (MeshException e) {
                                meshAttempts.addAndGet(e.attempts().size());
                                outcomes.computeIfAbsent(e.errorClass().name(), k -> new AtomicLong())
                                        .incrementAndGet();
                            } finally {
                                done.countDown();
                            }
                        });
                    },
                    0,
                    1_000_000 / RATE,
                    TimeUnit.MICROSECONDS);
            if (!done.await(SECONDS + 40, TimeUnit.SECONDS))
                System.out.println("  (some calls still running at the time limit)");
            long tookMs = (System.nanoTime() - start) / 1_000_000;
            long reached = faults(admin, farm) - faultsBefore;
            System.out.printf(
                    Locale.ROOT,
                    "%s: %d calls offered at %d/s in %d ms; attempts reaching the farm %d (mesh counted %d) = %.3f per call%n",
                    label,
                    calls,
                    RATE,
                    tookMs,
                    reached,
                    meshAttempts.get(),
                    (double) reached / calls);
            System.out.println("  outcomes " + new TreeMap<>(outcomes) + "; retry "
                    + c.status().get("retry") + "; circuit " + c.status().get("circuit"));
        }
    }

    static long faults(HttpClient admin, FarmServer farm) throws Exception {
        String body = admin.send(
                        HttpRequest.newBuilder(URI.create(
                                        farm.url() + "/admin/faults?service=down_mock&type=server_error&limit=1"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return JSON.readTree(body).get("total").asLong();
    }

    static void send(HttpClient admin, String url, String json) throws Exception {
        HttpResponse<String> r = admin.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) throw new IllegalStateException(url + " → " + r.statusCode() + " " + r.body());
    }
}
