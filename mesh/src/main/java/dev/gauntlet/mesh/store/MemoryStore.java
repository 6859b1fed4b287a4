package dev.gauntlet.mesh.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A store in memory: for tests and for callers that need nothing to survive a restart. */
public final class MemoryStore implements Store {
    private final Map<String, String> credentials = new ConcurrentHashMap<>();
    private final Map<String, Map<String, JsonNode>> schemas = new ConcurrentHashMap<>();

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
    public void close() {}
}
