package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.limit.SharedBuckets;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.time.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** A connector's adaptive buckets, one per tenant, and the wait for a token that never passes a call's deadline. */
public final class ConnectorLimits {

    /** Tenants detailed in a status; the rest are counted ({@code tenants_total}). */
    public static final int TENANTS_SHOWN = 20;

    private final String connector;
    private final LimitConfig config;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final EventBus events;
    private final SharedBuckets shared;
    private final Map<String, TenantLimiter> tenants = new ConcurrentHashMap<>();
    private final LongAdder waits = new LongAdder();
    private final LongAdder refused = new LongAdder();

    public ConnectorLimits(String connector, LimitConfig config, TimeSource time, EventBus events) {
        this(connector, config, time, events, null);
    }

    /** @param shared the buckets shared with other nodes (Redis), or null to keep them in this process */
    public ConnectorLimits(
            String connector, LimitConfig config, TimeSource time, EventBus events, SharedBuckets shared) {
        this.connector = connector;
        this.shared = shared;
        this.config = config;
        this.clock = time;
        this.sleeper = time;
        this.events = events;
    }

    public TenantLimiter tenant(String tenant) {
        TenantLimiter l = tenants.get(tenant);
        return l != null
                ? l
                : tenants.computeIfAbsent(tenant, t -> new TenantLimiter(connector, t, config, clock, events, shared));
    }

    /**
     * Takes a token, waiting for one as long as the bucket says, but never past {@code deadline} (null: no deadline).
     *
     * @return null when a token was taken, else how long the wait would have been (the deadline came first)
     */
    public Duration acquire(TenantLimiter limiter, Instant deadline) throws InterruptedException {
        boolean waited = false;
        while (true) {
            Permit p = limiter.tryAcquire();
            if (p.granted()) return null;
            if (!waited) {
                waited = true;
                waits.increment();
            }
            // At least 1 µs: a wait of 0 would spin without letting the clock move.
            Duration wait = Duration.ofNanos(Math.max(1_000, p.waitNanos()));
            // Waking at the deadline would leave no time for the call itself: refuse now, the upstream untouched.
            if (deadline != null && !clock.instant().plus(wait).isBefore(deadline)) {
                refused.increment();
                return wait;
            }
            // Another caller may take the token we waited for: ask again (the next probe says the new wait).
            sleeper.sleep(wait);
        }
    }

    /** What an upstream answer says: a rate_limit answer or not, and its quota headers. */
    public static void onAnswer(TenantLimiter limiter, boolean rateLimited, MeshResponse response) {
        limiter.onAnswer(rateLimited, response == null ? UpstreamQuota.NONE : UpstreamQuota.of(response.headers()));
    }

    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        TenantLimiter main = tenants.get("default");
        if (main == null && tenants.size() == 1)
            main = tenants.values().iterator().next();
        if (main != null) s.putAll(main.status());
        else {
            s.put("rate_rps", config.initialRps());
            s.put("tokens", config.burst());
        }
        s.put("waits", waits.sum());
        s.put("refused_at_deadline", refused.sum());
        if (shared != null) s.put("shared", shared.status());
        if (tenants.size() > 1) {
            // The first TENANTS_SHOWN by name: a snapshot goes out every second to every open stream.
            var per = new TreeMap<String, Object>();
            new TreeMap<>(tenants).entrySet().stream().limit(TENANTS_SHOWN).forEach(e -> {
                var l = e.getValue();
                per.put(e.getKey(), l.status());
            });
            s.put("tenants", per);
            s.put("tenants_total", tenants.size());
        }
        return s;
    }
}
