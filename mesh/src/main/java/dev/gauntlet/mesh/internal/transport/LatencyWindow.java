package dev.gauntlet.mesh.internal.transport;

import java.time.InstantSource;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * An upstream's recent attempt latency: the last {@link #SLOTS} seconds of answers in HdrHistograms, so a quantile
 * follows the upstream as it slows down or recovers (a slow minute ago says nothing of now) without being thrown by
 * one odd answer. Quantiles are recomputed at most every {@link #REFRESH_MS} and read lock-free in between: the
 * hot path pays one {@link Recorder#recordValue} per answer and one volatile read per question.
 */
final class LatencyWindow {

    /** Seconds of history a quantile looks at. */
    static final int SLOTS = 10;
    /** How stale a quantile may be, in ms. */
    static final long REFRESH_MS = 250;
    /** Answers a quantile needs before it is trusted; fewer, and {@link #quantileMillis} says "unknown" (-1). */
    static final long MIN_COUNT = 50;

    private static final long MAX_MICROS = 3_600_000_000L;

    private final InstantSource clock;
    private final Recorder recorder = new Recorder(MAX_MICROS, 2);
    private final Histogram[] slots = new Histogram[SLOTS];
    private long slotSecond = Long.MIN_VALUE;
    private Histogram recycled;
    /**
     * The slots' sum, kept as they change (a slot leaving the window is subtracted): summing the ten slots afresh at
     * every refresh cost a new histogram and ten passes over its counts, four times a second per connector.
     */
    private final Histogram all = new Histogram(MAX_MICROS, 2);

    private volatile Snapshot snapshot = new Snapshot(Long.MIN_VALUE / 2, -1, -1, 0);

    private record Snapshot(long atMillis, long p95Micros, long p99Micros, long count) {}

    public LatencyWindow(InstantSource clock) {
        this.clock = clock;
    }

    /** One answer's latency. */
    public void record(long micros) {
        recorder.recordValue(Math.max(0, Math.min(micros, MAX_MICROS)));
    }

    /** The recent p95 in ms, or -1 while too few answers are known. */
    public long p95Millis() {
        return toMillis(current().p95Micros());
    }

    /** The recent p99 in ms, or -1 while too few answers are known. */
    public long p99Millis() {
        return toMillis(current().p99Micros());
    }

    /** Answers in the window (as of the last refresh). */
    public long count() {
        return current().count();
    }

    private static long toMillis(long micros) {
        return micros < 0 ? -1 : (micros + 500) / 1000;
    }

    private Snapshot current() {
        Snapshot s = snapshot;
        long now = clock.millis();
        if (now - s.atMillis() < REFRESH_MS) return s;
        return refresh(now);
    }

    private synchronized Snapshot refresh(long now) {
        Snapshot s = snapshot;
        if (now - s.atMillis() < REFRESH_MS) return s;
        long second = Math.floorDiv(now, 1000);
        // Everything recorded since the last refresh belongs to the current second's slot (close enough at 250 ms).
        recycled = recorder.getIntervalHistogram(recycled);
        if (slotSecond != second) {
            // Seconds that passed without a refresh leave their slots empty.
            long gap = slotSecond == Long.MIN_VALUE ? SLOTS : Math.min(SLOTS, second - slotSecond);
            for (long k = 1; k <= gap; k++) {
                int i = (int) Math.floorMod(slotSecond + k, (long) SLOTS);
                if (slots[i] != null) {
                    all.subtract(slots[i]);
                    slots[i].reset();
                }
            }
            slotSecond = second;
        }
        int i = (int) Math.floorMod(second, (long) SLOTS);
        if (slots[i] == null) slots[i] = new Histogram(MAX_MICROS, 2);
        slots[i].add(recycled);
        all.add(recycled);
        long n = all.getTotalCount();
        Snapshot fresh = n < MIN_COUNT
                ? new Snapshot(now, -1, -1, n)
                : new Snapshot(now, all.getValueAtPercentile(95), all.getValueAtPercentile(99), n);
        snapshot = fresh;
        return fresh;
    }
}
