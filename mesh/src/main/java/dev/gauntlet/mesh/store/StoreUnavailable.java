package dev.gauntlet.mesh.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The store cannot take writes for now (its disk is full, another process holds its lock, an I/O error), and is
 * expected to come back by itself: the caller should ask again after {@link #retryAfter()}. The message names the
 * store, never its file path (it reaches HTTP answers).
 */
public final class StoreUnavailable extends StoreException {

    /** Why the store is unavailable. */
    public enum Reason {
        /** The disk (or file system quota) holding the store is full: SQLITE_FULL. */
        full,
        /** Another process or connection holds the store's write lock longer than the busy timeout: SQLITE_BUSY/LOCKED. */
        locked,
        /** Reading or writing the file failed (SQLITE_IOERR, SQLITE_CANTOPEN) or the connection broke. */
        io
    }

    private final Reason reason;
    private final Duration retryAfter;

    public StoreUnavailable(Reason reason, Duration retryAfter, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    public Reason reason() {
        return reason;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    /** Whole seconds for a Retry-After header: at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
