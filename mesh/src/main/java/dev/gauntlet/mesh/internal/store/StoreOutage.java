package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.StoreHealth;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable store's degraded state, shared by SQLite's and PostgreSQL's: null while it takes writes; else why not,
 * since when, and when the next write may go through as a probe (one every {@link #PROBE_EVERY_MS}; the others are
 * refused at once with the same reason). A probe that succeeds ends it.
 */
public final class StoreOutage {
    private static final Logger LOG = LoggerFactory.getLogger(StoreOutage.class);
    /** A degraded store lets one write through (a probe) this often. */
    public static final long PROBE_EVERY_MS = 250;

    private final String store;
    private final InstantSource clock;
    private volatile StoreUnavailable down;
    private volatile Instant since;
    private final AtomicLong nextProbeAt = new AtomicLong();

    /** @param store the store's name for the log (never a password) */
    public StoreOutage(String store, InstantSource clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Why writes are refused now, or null while the store takes them. */
    public StoreUnavailable current() {
        return down;
    }

    /** Whether this write may go through as the probe (at most one per {@link #PROBE_EVERY_MS}). */
    public boolean probeDue() {
        long now = clock.millis();
        long next = nextProbeAt.get();
        return now >= next && nextProbeAt.compareAndSet(next, now + PROBE_EVERY_MS);
    }

    /** The same reason for a write refused without trying: a fresh exception (its own stack), the same message. */
    public static StoreUnavailable refusal(StoreUnavailable d) {
        return new StoreUnavailable(d.reason(), d.retryAfter(), d.getMessage(), null);
    }

    /** A write failed for this reason: the store is degraded (from now, unless it already was); the next probe waits. */
    public void degraded(StoreUnavailable u, String detail) {
        if (down == null) {
            since = clock.instant();
            LOG.warn("store {}: degraded, writes refused ({}): {}", store, u.reason(), detail);
        }
        down = u;
        nextProbeAt.set(clock.millis() + PROBE_EVERY_MS);
    }

    /** A write succeeded: the store takes writes again. */
    public void recovered() {
        StoreUnavailable was = down;
        down = null;
        since = null;
        if (was != null) LOG.info("store {}: takes writes again (was {})", store, was.reason());
    }

    /** The state as /health shows it. */
    public StoreHealth health() {
        StoreUnavailable d = down;
        if (d == null) return StoreHealth.OK;
        return new StoreHealth(false, d.reason(), since, d.retryAfterSeconds(), d.getMessage());
    }
}
