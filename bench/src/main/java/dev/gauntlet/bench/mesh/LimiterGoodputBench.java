package dev.gauntlet.bench.mesh;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.event.LimitLearned;
import dev.gauntlet.mesh.event.RateAdjusted;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The adaptive bucket against a farm service limited at R (200 rps, burst 10) the mesh is not told: N virtual
 * threads call as fast as the mesh lets them; prints goodput/R and the 429 share of attempts after a learning period,
 * then halves R (hot reload of the service YAML) and prints how long until the 429 share per 250 ms window stays
 * under 1 %, and the goodput against the new R. Loopback only, ~30 s.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.LimiterGoodputBench [threads]</pre>
 */
public final class LimiterGoodputBench {

    static final double R = 200;
    static final Duration LEARN = Duration.ofSeconds(5);
    static final Duration PHASE = Duration.ofSeconds(15);
    static final Duration AFTER = Duration.ofSeconds(12);

    static String service(double maxRps) {
        return """
                id: limited_mock
                flavor: rest
                base_path: /api/limited
                auth: { type: api_key, api_keys: [k-1] }
                rate_limit: { max_rps: %s, burst: 10 }
                error_profile: server_errors
                resources:
                  - { name: thing, path: /things, fields: { title: sentence }, count: 20 }
                """.formatted(maxRps);
    }

    static final boolean VERBOSE = Boolean.getBoolean("verbose");

    record Seen(long atNanos, int status) {}

    public static void main(String[] args) throws Exception {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        Path dir = Files.createTempDirectory("limiter-bench");
        Path yaml = dir.resolve("limited.yaml");
        Files.writeString(yaml, service(R));
        try (FarmServer farm = FarmServer.start(FarmConfig.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .builtIns(false)
                        .servicesDir(dir)
                        .watchInterval(Duration.ofHours(1))
                        .build());
                Mesh mesh = Mesh.builder().build()) {
            AtomicLong adjustments = new AtomicLong();
            mesh.events().subscribe(e -> {
                if (e instanceof RateAdjusted) adjustments.incrementAndGet();
                if (e instanceof RateAdjusted r && VERBOSE) System.out.println("  " + r);
                if (e instanceof LimitLearned l)
                    System.out.printf(Locale.ROOT, "  limit learned: %.1f rps (%s)%n", l.limitRps(), l.source());
            });
            Connector c = mesh.register(ConnectorSpec.builder("limited", farm.url() + "/api/limited")
                    .header("X-API-Key", "k-1")
                    .limit(LimitConfig.builder()
                            .initialRps(2 * R)
                            .maxRps(100 * R)
                            .burst(10)
                            .build())
                    .build());
            ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
            long t0 = System.nanoTime();
            Instant wall0 = Instant.now();
            long end = t0 + PHASE.toNanos() + AFTER.toNanos();
            AtomicLong halvedAt = new AtomicLong(Long.MAX_VALUE);
            System.out.printf(
                    Locale.ROOT,
                    "R = %.0f rps (burst 10), mesh starts at %.0f rps, %d virtual threads%n",
                    R,
                    2 * R,
                    threads);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < threads; t++) {
                    pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            List<Attempt> attempts;
                            try {
                                attempts = c.get("/things?per_page=1").attempts();
                            } catch (MeshException e) {
                                attempts = e.attempts();
                            }
                            for (Attempt a : attempts)
                                seen.add(new Seen(
                                        t0 + Duration.between(wall0, a.at()).toNanos(), a.status()));
                        }
                    });
                }
                Thread.sleep(PHASE);
                Files.writeString(yaml, service(R / 2));
                farm.rescanNow();
                halvedAt.set(System.nanoTime());
            }
            List<Seen> all = List.copyOf(seen);
            long h = halvedAt.get();
            double[] before = stats(all, t0 + LEARN.toNanos(), t0 + PHASE.toNanos());
            System.out.printf(
                    Locale.ROOT,
                    "phase 1, after %d s of learning, over %d s: goodput %.1f rps = %.3f R, 429 share %.3f %% of %d attempts%n",
                    LEARN.toSeconds(),
                    PHASE.minus(LEARN).toSeconds(),
                    before[0],
                    before[0] / R,
                    100 * before[1],
                    (long) before[2]);
            double[] first = stats(all, t0, t0 + LEARN.toNanos());
            System.out.printf(
                    Locale.ROOT,
                    "  (learning period: goodput %.1f rps, 429 share %.2f %%)%n",
                    first[0],
                    100 * first[1]);
            long window = 250_000_000L;
            long lastBad = h;
            int badWindows = 0;
            StringBuilder trace = new StringBuilder();
            for (long w = h; w + window <= end; w += window) {
                double[] s = stats(all, w, w + window);
                if (w < h + 4_000_000_000L)
                    trace.append(String.format(Locale.ROOT, " %.0f/%d", s[1] * s[2], (long) s[2]));
                if (s[1] >= 0.01) {
                    lastBad = w + window;
                    badWindows++;
                }
            }
            System.out.printf(
                    Locale.ROOT,
                    "R halved to %.0f rps: 429 share per 250 ms window under 1 %% for good after %d ms (%d windows at or above 1 %%)%n",
                    R / 2,
                    (lastBad - h) / 1_000_000,
                    badWindows);
            System.out.println("  429s/attempts per 250 ms window, first 4 s after halving:" + trace);
            double[] after = stats(all, h + 5_000_000_000L, end);
            System.out.printf(
                    Locale.ROOT,
                    "phase 2, from 5 s after halving: goodput %.1f rps = %.3f of the new R, 429 share %.3f %% of %d attempts%n",
                    after[0],
                    after[0] / (R / 2),
                    100 * after[1],
                    (long) after[2]);
            System.out.println("rate adjustments: " + adjustments.get() + "; status "
                    + c.status().get("rate-limit"));
        }
    }

    /** {goodput rps, 429 share, attempts} of attempts in [from, to). */
    static double[] stats(List<Seen> all, long from, long to) {
        long ok = 0;
        long limited = 0;
        long n = 0;
        for (Seen s : all) {
            if (s.atNanos() < from || s.atNanos() >= to) continue;
            n++;
            if (s.status() == 429) limited++;
            else if (s.status() >= 200 && s.status() < 300) ok++;
        }
        return new double[] {ok * 1e9 / (to - from), n == 0 ? 0 : (double) limited / n, n};
    }
}
