package dev.gauntlet.mesh.internal.metrics;

import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.metrics.MetricRollup;
import dev.gauntlet.mesh.metrics.RollupRepository;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each second (by the injected clock) turns what the connectors did since the last roll-up into {@link MetricRollup}
 * rows and saves them; {@link #rollUp(Instant)} does one step at once (tests, shutdown).
 */
public final class MetricsRoller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsRoller.class);

    private final MeshMetrics metrics;
    private final RollupRepository repository;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private Instant last;
    private volatile Thread thread;

    public MetricsRoller(MeshMetrics metrics, RollupRepository repository, TimeSource time) {
        this.metrics = metrics;
        this.repository = repository;
        this.clock = time;
        this.sleeper = time;
    }

    /**
     * Rolls up now: rows are labelled with the second the interval began (the previous roll-up's second, or the one
     * before {@code now} the first time), so a roller ticking on whole seconds labels each second with itself.
     */
    public synchronized List<MetricRollup> rollUp(Instant now) {
        Instant second = last != null
                ? last.truncatedTo(ChronoUnit.SECONDS)
                : now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(1);
        last = now;
        List<MetricRollup> rows = metrics.rollUp(second);
        if (!rows.isEmpty()) {
            try {
                repository.saveRollups(rows);
            } catch (dev.gauntlet.mesh.store.StoreUnavailable degraded) {
                // Once a second while the store takes no writes: the store said so once, /health says so; not logged
                // each time.
                LOG.debug("metric roll-ups not saved while the store is unavailable: {}", degraded.getMessage());
            } catch (RuntimeException e) {
                LOG.warn("could not save {} metric roll-ups: {}", rows.size(), e.toString());
            }
        }
        return rows;
    }

    /** Starts rolling up on every whole second, on a virtual thread, until {@link #close()}. */
    public synchronized void start() {
        if (thread != null) return;
        rollUp(clock.instant()); // starts the first interval now
        thread = Thread.ofVirtual().name("mesh-metrics-roller").start(this::loop);
    }

    private void loop() {
        while (!Thread.currentThread().isInterrupted()) {
            Instant now = clock.instant();
            try {
                sleeper.sleep(Duration.between(
                        now, now.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1)));
            } catch (InterruptedException e) {
                return;
            }
            try {
                rollUp(clock.instant());
            } catch (RuntimeException e) {
                LOG.warn("metric roll-up failed: {}", e.toString());
            }
        }
    }

    public boolean running() {
        return thread != null && thread.isAlive();
    }

    /** Stops the loop and saves what the last partial second did. */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            t = thread;
            thread = null;
        }
        if (t == null) return;
        t.interrupt();
        try {
            t.join(Duration.ofSeconds(2));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        rollUp(clock.instant());
    }
}
