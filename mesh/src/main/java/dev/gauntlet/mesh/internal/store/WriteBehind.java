package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import dev.gauntlet.mesh.metrics.MetricRollup;
import dev.gauntlet.mesh.metrics.RollupRepository;
import dev.gauntlet.mesh.store.StoreUnavailable;
import dev.gauntlet.mesh.store.WriteBehindStats;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events and metric roll-ups written in batches by one writer thread, off the callers' threads: a publish puts the
 * event in a bounded queue and returns; the writer writes a batch when {@link Settings#batchSize()} wait or the oldest
 * has waited {@link Settings#maxDelay()} (by the injected clock), each batch one transaction per kind. A read of
 * events or roll-ups writes what waits first, so the caller reads its own writes; {@link #close()} writes what is
 * left.
 *
 * <p>When the queue is full the item offered is dropped and counted ({@link Stats#droppedEvents()},
 * {@link Stats#droppedRollups()}), never waited for: events and roll-ups are history, and a caller's HTTP call must
 * not wait for the disk. A batch the store refuses (full disk, another process's lock) is dropped and counted as
 * {@link Stats#failed()}, as the synchronous write dropped it before. DLQ entries, intents and credentials never go
 * through here: they are written at once (a crash must not lose them).
 */
public final class WriteBehind implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriteBehind.class);

    /**
     * How the queue behaves.
     *
     * @param capacity  items (events and roll-ups) that may wait; beyond it what is offered is dropped
     * @param batchSize items written in one transaction; a full batch is written at once
     * @param maxDelay  the longest an item waits before a partial batch is written
     */
    public record Settings(int capacity, int batchSize, Duration maxDelay) {
        /** 10k items (seconds of a storm), batches of 500, written within 200 ms. */
        public static final Settings DEFAULT = new Settings(10_000, 500, Duration.ofMillis(200));

        public Settings {
            Checks.atLeast("write_behind.capacity", 1, capacity);
            Checks.atLeast("write_behind.batch_size", 1, batchSize);
            Checks.positive("write_behind.max_delay", maxDelay);
            if (batchSize > capacity) {
                throw new IllegalArgumentException(
                        "write_behind.batch_size must be at most capacity (" + capacity + "), was " + batchSize);
            }
        }
    }

    /** An item and when it was offered (epoch ms by the injected clock). */
    private record Queued(Object item, long at) {}

    private final EventLog events;
    private final RollupRepository rollups;
    private final InstantSource clock;
    private final Settings settings;
    private final ArrayBlockingQueue<Queued> queue;
    /** One batch written at a time: by the writer, a reader flushing first, or close. */
    private final ReentrantLock flushing = new ReentrantLock();

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong droppedEvents = new AtomicLong();
    private final AtomicLong droppedRollups = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile Thread writer;
    private volatile boolean closed;

    /** A queue in front of these repositories; nothing is written by time until {@link #start()}. */
    public WriteBehind(EventLog events, RollupRepository rollups, InstantSource clock, Settings settings) {
        this.events = events;
        this.rollups = rollups;
        this.clock = clock;
        this.settings = settings;
        this.queue = new ArrayBlockingQueue<>(settings.capacity());
    }

    /** Starts the writer thread (a platform daemon thread: it spends its time in SQLite, pinning a virtual thread's carrier). */
    public WriteBehind start() {
        Thread t = Thread.ofPlatform().daemon().name("store-write-behind").unstarted(this::run);
        writer = t;
        t.start();
        return this;
    }

    /** The event log callers write to: appends are queued, reads write what waits first. */
    public EventLog eventLog() {
        return new EventLog() {
            @Override
            public void appendEvent(MeshEvent event) {
                offer(event);
            }

            @Override
            public List<StoredEvent> recentEvents(String connector, int limit) {
                flush();
                return events.recentEvents(connector, limit);
            }
        };
    }

    /** The roll-up repository callers write to: saves are queued, reads write what waits first. */
    public RollupRepository rollupRepository() {
        return new RollupRepository() {
            @Override
            public void saveRollups(List<MetricRollup> batch) {
                for (MetricRollup r : batch) offer(r);
            }

            @Override
            public List<MetricRollup> rollups(String connector, Instant from, Instant to) {
                flush();
                return rollups.rollups(connector, from, to);
            }
        };
    }

    /** Queues an item without ever waiting; false (and counted) when the queue is full or closed. */
    boolean offer(Object item) {
        if (closed || !queue.offer(new Queued(item, clock.millis()))) {
            long n = (item instanceof MeshEvent ? droppedEvents : droppedRollups).incrementAndGet();
            // A full queue is said once, then every 10,000th time (/health and /prometheus carry the count); an event
            // published while the mesh shuts down is no news.
            if (!closed && (n == 1 || n % 10_000 == 0)) {
                LOG.warn(
                        "store write-behind queue full ({}): {} {} dropped so far",
                        settings.capacity(),
                        n,
                        item instanceof MeshEvent ? "events" : "roll-ups");
            }
            return false;
        }
        // A full batch is written now, not after the delay (the writer parks until the oldest is due otherwise).
        if (queue.size() >= settings.batchSize()) {
            Thread t = writer;
            if (t != null) LockSupport.unpark(t);
        }
        return true;
    }

    /** One step of the writer: writes what waits when a batch is full or the oldest is due; returns items written. */
    int flushIfDue() {
        Queued oldest = queue.peek();
        if (oldest == null) return 0;
        if (queue.size() < settings.batchSize()
                && clock.millis() - oldest.at() < settings.maxDelay().toMillis()) return 0;
        return flush();
    }

    /** Writes everything waiting now, in batches, on the calling thread; returns items written. */
    public int flush() {
        flushing.lock();
        try {
            int total = 0;
            var batch = new ArrayList<Queued>(Math.min(settings.batchSize(), queue.size() + 1));
            while (queue.drainTo(batch, settings.batchSize()) > 0) {
                total += write(batch);
                batch.clear();
            }
            return total;
        } finally {
            flushing.unlock();
        }
    }

    private int write(List<Queued> batch) {
        var evs = new ArrayList<MeshEvent>();
        var rus = new ArrayList<MetricRollup>();
        for (Queued q : batch) {
            if (q.item() instanceof MeshEvent e) evs.add(e);
            else rus.add((MetricRollup) q.item());
        }
        int n = 0;
        n += write(evs, () -> events.appendEvents(evs));
        n += write(rus, () -> rollups.saveRollups(rus));
        return n;
    }

    private int write(List<?> items, Runnable work) {
        if (items.isEmpty()) return 0;
        try {
            work.run();
            written.addAndGet(items.size());
            return items.size();
        } catch (StoreUnavailable degraded) {
            // History only: while the store takes no writes (full disk, lock) they are not kept; /health says so.
            failed.addAndGet(items.size());
            LOG.debug(
                    "{} events or roll-ups not written while the store is unavailable: {}",
                    items.size(),
                    degraded.getMessage());
        } catch (RuntimeException e) {
            failed.addAndGet(items.size());
            LOG.warn("{} events or roll-ups could not be written", items.size(), e);
        }
        return 0;
    }

    /** Milliseconds until the oldest waiting item is due (the delay when none waits), at least 1. */
    private long waitMillis() {
        Queued oldest = queue.peek();
        long delay = settings.maxDelay().toMillis();
        if (oldest == null) return delay;
        return Math.max(1, Math.min(delay, oldest.at() + delay - clock.millis()));
    }

    private void run() {
        while (!closed) {
            try {
                if (flushIfDue() == 0) LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(waitMillis()));
            } catch (RuntimeException e) {
                LOG.warn("store write-behind", e);
            }
        }
    }

    public WriteBehindStats stats() {
        return new WriteBehindStats(
                queue.size(),
                settings.capacity(),
                written.get(),
                droppedEvents.get(),
                droppedRollups.get(),
                failed.get());
    }

    /** Stops the writer and writes what is left (items offered after this are dropped and counted). */
    @Override
    public void close() {
        closed = true;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        flush();
    }
}
