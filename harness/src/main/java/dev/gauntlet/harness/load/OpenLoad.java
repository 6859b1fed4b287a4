package dev.gauntlet.harness.load;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an open-model load: the i-th operation is due at {@code start + i / rate}; it starts on its own virtual thread
 * at that moment whatever the earlier ones are doing, and is handed its intended start so its latency includes any
 * lateness (no coordinated omission).
 */
public final class OpenLoad {

    private static final Logger LOG = LoggerFactory.getLogger(OpenLoad.class);

    /** One operation; {@code intendedStartNanos} is on the {@link System#nanoTime()} scale. */
    @FunctionalInterface
    public interface Operation {
        void run(long seq, long intendedStartNanos) throws Exception;
    }

    /** What the generator did: operations started, dropped at the in-flight cap, finished, and ones that threw. */
    public record Result(long started, long dropped, long finished, long threw, long elapsedNanos) {}

    private OpenLoad() {}

    /**
     * Runs the plan; returns when every started operation finished (or {@code drainTimeoutMs} after the last start).
     *
     * @param stop checked before every start: true ends the load early (a halt condition, Ctrl-C, {@code POST /runs/{id}/stop})
     */
    public static Result run(LoadPlan plan, Operation op, BooleanSupplier stop, long drainTimeoutMs) {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicLong finished = new AtomicLong();
        AtomicLong threw = new AtomicLong();
        long started = 0, dropped = 0;
        double intervalNanos = 1e9 / plan.ratePerSecond();
        long t0 = System.nanoTime();
        long end = t0 + plan.duration().toNanos();
        // Not try-with-resources: close() would wait for stuck operations without end.
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        {
            for (long i = 0; i < plan.maxOps(); i++) {
                long due = t0 + (long) (i * intervalNanos);
                if (due >= end || stop.getAsBoolean()) break;
                long wait = due - System.nanoTime();
                if (wait > 0) LockSupport.parkNanos(wait);
                if (inFlight.get() >= plan.maxInFlight()) {
                    dropped++;
                    continue;
                }
                inFlight.incrementAndGet();
                long seq = i;
                started++;
                pool.execute(() -> {
                    try {
                        op.run(seq, due);
                    } catch (Exception | Error e) {
                        threw.incrementAndGet();
                        LOG.debug("operation {} threw {}", seq, e.toString());
                    } finally {
                        inFlight.decrementAndGet();
                        finished.incrementAndGet();
                    }
                });
            }
            pool.shutdown();
            try {
                if (!pool.awaitTermination(drainTimeoutMs, TimeUnit.MILLISECONDS)) {
                    LOG.warn(
                            "{} operations still running {} ms after the last start; not waiting for them",
                            inFlight.get(),
                            drainTimeoutMs);
                    pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                pool.shutdownNow();
            }
        }
        return new Result(started, dropped, finished.get(), threw.get(), System.nanoTime() - t0);
    }
}
