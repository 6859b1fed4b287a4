package dev.gauntlet.mesh.metrics;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One connector's live counters and latency histogram. Recording is lock-free ({@link LongAdder}s and an HdrHistogram
 * {@link Recorder}); reading (snapshots, roll-ups) swaps the recorder's interval histogram out under a lock.
 */
public final class ConnectorMetrics {
    private static final ErrorClass[] CLASSES = ErrorClass.values();
    /** Latencies are kept in microseconds up to an hour; longer calls are counted as an hour. */
    static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    /** Two significant digits (1 %) keep each histogram near 25 KB; percentiles need no more. */
    static final int DIGITS = 2;

    private final String connector;
    final LongAdder calls = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder stale = new LongAdder();
    final LongAdder attempts = new LongAdder();
    final LongAdder attemptsSucceeded = new LongAdder();
    final LongAdder retries = new LongAdder();
    final LongAdder rateLimited = new LongAdder();
    final LongAdder latencyNanos = new LongAdder();
    final LongAdder[] failed = adders();
    final LongAdder[] attemptsFailed = adders();
    private final Recorder recorder = new Recorder(MAX_MICROS, DIGITS);
    private final Map<String, LongAdder> events = new ConcurrentHashMap<>();
    private final Consumer<String> onNewEventType;

    // Guarded by this: the reading side.
    private Histogram interval;
    private final Histogram total = new Histogram(MAX_MICROS, DIGITS);
    private final Histogram sinceRollup = new Histogram(MAX_MICROS, DIGITS);
    private long rolledCalls, rolledAttempts, rolledSucceeded, rolledFailed, rolledRetries, rolledRateLimited;

    ConnectorMetrics(String connector, Consumer<String> onNewEventType) {
        this.connector = connector;
        this.onNewEventType = onNewEventType;
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[CLASSES.length];
        for (int i = 0; i < a.length; i++) a[i] = new LongAdder();
        return a;
    }

    public String connector() {
        return connector;
    }

    /** Counts one logical call: its attempts, its outcome and how long it took. */
    public void record(List<Attempt> tries, Outcome outcome, long nanos) {
        calls.increment();
        int n = tries.size();
        if (n > 0) {
            attempts.add(n);
            if (n > 1) retries.add(n - 1);
            for (int i = 0; i < n; i++) {
                Attempt a = tries.get(i);
                if (a.errorClass() == null) attemptsSucceeded.increment();
                else attemptsFailed[a.errorClass().ordinal()].increment();
                if (a.status() == 429) rateLimited.increment();
            }
        }
        if (outcome instanceof Outcome.Failure f) {
            failed[f.errorClass().ordinal()].increment();
        } else {
            succeeded.increment();
            if (((Outcome.Success) outcome).response().stale()) stale.increment();
        }
        latencyNanos.add(nanos);
        recorder.recordValue(Math.min(MAX_MICROS, Math.max(0, nanos / 1000)));
    }

    void countEvent(String type) {
        LongAdder a = events.get(type);
        if (a == null) {
            LongAdder fresh = new LongAdder();
            a = events.putIfAbsent(type, fresh);
            if (a == null) {
                a = fresh;
                onNewEventType.accept(type);
            }
        }
        a.increment();
    }

    long events(String type) {
        LongAdder a = events.get(type);
        return a == null ? 0 : a.sum();
    }

    private void drain() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        sinceRollup.add(interval);
    }

    /** Latency of every call so far. */
    public synchronized Latency latency() {
        drain();
        return Latency.of(total);
    }

    /** Adds every call's latency so far to {@code into} (the overall view). */
    synchronized void addLatencyTo(Histogram into) {
        drain();
        into.add(total);
    }

    long failed() {
        long n = 0;
        for (LongAdder a : failed) n += a.sum();
        return n;
    }

    /** The figures since the last roll-up, labelled {@code second}; null when nothing happened. */
    synchronized MetricRollup rollUp(Instant second) {
        drain();
        long c = calls.sum(),
                a = attempts.sum(),
                s = succeeded.sum(),
                f = failed(),
                r = retries.sum(),
                l = rateLimited.sum();
        MetricRollup row = null;
        if (c != rolledCalls || a != rolledAttempts) {
            Latency lat = Latency.of(sinceRollup);
            row = new MetricRollup(
                    connector,
                    second,
                    c - rolledCalls,
                    a - rolledAttempts,
                    s - rolledSucceeded,
                    f - rolledFailed,
                    r - rolledRetries,
                    l - rolledRateLimited,
                    lat.p50Ms(),
                    lat.p95Ms(),
                    lat.p99Ms(),
                    lat.maxMs());
        }
        sinceRollup.reset();
        rolledCalls = c;
        rolledAttempts = a;
        rolledSucceeded = s;
        rolledFailed = f;
        rolledRetries = r;
        rolledRateLimited = l;
        return row;
    }

    /** The live figures, with the stages' status given. */
    public ConnectorSnapshot snapshot(Map<String, Map<String, Object>> stages) {
        Map<ErrorClass, Long> failures = new EnumMap<>(ErrorClass.class),
                attemptFailures = new EnumMap<>(ErrorClass.class);
        for (ErrorClass c : CLASSES) {
            failures.put(c, failed[c.ordinal()].sum());
            attemptFailures.put(c, attemptsFailed[c.ordinal()].sum());
        }
        Map<String, Long> ev = new TreeMap<>();
        events.forEach((k, v) -> ev.put(k, v.sum()));
        long c = calls.sum(), s = succeeded.sum(), a = attempts.sum(), as = attemptsSucceeded.sum();
        return new ConnectorSnapshot(
                connector,
                c,
                s,
                failed(),
                failures,
                a,
                as,
                attemptFailures,
                retries.sum(),
                rateLimited.sum(),
                stale.sum(),
                rate(s, c),
                rate(as, a),
                latency(),
                ev,
                stages);
    }

    static double rate(long part, long whole) {
        return whole == 0 ? 1.0 : (double) part / whole;
    }

    Set<String> eventTypes() {
        return events.keySet();
    }
}
