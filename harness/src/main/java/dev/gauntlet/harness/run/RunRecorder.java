package dev.gauntlet.harness.run;

import dev.gauntlet.harness.report.RunReport;
import dev.gauntlet.harness.workflow.ApiResult;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Everything the workflows did, per connector, recorded lock-free from many virtual threads: counts by outcome, and
 * latency from each operation's intended start in an HdrHistogram (whole run, and per second for the series).
 */
public final class RunRecorder {

    /** Latencies up to 10 minutes, 3 significant digits. */
    private static final long MAX_MICROS = 600_000_000L;

    /** One connector's running figures. */
    public static final class Figures {
        final LongAdder ops = new LongAdder();
        final LongAdder succeeded = new LongAdder();
        final LongAdder failed = new LongAdder();
        final LongAdder retries = new LongAdder();
        final LongAdder retriedOps = new LongAdder();
        final LongAdder retriedSucceeded = new LongAdder();
        final LongAdder deadLettered = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder correct = new LongAdder();
        final LongAdder incorrect = new LongAdder();
        final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        final Recorder interval = new Recorder(MAX_MICROS, 3);
        final Histogram total = new Histogram(MAX_MICROS, 3);

        public long ops() {
            return ops.sum();
        }

        public long succeeded() {
            return succeeded.sum();
        }

        public long failed() {
            return failed.sum();
        }

        public long retries() {
            return retries.sum();
        }

        public long deadLettered() {
            return deadLettered.sum();
        }

        public long correct() {
            return correct.sum();
        }

        public long incorrect() {
            return incorrect.sum();
        }

        /** Operations that needed a retry and then succeeded, over those that needed one; NaN when none did. */
        public double retrySuccessRate() {
            long n = retriedOps.sum();
            return n == 0 ? Double.NaN : (double) retriedSucceeded.sum() / n;
        }

        public Map<String, Long> failuresByClass() {
            var out = new TreeMap<String, Long>();
            failures.forEach((k, v) -> out.put(k, v.sum()));
            return out;
        }
    }

    private final Map<String, Figures> byConnector = new ConcurrentHashMap<>();
    private final long startNanos;

    public RunRecorder(long startNanos) {
        this.startNanos = startNanos;
    }

    public Figures figures(String connector) {
        return byConnector.computeIfAbsent(connector, c -> new Figures());
    }

    public List<String> connectors() {
        return byConnector.keySet().stream().sorted().toList();
    }

    /** Records one finished operation; latency runs from its intended start. */
    public void record(String connector, ApiResult r, long intendedStartNanos, long endNanos) {
        Figures f = figures(connector);
        f.ops.increment();
        if (r.ok()) f.succeeded.increment();
        else {
            f.failed.increment();
            f.failures.computeIfAbsent(r.errorClass(), k -> new LongAdder()).increment();
        }
        if (r.attempts() > 1) {
            f.retries.add(r.attempts() - 1);
            f.retriedOps.increment();
            if (r.ok()) f.retriedSucceeded.increment();
        }
        if (r.deadLettered()) f.deadLettered.increment();
        if (r.stale()) f.stale.increment();
        if (r.correct() != null) (r.correct() ? f.correct : f.incorrect).increment();
        long micros = Math.min(MAX_MICROS, Math.max(0, (endNanos - intendedStartNanos) / 1_000));
        f.interval.recordValue(micros);
    }

    /**
     * Closes the current second: folds each connector's interval histogram into its total and returns the second's
     * merged histogram (all connectors) for the series.
     */
    public synchronized Histogram rollSecond() {
        Histogram second = new Histogram(MAX_MICROS, 3);
        for (Figures f : byConnector.values()) {
            Histogram h = f.interval.getIntervalHistogram();
            synchronized (f.total) {
                f.total.add(h);
            }
            second.add(h);
        }
        return second;
    }

    /** Latency of the whole run so far for one connector, or for all when {@code connector} is null (ms). */
    public synchronized RunReport.Latency latency(String connector) {
        if (connector != null) {
            // One connector's total is read where it is: a merged copy cost a 160 KB histogram per question, and the
            // run's ticker asks for every threshold of every connector each second.
            Figures f = byConnector.get(connector);
            if (f == null) return RunReport.Latency.NONE;
            synchronized (f.total) {
                return latency(f.total);
            }
        }
        Histogram h = new Histogram(MAX_MICROS, 3);
        for (Figures f : byConnector.values()) {
            synchronized (f.total) {
                h.add(f.total);
            }
        }
        return latency(h);
    }

    private static RunReport.Latency latency(Histogram h) {
        if (h.getTotalCount() == 0) return RunReport.Latency.NONE;
        return new RunReport.Latency(
                h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(95) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0,
                h.getMaxValue() / 1000.0);
    }

    public double elapsedSeconds(long nowNanos) {
        return (nowNanos - startNanos) / 1e9;
    }
}
