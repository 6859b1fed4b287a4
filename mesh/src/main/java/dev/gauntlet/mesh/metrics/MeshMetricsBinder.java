package dev.gauntlet.mesh.metrics;

import dev.gauntlet.mesh.call.ErrorClass;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToDoubleFunction;

/**
 * Shows the mesh's metrics to Micrometer, tagged {@code connector}: call and attempt counters, failures by class,
 * retries, 429s, a call timer, latency percentile and success-rate gauges, events by type, and each stage's numeric
 * status entries ({@code mesh.stage}, tagged stage and key). Connectors and event types that appear later are added
 * to every registry bound so far. Meters read the live counters: nothing is copied on the hot path.
 */
public final class MeshMetricsBinder implements MeterBinder {
    private final MeshMetrics metrics;
    private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

    public MeshMetricsBinder(MeshMetrics metrics) {
        this.metrics = metrics;
        metrics.onConnector(c -> registries.forEach(r -> bindConnector(r, c)));
        metrics.onEventType((c, type) -> registries.forEach(r -> bindEvent(r, c, type)));
        metrics.onRegistered(id -> registries.forEach(r -> bindStages(r, id)));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        registries.add(registry);
        for (ConnectorMetrics c : metrics.connectors()) {
            bindConnector(registry, c);
            for (String type : c.eventTypes()) bindEvent(registry, c, type);
            bindStages(registry, c.connector());
        }
    }

    private static void bindConnector(MeterRegistry r, ConnectorMetrics c) {
        if (c.connector().equals(MetricsSnapshot.OVERALL)) return;
        Tags tags = Tags.of("connector", c.connector());
        counter(r, "mesh.calls", "logical calls", tags, c, x -> x.calls.sum());
        counter(
                r,
                "mesh.calls.succeeded",
                "logical calls that succeeded (after retries)",
                tags,
                c,
                x -> x.succeeded.sum());
        counter(r, "mesh.attempts", "attempts at the upstream", tags, c, x -> x.attempts.sum());
        counter(r, "mesh.attempts.succeeded", "attempts that succeeded", tags, c, x -> x.attemptsSucceeded.sum());
        counter(r, "mesh.retries", "attempts beyond the first of each call", tags, c, x -> x.retries.sum());
        counter(r, "mesh.rate_limited", "attempts answered with HTTP 429", tags, c, x -> x.rateLimited.sum());
        counter(r, "mesh.calls.stale", "calls answered from the last good response", tags, c, x -> x.stale.sum());
        for (ErrorClass e : ErrorClass.values()) {
            LongAdder failed = c.failed[e.ordinal()], attempt = c.attemptsFailed[e.ordinal()];
            counter(
                    r,
                    "mesh.calls.failed",
                    "logical calls that failed, by final class",
                    tags.and("class", e.name()),
                    failed,
                    LongAdder::sum);
            counter(
                    r,
                    "mesh.attempts.failed",
                    "failed attempts by class",
                    tags.and("class", e.name()),
                    attempt,
                    LongAdder::sum);
        }
        FunctionTimer.builder(
                        "mesh.call.latency", c, x -> x.calls.sum(), x -> x.latencyNanos.sum(), TimeUnit.NANOSECONDS)
                .description("logical call latency")
                .tags(tags)
                .register(r);
        gauge(r, "mesh.call.latency.p50", tags, c, x -> x.latency().p50Ms());
        gauge(r, "mesh.call.latency.p95", tags, c, x -> x.latency().p95Ms());
        gauge(r, "mesh.call.latency.p99", tags, c, x -> x.latency().p99Ms());
        gauge(r, "mesh.call.latency.max", tags, c, x -> x.latency().maxMs());
        gauge(
                r,
                "mesh.success.rate",
                tags.and("kind", "effective"),
                c,
                x -> ConnectorMetrics.rate(x.succeeded.sum(), x.calls.sum()));
        gauge(
                r,
                "mesh.success.rate",
                tags.and("kind", "actual"),
                c,
                x -> ConnectorMetrics.rate(x.attemptsSucceeded.sum(), x.attempts.sum()));
    }

    private static void bindEvent(MeterRegistry r, ConnectorMetrics c, String type) {
        if (c == null || c.connector().equals(MetricsSnapshot.OVERALL)) return;
        counter(
                r,
                "mesh.events",
                "published events by type",
                Tags.of("connector", c.connector(), "type", type),
                c,
                x -> x.events(type));
    }

    /** A gauge per numeric (or boolean) entry of each stage's status, read from the connector at each scrape. */
    private void bindStages(MeterRegistry r, String connector) {
        for (var stage : metrics.status(connector).entrySet()) {
            for (var e : stage.getValue().entrySet()) {
                if (!(e.getValue() instanceof Number) && !(e.getValue() instanceof Boolean)) continue;
                String s = stage.getKey(), key = e.getKey();
                Gauge.builder(
                                "mesh.stage",
                                metrics,
                                m -> numeric(m.status(connector)
                                        .getOrDefault(s, Map.of())
                                        .get(key)))
                        .description("a stage's live status entry")
                        .tags(Tags.of("connector", connector, "stage", s, "key", key))
                        .register(r);
            }
        }
    }

    private static double numeric(Object v) {
        if (v instanceof Number n) return n.doubleValue();
        if (v instanceof Boolean b) return b ? 1 : 0;
        return Double.NaN;
    }

    private static <T> void counter(
            MeterRegistry r, String name, String description, Tags tags, T obj, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f)
                .description(description)
                .tags(tags)
                .register(r);
    }

    private static void gauge(
            MeterRegistry r, String name, Tags tags, ConnectorMetrics c, ToDoubleFunction<ConnectorMetrics> f) {
        Gauge.builder(name, c, f).tags(tags).register(r);
    }
}
