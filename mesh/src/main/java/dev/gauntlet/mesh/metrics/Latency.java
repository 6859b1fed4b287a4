package dev.gauntlet.mesh.metrics;

import org.HdrHistogram.Histogram;

/** Latency percentiles of logical calls, in milliseconds (microsecond resolution, 1 % precision). */
public record Latency(long count, double p50Ms, double p95Ms, double p99Ms, double maxMs, double meanMs) {
    public static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0);

    /** From a histogram of microseconds. */
    static Latency of(Histogram micros) {
        if (micros.getTotalCount() == 0) return NONE;
        return new Latency(
                micros.getTotalCount(),
                micros.getValueAtPercentile(50) / 1000.0,
                micros.getValueAtPercentile(95) / 1000.0,
                micros.getValueAtPercentile(99) / 1000.0,
                micros.getMaxValue() / 1000.0,
                micros.getMean() / 1000.0);
    }
}
