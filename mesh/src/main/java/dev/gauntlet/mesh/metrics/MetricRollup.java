package dev.gauntlet.mesh.metrics;

import java.time.Instant;

/**
 * One connector's figures for one second: logical calls, attempts, successes, failures, retries, 429s, latency
 * percentiles (ms) of the logical calls completed in that second.
 */
public record MetricRollup(
        String connector,
        Instant second,
        long calls,
        long attempts,
        long succeeded,
        long failed,
        long retries,
        long rateLimited,
        double p50Ms,
        double p95Ms,
        double p99Ms,
        double maxMs) {}
