package dev.gauntlet.mesh.internal.limit;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The distinct tenants a connector serves, at most {@code limit.max_tenants} since start; the configured tenants always
 * pass. A tenant past the cap is refused before anything per tenant (bucket, breaker, token slot, status lines) is made
 * for it, so no header value a caller invents can grow the mesh's memory or its metrics.
 */
public final class TenantCap {

    private final int max;
    private final Set<String> configured;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    public TenantCap(int max, Collection<String> configured) {
        this.max = max;
        this.configured = Set.copyOf(configured);
        seen.addAll(configured);
    }

    /** Whether a call of this tenant may go on: it is known, or there is room for one more. */
    public boolean admit(String tenant) {
        if (seen.contains(tenant) || configured.contains(tenant)) return true;
        synchronized (this) {
            if (seen.contains(tenant)) return true;
            if (seen.size() >= max) return false;
            seen.add(tenant);
            return true;
        }
    }

    public int max() {
        return max;
    }

    public int size() {
        return seen.size();
    }
}
