package dev.gauntlet.mesh.time;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The mesh's one source of time: the clock, a monotonic counter for how long things take, and every wait (sleeps,
 * a bulkhead lane, a hedge's delay, a token refresh in flight). Injected through {@code Mesh.builder().time(…)}, so a
 * test drives all of them with one fake and asserts no wall-clock duration.
 */
public interface TimeSource extends InstantSource, Sleeper {

    /** Monotonic nanoseconds, for measuring how long something took (only differences mean anything). */
    long nanoTime();

    /** Takes a permit, waiting at most {@code timeout} for one; false when none came free in time. */
    boolean acquire(Semaphore permits, Duration timeout) throws InterruptedException;

    /** The future's value, waiting at most {@code timeout}; {@link TimeoutException} when it is not done by then. */
    <T> T await(Future<T> future, Duration timeout) throws InterruptedException, ExecutionException, TimeoutException;

    /** Real time: the system clock, {@link System#nanoTime}, parking waits. */
    TimeSource SYSTEM = new TimeSource() {
        @Override
        public Instant instant() {
            return Instant.now();
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration d) throws InterruptedException {
            Sleeper.SYSTEM.sleep(d);
        }

        @Override
        public boolean acquire(Semaphore permits, Duration timeout) throws InterruptedException {
            return permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public <T> T await(Future<T> future, Duration timeout)
                throws InterruptedException, ExecutionException, TimeoutException {
            return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public String toString() {
            return "TimeSource.SYSTEM";
        }
    };
}
