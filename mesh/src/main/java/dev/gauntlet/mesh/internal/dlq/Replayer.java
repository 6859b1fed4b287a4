package dev.gauntlet.mesh.internal.dlq;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.time.TimeSource;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays due DLQ entries automatically: per connector at most {@link DlqConfig#replayRps()} (a Bucket4j bucket on the
 * injected clock), so live traffic is never starved; entries of unknown outcome are left to a person. Claims come in
 * batches and a batch is sent by a few virtual threads at once. {@link #replayDue()} is one synchronous pass (tests);
 * {@link #start()} runs passes in a background virtual thread, polling every {@link #POLL}.
 */
public final class Replayer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);

    /** Between passes when nothing was due: well inside the one second allowed from "circuit allows" to the first replay. */
    public static final Duration POLL = Duration.ofMillis(100);
    /** Entries claimed per connector and pass. */
    static final int BATCH = 200;

    private final DlqService dlq;
    private final Supplier<Collection<ReplayTarget>> connectors;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final int parallelism;
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();
    private volatile boolean running;
    private Thread loop;
    private final Map<String, Thread> workers = new ConcurrentHashMap<>();

    private record Limiter(DlqConfig config, Bucket bucket) {}

    /**
     * @param parallelism replays of one batch in flight at once (1 sends them one after another, in claim order)
     */
    public Replayer(DlqService dlq, Supplier<Collection<ReplayTarget>> connectors, TimeSource time, int parallelism) {
        this.dlq = dlq;
        this.connectors = connectors;
        this.clock = time;
        this.sleeper = time;
        this.parallelism = (int) dev.gauntlet.mesh.call.Checks.atLeast("replayer.parallelism", 1, parallelism);
    }

    /** One pass: for each connector, claims as many due entries as its replay rate allows now and replays them. Returns how many were replayed. */
    public int replayDue() {
        int done = 0;
        for (ReplayTarget c : connectors.get()) done += replayDue(c);
        return done;
    }

    /** One connector's pass: reads back unknown outcomes it can, then replays its due entries. Returns the work done. */
    int replayDue(ReplayTarget c) {
        Bucket bucket = limiter(c).bucket();
        int n = (int) Math.min(BATCH, bucket.getAvailableTokens());
        if (n <= 0) return 0;
        // Reading back writes of unknown outcome takes from the same replay rate as sending writes again.
        int reads = dlq.settleUnknown(c, n);
        if (reads > 0) {
            bucket.tryConsumeAsMuchAsPossible(reads);
            n = (int) Math.min(BATCH, bucket.getAvailableTokens());
            if (n <= 0) return reads;
        }
        List<DlqEntry> claimed = dlq.repository().claimDue(c.id(), clock.instant(), n);
        if (claimed.isEmpty()) return reads;
        return reads + replayBatch(c, bucket, claimed);
    }

    private int replayBatch(ReplayTarget c, Bucket bucket, List<DlqEntry> claimed) {
        // The first goes alone as a probe: when the breaker is still open, the rest go back untouched instead of each
        // being refused in turn.
        if (!bucket.tryConsume(1)) {
            release(claimed);
            return 0;
        }
        DlqEntry first;
        try {
            first = dlq.replayClaimed(claimed.getFirst());
        } catch (RuntimeException notRecorded) {
            // Its result could not be recorded (the store failed, or this node's claim ran out and another holds it):
            // the rest go back untouched rather than wait in replaying for their lease to run out.
            LOG.warn("replay of {} could not be recorded", claimed.getFirst().id(), notRecorded);
            release(claimed.subList(1, claimed.size()));
            return 1;
        }
        if (first.state() == DlqState.pending && first.errorClass() == ErrorClass.circuit_open) {
            release(claimed.subList(1, claimed.size()));
            return 1;
        }
        var rest = new ArrayList<DlqEntry>(claimed.size() - 1);
        for (DlqEntry e : claimed.subList(1, claimed.size())) {
            if (bucket.tryConsume(1)) rest.add(e);
            else release(List.of(e));
        }
        if (parallelism == 1 || rest.size() <= 1) {
            for (DlqEntry e : rest) dlq.replayClaimed(e);
            return 1 + rest.size();
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int per = (rest.size() + parallelism - 1) / parallelism;
            for (int i = 0; i < rest.size(); i += per) {
                List<DlqEntry> lane = rest.subList(i, Math.min(rest.size(), i + per));
                pool.submit(() -> {
                    for (DlqEntry e : lane) {
                        try {
                            dlq.replayClaimed(e);
                        } catch (RuntimeException failure) {
                            // The store failed mid-replay: the claim stays until releaseClaims; the lane goes on.
                            LOG.warn("replay of {} could not be recorded", e.id(), failure);
                        }
                    }
                });
            }
        }
        return 1 + rest.size();
    }

    private void release(List<DlqEntry> entries) {
        for (DlqEntry e : entries)
            dlq.repository().transition(e.id(), Set.of(DlqState.replaying), DlqState.pending, clock.instant());
    }

    private Limiter limiter(ReplayTarget c) {
        DlqConfig config = c.dlq();
        Limiter l = limiters.get(c.id());
        if (l != null && l.config().equals(config)) return l;
        // A re-registered connector with another rate gets a fresh bucket.
        long capacity = Math.max(1, (long) Math.ceil(config.replayRps()));
        Duration period = Duration.ofNanos(Math.round(capacity / config.replayRps() * 1e9));
        TimeMeter meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                var t = clock.instant();
                return t.getEpochSecond() * 1_000_000_000L + t.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
        Bucket bucket = Bucket.builder()
                .addLimit(b -> b.capacity(capacity).refillGreedy(capacity, period))
                .withCustomTimePrecision(meter)
                .build();
        l = new Limiter(config, bucket);
        limiters.put(c.id(), l);
        return l;
    }

    /** Starts the background loop (once). */
    public synchronized void start() {
        if (loop != null) return;
        running = true;
        loop = Thread.ofVirtual().name("mesh-dlq-replayer").start(this::run);
    }

    /**
     * Keeps one worker per registered connector. One loop over every connector made each pass wait for the slowest
     * replay anywhere: against hell's hangs and Retry-After waits a replay can take seconds, and meanwhile no other
     * connector's due entries moved (hell's DLQ grew all run long, ~4 entries a second).
     */
    private void run() {
        while (running) {
            for (ReplayTarget c : connectors.get()) {
                workers.compute(
                        c.id(),
                        (id, t) -> t != null && t.isAlive()
                                ? t
                                : Thread.ofVirtual()
                                        .name("mesh-dlq-replayer-" + id)
                                        .start(() -> work(id)));
            }
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One connector's loop: passes back to back while there is work, a poll interval apart when there is none. */
    private void work(String connectorId) {
        while (running) {
            ReplayTarget c = null;
            for (ReplayTarget each : connectors.get()) if (each.id().equals(connectorId)) c = each;
            if (c == null) return; // removed: a new worker starts if it comes back
            int n = 0;
            try {
                n = replayDue(c);
            } catch (dev.gauntlet.mesh.store.StoreUnavailable degraded) {
                // The store takes no writes for now (full disk, lock): try again next poll; the store logged it once.
                LOG.debug("DLQ replay pass of {} waits for the store: {}", connectorId, degraded.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("DLQ replay pass of {} failed", connectorId, e);
            }
            if (n > 0) continue; // more may be due now: drain without waiting
            try {
                sleeper.sleep(POLL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Stops the background loops and waits for the passes in progress. */
    @Override
    public synchronized void close() {
        running = false;
        if (loop == null) return;
        List<Thread> all = new ArrayList<>(workers.values());
        all.add(loop);
        try {
            // Not interrupted at once: an interrupted replay would look like a failed one. The passes end by
            // themselves.
            // Real time on purpose: a bound on how long close() waits for real threads to end, whatever the mesh's
            // time.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            for (Thread t : all) t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            for (Thread t : all) {
                if (t.isAlive()) {
                    t.interrupt();
                    t.join(Duration.ofSeconds(1));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.clear();
        loop = null;
    }
}
