package dev.gauntlet.mesh.internal.circuit;

import dev.gauntlet.mesh.call.MeshResponse;
import java.util.LinkedHashMap;
import java.util.Map;

/** The last good answer to each (tenant, path) read, least recently used evicted beyond a bound, for stale reads. */
final class StaleResponses {

    private record Key(String tenant, String path) {}

    private final Map<Key, MeshResponse> entries;

    public StaleResponses(int capacity) {
        this.entries = new LinkedHashMap<>(Math.min(capacity, 64), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, MeshResponse> eldest) {
                return size() > capacity;
            }
        };
    }

    public void remember(String tenant, String path, MeshResponse response) {
        Key k = new Key(tenant, path);
        synchronized (entries) {
            entries.put(k, response);
        }
    }

    /** The last good answer, or null. */
    public MeshResponse last(String tenant, String path) {
        Key k = new Key(tenant, path);
        synchronized (entries) {
            return entries.get(k);
        }
    }

    public int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
