package dev.gauntlet.mesh.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import dev.gauntlet.mesh.metrics.MetricRollup;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A store in memory: for tests and for callers that need nothing to survive a restart. */
public final class MemoryStore implements Store {
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    private final Map<String, Map<String, JsonNode>> schemas = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new com.fasterxml.jackson.datatype.jsr310.JavaTimeModule())
            .disable(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** Bounded like the durable stores' retention, so a long run in memory does not grow without end. */
    private static final int KEEP_EVENTS = 10_000;
    private static final int KEEP_ROLLUPS = 100_000;
    private final Deque<StoredEvent> events = new ArrayDeque<>();
    private final Deque<MetricRollup> rollups = new ArrayDeque<>();
    private long eventSeq;

    @Override
    public Optional<String> loadCredential(String connector, String tenant, String name) {
        return Optional.ofNullable(credentials.get(connector + '\u0000' + tenant + '\u0000' + name));
    }

    @Override
    public void saveCredential(String connector, String tenant, String name, String value) {
        credentials.put(connector + '\u0000' + tenant + '\u0000' + name, value);
    }

    @Override
    public Map<String, JsonNode> loadSchemas(String connector) {
        return Map.copyOf(schemas.getOrDefault(connector, Map.of()));
    }

    @Override
    public void saveSchema(String connector, String endpoint, JsonNode schema) {
        schemas.computeIfAbsent(connector, c -> new ConcurrentHashMap<>()).put(endpoint, schema);
    }

    @Override
    public synchronized void appendEvent(MeshEvent event) {
        String json;
        try {
            json = JSON.writeValueAsString(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            json = "{\"error\":\"not serialisable: " + e.getOriginalMessage().replace('"', '\'') + "\"}";
        }
        events.addFirst(new StoredEvent(++eventSeq, event.at(), event.connector(), event.type(), json));
        while (events.size() > KEEP_EVENTS) events.removeLast();
    }

    @Override
    public synchronized List<StoredEvent> recentEvents(String connector, int limit) {
        var out = new ArrayList<StoredEvent>();
        for (StoredEvent e : events) {
            if (out.size() >= limit) break;
            if (connector == null || connector.equals(e.connector())) out.add(e);
        }
        return out;
    }

    @Override
    public synchronized void saveRollups(List<MetricRollup> batch) {
        rollups.addAll(batch);
        while (rollups.size() > KEEP_ROLLUPS) rollups.removeFirst();
    }

    @Override
    public synchronized List<MetricRollup> rollups(String connector, Instant from, Instant to) {
        var out = new ArrayList<MetricRollup>();
        for (MetricRollup r : rollups) {
            if ((connector == null || connector.equals(r.connector())) && !r.second().isBefore(from) && r.second().isBefore(to)) out.add(r);
        }
        out.sort(java.util.Comparator.comparing(MetricRollup::second));
        return out;
    }

    @Override
    public void close() {}
}
