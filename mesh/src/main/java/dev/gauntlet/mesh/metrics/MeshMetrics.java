package dev.gauntlet.mesh.metrics;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.internal.metrics.MetricsRoller;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The mesh's live metrics: per connector and overall calls, attempts, successes, failures by class, retries, 429s,
 * latency percentiles, and events counted by type from the bus; each stage's status (bucket, circuit, tokens, DLQ)
 * comes from the connectors' status. {@link #snapshot()} gives immutable records; {@link MetricsRoller} rolls them up
 * per second into the store; {@link MeshMetricsBinder} shows them to Micrometer.
 */
public final class MeshMetrics {
    private final InstantSource clock;
    private final Map<String, ConnectorMetrics> connectors = new ConcurrentHashMap<>();
    private final List<Consumer<ConnectorMetrics>> connectorListeners = new CopyOnWriteArrayList<>();
    private final List<BiConsumer<ConnectorMetrics, String>> eventTypeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<String>> registrationListeners = new CopyOnWriteArrayList<>();
    private volatile Function<String, Map<String, Map<String, Object>>> status = id -> Map.of();

    /** Counts every event published on {@code events} (when given) by connector and type. */
    public MeshMetrics(InstantSource clock, EventBus events) {
        this.clock = clock;
        if (events != null) events.subscribe(this::onEvent);
    }

    private void onEvent(MeshEvent e) {
        String c = e.connector();
        connector(c == null ? MetricsSnapshot.OVERALL : c).countEvent(e.type());
    }

    /** The metrics of one connector, created on first use. */
    public ConnectorMetrics connector(String id) {
        ConnectorMetrics m = connectors.get(id);
        if (m != null) return m;
        ConnectorMetrics fresh =
                new ConnectorMetrics(id, type -> eventTypeListeners.forEach(l -> l.accept(connectors.get(id), type)));
        m = connectors.putIfAbsent(id, fresh);
        if (m != null) return m;
        connectorListeners.forEach(l -> l.accept(fresh));
        return fresh;
    }

    public Collection<ConnectorMetrics> connectors() {
        return List.copyOf(connectors.values());
    }

    /** Where each connector's stage status comes from (the mesh wires {@code Connector.status()} here). */
    public void statusSource(Function<String, Map<String, Map<String, Object>>> source) {
        this.status = source;
    }

    Map<String, Map<String, Object>> status(String connector) {
        try {
            Map<String, Map<String, Object>> s = status.apply(connector);
            return s == null ? Map.of() : s;
        } catch (RuntimeException e) {
            return Map.of(); // a stage's status must never break the metrics
        }
    }

    /** Tells listeners (the Micrometer binder) that a connector was registered and its stages can be read. */
    public void registered(String connector) {
        connector(connector);
        registrationListeners.forEach(l -> l.accept(connector));
    }

    void onConnector(Consumer<ConnectorMetrics> l) {
        connectorListeners.add(l);
    }

    void onEventType(BiConsumer<ConnectorMetrics, String> l) {
        eventTypeListeners.add(l);
    }

    void onRegistered(Consumer<String> l) {
        registrationListeners.add(l);
    }

    /** Every connector's figures and the sum of them, now. */
    public MetricsSnapshot snapshot() {
        Map<String, ConnectorSnapshot> each = new TreeMap<>();
        for (ConnectorMetrics m : connectors.values()) {
            if (m.connector().equals(MetricsSnapshot.OVERALL)) continue;
            each.put(m.connector(), m.snapshot(status(m.connector())));
        }
        return new MetricsSnapshot(clock.instant(), overall(each.values()), each);
    }

    /** One connector's figures, now. */
    public Optional<ConnectorSnapshot> snapshot(String connector) {
        ConnectorMetrics m = connectors.get(connector);
        return m == null ? Optional.empty() : Optional.of(m.snapshot(status(connector)));
    }

    private ConnectorSnapshot overall(Collection<ConnectorSnapshot> each) {
        long calls = 0, ok = 0, failed = 0, attempts = 0, attemptsOk = 0, retries = 0, limited = 0, stale = 0;
        Map<ErrorClass, Long> failures = new EnumMap<>(ErrorClass.class),
                attemptFailures = new EnumMap<>(ErrorClass.class);
        Map<String, Long> events = new TreeMap<>();
        for (ConnectorSnapshot s : each) {
            calls += s.calls();
            ok += s.succeeded();
            failed += s.failed();
            attempts += s.attempts();
            attemptsOk += s.attemptsSucceeded();
            retries += s.retries();
            limited += s.rateLimited();
            stale += s.stale();
            s.failures().forEach((k, v) -> failures.merge(k, v, Long::sum));
            s.attemptFailures().forEach((k, v) -> attemptFailures.merge(k, v, Long::sum));
            s.events().forEach((k, v) -> events.merge(k, v, Long::sum));
        }
        ConnectorMetrics unattributed = connectors.get(MetricsSnapshot.OVERALL);
        if (unattributed != null)
            unattributed.eventTypes().forEach(t -> events.merge(t, unattributed.events(t), Long::sum));
        Histogram merged = new Histogram(ConnectorMetrics.MAX_MICROS, ConnectorMetrics.DIGITS);
        for (ConnectorMetrics m : connectors.values()) m.addLatencyTo(merged);
        return new ConnectorSnapshot(
                MetricsSnapshot.OVERALL,
                calls,
                ok,
                failed,
                failures,
                attempts,
                attemptsOk,
                attemptFailures,
                retries,
                limited,
                stale,
                ConnectorMetrics.rate(ok, calls),
                ConnectorMetrics.rate(attemptsOk, attempts),
                Latency.of(merged),
                events,
                Map.of());
    }

    /** Roll-up rows of every connector that did something since the last roll-up. */
    public List<MetricRollup> rollUp(Instant second) {
        List<MetricRollup> rows = new ArrayList<>();
        for (ConnectorMetrics m : connectors.values()) {
            if (m.connector().equals(MetricsSnapshot.OVERALL)) continue;
            MetricRollup r = m.rollUp(second);
            if (r != null) rows.add(r);
        }
        rows.sort(Comparator.comparing(MetricRollup::connector));
        return rows;
    }
}
