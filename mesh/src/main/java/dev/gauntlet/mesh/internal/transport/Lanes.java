package dev.gauntlet.mesh.internal.transport;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A connector's connections on the wire ({@code limit.max_in_flight}): taken by the bulkhead for each attempt and by
 * the transport for a hedge's second request, so both stay within the same lanes.
 */
public final class Lanes {

    /**
     * How many calls may wait per lane of the bulkhead before one is refused at once. One per lane refused ~1 % of a mild
     * run's calls during its first seconds, when the JIT makes every answer slow: 110 calls a second that take 1-4 s each
     * need up to ~400 places, not 64. Eight per lane hold a cold start and still bound the queue under overload.
     */
    static final int WAITERS_PER_LANE = 8;

    private final String connector;
    private final int max;
    private final Semaphore free;
    /** Calls waiting for a lane now; at most {@link #WAITERS_PER_LANE} per lane. */
    private final AtomicInteger waiting = new AtomicInteger();

    private final dev.gauntlet.mesh.time.TimeSource time;

    /** @param time what a wait for a lane is timed by */
    public Lanes(String connector, int max, dev.gauntlet.mesh.time.TimeSource time) {
        this.connector = connector;
        this.max = max;
        this.free = new Semaphore(max);
        this.time = time;
    }

    /** Calls waiting for a lane now (tests wait for this, not for thread states). */
    int waiting() {
        return waiting.get();
    }

    /** Takes a lane, waiting at most {@code timeout}; null when taken, else the refusal (nothing was sent). */
    Outcome.Failure acquire(Duration timeout) {
        if (free.tryAcquire()) return null;
        // The wait queue is bounded: past as many waiters as there are lanes a call is refused at once. An unbounded
        // queue behind a slow upstream only grows (an open-model load keeps arriving), every waiter times out in the
        // end, and each timed-out waiter makes the lock clean its queue - under overload that cleaning took a
        // tenth of the runner's CPU (JFR: AbstractQueuedSynchronizer.cleanQueue).
        if (waiting.incrementAndGet() > WAITERS_PER_LANE * max) {
            waiting.decrementAndGet();
            return Outcome.Failure.of(
                    ErrorClass.rate_limit,
                    "throttled by the mesh: all " + max + " connections of " + connector + " are busy and "
                            + WAITERS_PER_LANE * max + " calls already wait for one");
        }
        try {
            // Waiting for a slot is the mesh's own throttling (like waiting for a token): nothing was sent.
            if (!time.acquire(free, timeout)) {
                return Outcome.Failure.of(
                        ErrorClass.rate_limit,
                        "throttled by the mesh: all " + max + " connections of " + connector + " stayed busy for "
                                + timeout.toMillis() + " ms");
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.Failure.of(ErrorClass.timeout, "interrupted while waiting for a free connection");
        } finally {
            waiting.decrementAndGet();
        }
    }

    /** Takes a lane only when one is free now (a hedge's second request). */
    boolean tryAcquire() {
        return free.tryAcquire();
    }

    void release() {
        free.release();
    }
}
