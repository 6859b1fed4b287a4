package dev.gauntlet.server;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.EventType;
import dev.gauntlet.mesh.event.MeshEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last few failure and drift events of each connector, kept from the event bus for {@code /connectors/{id}/status}
 * and {@code /drift}; the proxy adds its failed calls too. Bounded: the oldest go first.
 */
final class RecentEvents {

    static final int KEEP = 20;

    private final Map<String, Deque<Map<String, Object>>> failures = new ConcurrentHashMap<>();
    private final Map<String, Deque<Map<String, Object>>> drift = new ConcurrentHashMap<>();
    private final Runnable unsubscribe;

    RecentEvents(EventBus bus) {
        this.unsubscribe = bus.subscribe(this::onEvent);
    }

    private void onEvent(MeshEvent e) {
        if (e.connector() == null) return;
        if (e.eventType() == EventType.drift_detected) {
            add(drift, e.connector(), Json.event(e));
        } else if (isFailure(e.type())) {
            add(failures, e.connector(), Json.event(e));
        }
    }

    /** Event types that tell of something going wrong (a give-up, a refused refresh, an open circuit, a parked write). */
    static boolean isFailure(String type) {
        return type.contains("fail")
                || type.contains("gave_up")
                || type.contains("exhausted")
                || type.contains("dead_letter")
                || type.contains("open")
                || type.contains("error");
    }

    void failure(String connector, Map<String, Object> what) {
        add(failures, connector, what);
    }

    List<Map<String, Object>> failures(String connector) {
        return copy(failures, connector);
    }

    List<Map<String, Object>> drift(String connector) {
        return copy(drift, connector);
    }

    private static void add(Map<String, Deque<Map<String, Object>>> by, String connector, Map<String, Object> item) {
        Deque<Map<String, Object>> d = by.computeIfAbsent(connector, k -> new ArrayDeque<>());
        synchronized (d) {
            d.addLast(item);
            while (d.size() > KEEP) d.removeFirst();
        }
    }

    private static List<Map<String, Object>> copy(Map<String, Deque<Map<String, Object>>> by, String connector) {
        Deque<Map<String, Object>> d = by.get(connector);
        if (d == null) return List.of();
        synchronized (d) {
            return new ArrayList<>(d);
        }
    }

    void close() {
        unsubscribe.run();
    }
}
