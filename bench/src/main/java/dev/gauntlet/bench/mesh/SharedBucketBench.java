package dev.gauntlet.bench.mesh;

import dev.gauntlet.mesh.Stores;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.limit.ConnectorLimits;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.time.TimeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;

/**
 * The cost of one rate-limit token: the local Bucket4j bucket against the shared GCRA Lua script in Redis, through
 * {@code ConnectorLimits.acquire} (what the pipeline's rate-limit stage calls), with 1 and 4 threads on one bucket (all
 * contend for one key) and on one bucket per thread. The limit never binds (100k rps, burst 10k), so every call is a
 * grant and the time is the bucket's own. Redis from {@code GAUNTLET_REDIS_URL} (default {@code
 * redis://127.0.0.1:6379/0}), under a random prefix.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.SharedBucketBench [calls per thread=20000]</pre>
 */
public final class SharedBucketBench {

    public static void main(String[] args) throws Exception {
        int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        if (calls < 1_000) throw new IllegalArgumentException("calls per thread must be >= 1000, was " + calls);
        String url = System.getenv().getOrDefault("GAUNTLET_REDIS_URL", "redis://127.0.0.1:6379/0");
        RedisUrl base = RedisUrl.parse(url);
        RedisUrl redis = new RedisUrl(base.host(), base.port(), base.database(), "bench-" + UUID.randomUUID());
        var config = LimitConfig.builder()
                .initialRps(100_000)
                .maxRps(100_000)
                .burst(10_000)
                .build();
        System.out.printf(
                "%-8s %8s %10s %10s %10s %10s %12s%n",
                "bucket", "threads", "keys", "p50 µs", "p99 µs", "mean µs", "calls/s");
        try (SharedBuckets shared = Stores.redisBuckets(redis, TimeSource.SYSTEM)) {
            for (boolean useRedis : new boolean[] {false, true}) {
                for (int threads : new int[] {1, 4}) {
                    for (boolean oneKey : new boolean[] {true, false}) {
                        if (threads == 1 && !oneKey) continue;
                        run(useRedis ? shared : null, config, threads, oneKey, calls / 4, false);
                        run(useRedis ? shared : null, config, threads, oneKey, calls, true);
                    }
                }
            }
        }
    }

    static void run(SharedBuckets shared, LimitConfig config, int threads, boolean oneKey, int calls, boolean print)
            throws Exception {
        var limits =
                new ConnectorLimits("bench-" + UUID.randomUUID(), config, TimeSource.SYSTEM, new EventBus(), shared);
        List<Histogram> hs = new ArrayList<>();
        var start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram(3);
            hs.add(h);
            String tenant = oneKey ? "default" : "t" + t;
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < calls; i++) {
                        long t0 = System.nanoTime();
                        if (limits.acquire(limits.tenant(tenant), null) != null)
                            throw new IllegalStateException("refused: the limit must not bind");
                        h.recordValue(System.nanoTime() - t0);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : ts) t.join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        Histogram all = new Histogram(3);
        hs.forEach(all::add);
        if (print)
            System.out.printf(
                    "%-8s %8d %10s %10.1f %10.1f %10.1f %,12.0f%n",
                    shared == null ? "local" : "redis",
                    threads,
                    oneKey ? "1" : Integer.toString(threads),
                    all.getValueAtPercentile(50) / 1e3,
                    all.getValueAtPercentile(99) / 1e3,
                    all.getMean() / 1e3,
                    threads * (double) calls / seconds);
    }
}
