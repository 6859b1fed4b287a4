package dev.gauntlet.farm.limit;

import dev.gauntlet.farm.spec.SecondaryLimitSpec;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service's secondary limits ({@link SecondaryLimitSpec}), checked in their declared order right after the primary
 * limit: point windows per client (or per client and endpoint) and concurrency counts. The first limit that refuses
 * decides; the refusal is a {@link LimitDecision} marked {@code injected} (not the primary count), which flavours with a
 * second kind of limit answer as such (GitHub's "You have exceeded a secondary rate limit").
 */
public final class SecondaryLimiter {

    private final List<SecondaryLimitSpec> specs;
    private final InstantSource clock;
    private final Map<Key, Window> windows = new ConcurrentHashMap<>();
    private final Map<Key, AtomicLong> inFlight = new ConcurrentHashMap<>();

    /** One count: a limit (by its index) for one client, or one client and endpoint. */
    private record Key(int limit, String client, String endpoint) {}

    /**
     * What a request got: {@code refusal} is null when every limit let it through. A request holds its places in the
     * concurrency limits until {@link #release()} (idempotent), which the pipeline calls once the answer is written.
     */
    public static final class Permit {
        /** A request no secondary limit applies to. */
        public static final Permit NONE = new Permit(null, null, List.of());

        private final LimitDecision refusal;
        private final String refusedBy;
        private final List<AtomicLong> held;
        private final AtomicBoolean released = new AtomicBoolean();

        private Permit(LimitDecision refusal, String refusedBy, List<AtomicLong> held) {
            this.refusal = refusal;
            this.refusedBy = refusedBy;
            this.held = held;
        }

        /** The refusing limit's decision (its capacity, nothing remaining, the wait), or null when allowed. */
        public LimitDecision refusal() {
            return refusal;
        }

        /** The name of the limit that refused, or null. */
        public String refusedBy() {
            return refusedBy;
        }

        public void release() {
            if (held.isEmpty() || !released.compareAndSet(false, true)) return;
            held.forEach(AtomicLong::decrementAndGet);
        }
    }

    /** A fixed window that starts with the first counted request and resets all at once. */
    private static final class Window {
        private long startMillis = Long.MIN_VALUE;
        private long used;

        /** Points added, or the millis until the window resets when they do not fit. */
        synchronized long tryAdd(long now, long windowMillis, long capacity, int cost) {
            if (startMillis == Long.MIN_VALUE || now >= startMillis + windowMillis) {
                startMillis = now;
                used = 0;
            }
            if (used + cost > capacity) return Math.max(1, startMillis + windowMillis - now);
            used += cost;
            return 0;
        }
    }

    public SecondaryLimiter(List<SecondaryLimitSpec> specs, InstantSource clock) {
        this.specs = List.copyOf(specs);
        this.clock = clock;
    }

    public boolean isEmpty() {
        return specs.isEmpty();
    }

    /**
     * Counts a request against every limit that applies to its method, in order, until one refuses (the limits before
     * it keep the request's points, as a vendor counts every request it receives).
     *
     * @param endpoint the route the request matched (for limits counted {@code per: endpoint})
     * @param factor   the chaos level's rate-limit factor, scaling every limit
     */
    public Permit tryAcquire(String client, String endpoint, String method, double factor) {
        if (specs.isEmpty()) return Permit.NONE;
        long now = clock.millis();
        List<AtomicLong> held = new ArrayList<>(1);
        for (int i = 0; i < specs.size(); i++) {
            SecondaryLimitSpec spec = specs.get(i);
            int cost = spec.cost(method);
            if (cost == 0) continue;
            long capacity = Math.max(1, Math.round(spec.limit() * factor));
            Key key = new Key(i, client, spec.per().equals("endpoint") ? endpoint : "");
            long waitMillis;
            if (spec.isConcurrent()) {
                AtomicLong count = inFlight.computeIfAbsent(key, k -> new AtomicLong());
                if (count.incrementAndGet() <= capacity) {
                    held.add(count);
                    continue;
                }
                count.decrementAndGet();
                // A place frees when another request's answer is written; a second is the vendor's shortest
                // retry-after.
                waitMillis = 1000;
            } else {
                waitMillis = windows.computeIfAbsent(key, k -> new Window())
                        .tryAdd(now, spec.windowS() * 1000, capacity, cost);
                if (waitMillis == 0) continue;
            }
            held.forEach(AtomicLong::decrementAndGet);
            LimitDecision refusal =
                    new LimitDecision(false, capacity, 0, waitMillis, (now + waitMillis + 999) / 1000, true);
            return new Permit(refusal, spec.name(), List.of());
        }
        return held.isEmpty() ? Permit.NONE : new Permit(null, null, List.copyOf(held));
    }

    public void clear() {
        windows.clear();
        inFlight.clear();
    }
}
