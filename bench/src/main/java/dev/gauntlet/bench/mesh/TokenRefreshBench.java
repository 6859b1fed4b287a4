package dev.gauntlet.bench.mesh;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.internal.auth.AuthStage;
import dev.gauntlet.mesh.internal.auth.Authenticator;
import dev.gauntlet.mesh.internal.auth.RefreshMetrics;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;

/**
 * Token refresh under load: the farm in-process on 127.0.0.1 (port 0) with Salesforce tokens that live 2 s, and 16
 * virtual threads calling through the whole mesh pipeline for a bounded time and count. Two rounds: the mesh knows
 * the TTL (refreshes ahead of expiry), and the mesh assumes a longer TTL (Salesforce's answer has no expires_in, so
 * each expiry is learnt from a 401 and mended inside the auth stage). Prints refreshes, the refresh latency from the
 * stage's histogram and the auth_expired failures that reached a caller (must be 0).
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.TokenRefreshBench [seconds-per-round ≤ 10] [threads]</pre>
 */
public final class TokenRefreshBench {

    private static final String PATH = "/services/data/v59.0/sobjects/Account";
    private static final long TTL_S = 2;
    private static final long MAX_CALLS = 2_000_000;

    private TokenRefreshBench() {}

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Math.min(10, Long.parseLong(args[0])) : 8;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        Path dir = Files.createTempDirectory("token-bench");
        Files.writeString(dir.resolve("salesforce_mock.yaml"), salesforce());
        int failed = 0;
        try (FarmServer farm = FarmServer.start(
                FarmConfig.builder().host("127.0.0.1").port(0).servicesDir(dir).build())) {
            String base = farm.url() + "/api/salesforce";
            // Knowing the TTL, the mesh refreshes every TTL − margin (the 10 s default margin clamped to TTL / 2 = 1
            // s).
            // The JIT compiles the pipeline and the token path in a first round; its figures are printed, not judged.
            round(
                    "warm-up (not measured: JIT, first connections)",
                    base,
                    Duration.ofSeconds(TTL_S),
                    Duration.ofSeconds(TTL_S).dividedBy(2),
                    seconds,
                    threads);
            failed += round(
                    "proactive (mesh assumes the true 2 s TTL)",
                    base,
                    Duration.ofSeconds(TTL_S),
                    Duration.ofSeconds(TTL_S).dividedBy(2),
                    seconds,
                    threads);
            failed += round(
                    "reactive (mesh assumes 10 min; expiry learnt from 401)",
                    base,
                    Duration.ofMinutes(10),
                    Duration.ofSeconds(TTL_S),
                    seconds,
                    threads);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        }
        System.exit(failed == 0 ? 0 : 1);
    }

    private static int round(
            String name, String base, Duration assumedTtl, Duration refreshEvery, long seconds, int threads)
            throws Exception {
        try (Mesh mesh = Mesh.builder().build()) {
            Connector sf = mesh.register(ConnectorSpec.builder("sf_bench", base)
                    .flavor("salesforce")
                    .auth(AuthConfig.OAuth2.clientCredentials(
                                    base + "/services/oauth2/token", "gauntlet", "gauntlet-secret")
                            .withDefaultTtl(assumedTtl))
                    // A limit far above what the threads reach: this measures tokens, not throttling.
                    .limit(LimitConfig.builder()
                            .initialRps(10_000_000)
                            .maxRps(10_000_000)
                            .burst(10_000_000)
                            .build())
                    .build());
            LongAdder ok = new LongAdder();
            LongAdder authExpired = new LongAdder();
            LongAdder otherFailures = new LongAdder();
            AtomicLong budget = new AtomicLong(MAX_CALLS);
            long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
            long start = System.nanoTime();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    workers.add(pool.submit(() -> {
                        while (System.nanoTime() < end && budget.decrementAndGet() >= 0) {
                            try {
                                sf.get(PATH);
                                ok.increment();
                            } catch (MeshException e) {
                                if (e.errorClass() == ErrorClass.auth_expired) authExpired.increment();
                                else otherFailures.increment();
                            }
                        }
                    }));
                }
                for (Future<?> w : workers) w.get();
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            AuthStage stage = (AuthStage) sf.pipeline().stages().stream()
                    .filter(s -> s.name().equals("auth"))
                    .findFirst()
                    .orElseThrow();
            RefreshMetrics m =
                    ((Authenticator.OAuth) stage.authenticator()).tokens().metrics();
            Histogram h = m.latencies();
            System.out.printf("round: %s%n", name);
            System.out.printf(
                    "  calls ok %d, auth_expired surfaced %d, other failures %d, in %.1f s with %d virtual threads (%.0f calls/s)%n",
                    ok.sum(), authExpired.sum(), otherFailures.sum(), elapsed, threads, ok.sum() / elapsed);
            System.out.printf(
                    "  token TTL %d s → expected ≈ %.0f refreshes (1 + one per %d ms); refreshes %d (proactive %d, reactive %d), failures %d, callers that waited %d, 401s met %d%n",
                    TTL_S,
                    1 + Math.floor(elapsed * 1000 / refreshEvery.toMillis()),
                    refreshEvery.toMillis(),
                    m.refreshes(),
                    m.proactiveRefreshes(),
                    m.reactiveRefreshes(),
                    m.failures(),
                    m.waits(),
                    m.authExpiredSeen());
            System.out.printf(
                    "  refresh latency ms: p50 %.2f, p99 %.2f, max %.2f (n=%d)%n",
                    h.getValueAtPercentile(50) / 1000.0,
                    h.getValueAtPercentile(99) / 1000.0,
                    h.getMaxValue() / 1000.0,
                    h.getTotalCount());
            return authExpired.sum() == 0 ? 0 : 1;
        }
    }

    /** The built-in Salesforce service with 2 s tokens and limits the bench never reaches. */
    private static String salesforce() throws IOException {
        try (InputStream in = FarmConfig.class.getResourceAsStream("/services/salesforce_mock.yaml")) {
            if (in == null) throw new IllegalStateException("built-in salesforce_mock.yaml missing from the farm jar");
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replaceFirst("token_ttl_s: \\d+", "token_ttl_s: " + TTL_S)
                    .replaceFirst(
                            "rate_limit: \\{[^}]*}", "rate_limit: { max_rps: 1000000, burst: 1000000, per: client }");
            if (!yaml.contains("token_ttl_s: " + TTL_S))
                throw new IllegalStateException("salesforce_mock.yaml changed shape");
            return yaml;
        }
    }
}
