package dev.gauntlet.mesh.internal.idempotency;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write keys this process is sending right now. An intent the store shows in flight whose key is not here was
 * left by a process that stopped mid-call (or by another process): its outcome is unknown, and it is read back or
 * parked, never simply sent again - nor refused as "in progress" for ever.
 */
public final class InFlightWrites {
    private final Set<String> keys = ConcurrentHashMap.newKeySet();

    /** Marks the key as being sent by this process; false when it already is (the same write sent twice at once). */
    public boolean begin(String key) {
        return keys.add(key);
    }

    public void end(String key) {
        keys.remove(key);
    }

    public boolean contains(String key) {
        return keys.contains(key);
    }
}
