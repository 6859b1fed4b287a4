package dev.gauntlet.mesh;

import dev.gauntlet.mesh.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Time that only moves when told: a clock, a duration counter that reads it, a sleeper that moves it instead of
 * sleeping (and remembers each sleep), and waits (a bulkhead lane, a hedge's delay) that end when what they wait for
 * happens or when the clock is moved past their timeout - never by real time passing.
 */
public final class FakeTime implements TimeSource {
    private static final Instant START = Instant.parse("2025-06-01T12:00:00Z");
    private final AtomicReference<Instant> now = new AtomicReference<>(START);
    public final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long nanoTime() {
        return Duration.between(START, now.get()).toNanos();
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
        synchronized (this) {
            notifyAll();
        }
    }

    private final AtomicReference<Runnable> onNextSleep = new AtomicReference<>();

    @Override
    public void sleep(Duration d) {
        sleeps.add(d);
        advance(d);
        Runnable meanwhile = onNextSleep.getAndSet(null);
        if (meanwhile != null) meanwhile.run();
    }

    /**
     * Runs {@code meanwhile} once, at the end of the next sleep (the clock already moved): what other nodes or
     * background loops do while a call waits. It may move the clock further.
     */
    public void onNextSleep(Runnable meanwhile) {
        onNextSleep.set(meanwhile);
    }

    public Duration slept() {
        return sleeps.stream().reduce(Duration.ZERO, Duration::plus);
    }

    @Override
    public boolean acquire(Semaphore permits, Duration timeout) throws InterruptedException {
        Instant deadline = instant().plus(timeout);
        while (!permits.tryAcquire()) {
            if (!instant().isBefore(deadline)) return false;
            pause();
        }
        return true;
    }

    @Override
    public <T> T await(Future<T> future, Duration timeout)
            throws InterruptedException, ExecutionException, TimeoutException {
        Instant deadline = instant().plus(timeout);
        while (!future.isDone()) {
            if (!instant().isBefore(deadline)) throw new TimeoutException("fake time passed " + timeout);
            pause();
        }
        return future.get();
    }

    /** Until the clock moves, or a moment (a permit or an answer can come from another thread without a signal). */
    private synchronized void pause() throws InterruptedException {
        wait(1);
    }
}
