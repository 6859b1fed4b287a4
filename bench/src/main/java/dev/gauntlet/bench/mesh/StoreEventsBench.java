package dev.gauntlet.bench.mesh;

import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.Retention;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;

/**
 * Events into the SQLite store, before and after the write-behind queue, side by side in one run: T publisher threads
 * (default 4) each publish N events (default 5,000) on a mesh's event bus, as the pipeline does; measured are the time
 * a publisher spends in one {@code publish} (p50, p99, mean) and the events written per second until the last one is
 * on disk (the store closed). "sync" is the store writing each event at once on the publisher's thread (as before);
 * "write-behind" queues it for the store's writer thread. Each mode runs twice in turn (A B C A B C); the first pair warms
 * the JIT and is not printed. "behind 10k" is the default queue (a flood beyond it is dropped and counted); the third
 * mode's queue holds the whole run, so its rate is the writer's.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.StoreEventsBench [N per thread [threads]]</pre>
 */
public final class StoreEventsBench {

    record Result(String mode, long published, long written, long dropped, double seconds, Histogram callerNanos) {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 5_000;
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        if (n < 1 || n > 200_000 || threads < 1 || threads > 32)
            throw new IllegalArgumentException("N in 1..200000, threads in 1..32");
        List<Result> results = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            // The default queue (10k) drops what a flood publishes beyond it; one as big as the run shows the writer's
            // rate.
            var defaults = WriteBehind.Settings.DEFAULT;
            var big = new WriteBehind.Settings(n * threads, defaults.batchSize(), defaults.maxDelay());
            List<Result> round_ = List.of(
                    run("sync", null, n, threads),
                    run("behind 10k", WriteBehind.Settings.DEFAULT, n, threads),
                    run("behind " + n * threads / 1000 + "k", big, n, threads));
            if (round == 1) results.addAll(round_);
        }
        System.out.printf("%d threads x %d events, SQLite store in a temp folder%n", threads, n);
        System.out.printf(
                "%-13s %10s %10s %9s %12s %12s %12s %14s%n",
                "mode", "published", "written", "dropped", "p50 publish", "p99 publish", "mean publish", "written/s");
        for (Result r : results) {
            System.out.printf(
                    "%-13s %10d %10d %9d %9.1f µs %9.1f µs %9.1f µs %14.0f%n",
                    r.mode(),
                    r.published(),
                    r.written(),
                    r.dropped(),
                    r.callerNanos().getValueAtPercentile(50) / 1e3,
                    r.callerNanos().getValueAtPercentile(99) / 1e3,
                    r.callerNanos().getMean() / 1e3,
                    r.written() / r.seconds());
        }
    }

    private static Result run(String mode, WriteBehind.Settings writes, int n, int threads) throws Exception {
        Path dir = Files.createTempDirectory("store-events-bench");
        try {
            SqliteStore store = SqliteStore.openFile(
                    dir.resolve(SqliteStore.FILE_NAME), Retention.DEFAULT, InstantSource.system(), writes);
            Histogram h = new Histogram(3_600_000_000_000L, 3);
            long t0;
            try (Mesh mesh = Mesh.builder().store(store).build()) {
                EventBus bus = mesh.context().events();
                var start = new CountDownLatch(1);
                var done = new CountDownLatch(threads);
                var perThread = new ArrayList<Histogram>();
                for (int t = 0; t < threads; t++) {
                    Histogram mine = new Histogram(3_600_000_000_000L, 3);
                    perThread.add(mine);
                    String connector = "c" + t;
                    Thread.ofPlatform().start(() -> {
                        try {
                            start.await();
                            for (int i = 0; i < n; i++) {
                                var e = new dev.gauntlet.mesh.event.RetryScheduled(
                                        Instant.now(),
                                        connector,
                                        i,
                                        dev.gauntlet.mesh.call.ErrorClass.server_error,
                                        100); // a small event, as most are
                                long a = System.nanoTime();
                                bus.publish(e);
                                mine.recordValue(System.nanoTime() - a);
                            }
                        } catch (InterruptedException ie) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    });
                }
                t0 = System.nanoTime();
                start.countDown();
                done.await();
                perThread.forEach(h::add);
            } // closing the mesh closes the store: what waits in the queue is written
            double seconds = (System.nanoTime() - t0) / 1e9;
            long written;
            long dropped;
            Path file = dir.resolve(SqliteStore.FILE_NAME);
            try (SqliteStore reopened = SqliteStore.openFile(file, Retention.DEFAULT, InstantSource.system(), null)) {
                written = reopened.events().recentEvents(null, Integer.MAX_VALUE).stream()
                        .filter(e -> e.type().equals("tick"))
                        .count();
            }
            dropped = (long) n * threads - written;
            return new Result(mode, (long) n * threads, written, dropped, seconds, h);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
