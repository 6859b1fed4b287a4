package dev.gauntlet.farm.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults scripted for the next requests that match, on top of the chaos dial: "cut the answer of the next POST to
 * /v1/customers after it commits". Where the dial gives a share of faults, a script gives one exact fault to one exact
 * request, so a test (ours or a user's) can stage the case it is about - a lost answer after a commit, a saved 500 -
 * without depending on the seed. Entries are used up in the order they were added; the fault log records each one
 * struck as any injected fault.
 */
public final class FaultScript {

    /**
     * One scripted fault.
     *
     * @param method      the request method it waits for, or null for any
     * @param pathPrefix  the request path (below the service's base path) must start with this, or null for any
     * @param remaining   how many more matching requests get it
     */
    public record Entry(String id, String service, String method, String pathPrefix, Fault fault, int remaining) {
        boolean matches(String service, String method, String path) {
            return this.service.equals(service)
                    && (this.method == null || this.method.equalsIgnoreCase(method))
                    && (pathPrefix == null || path.startsWith(pathPrefix));
        }
    }

    private final List<Entry> entries = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    /** entries.size(), readable without the lock: the hot path of a farm with no script is one volatile read. */
    private volatile int size;

    /** Adds a fault for the next {@code count} matching requests; returns the entry. */
    public synchronized Entry add(String service, String method, String pathPrefix, Fault fault, int count) {
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(fault, "fault");
        if (fault.isNone()) throw new IllegalArgumentException("a scripted fault needs a type");
        if (count < 1) throw new IllegalArgumentException("count must be ≥ 1, was " + count);
        Entry e = new Entry("script_" + ids.incrementAndGet(), service, method, pathPrefix, fault, count);
        entries.add(e);
        size = entries.size();
        return e;
    }

    /** The fault scripted for this request, used up; null when none matches (the dial decides). */
    public Fault take(String service, String method, String path) {
        if (size == 0) return null;
        synchronized (this) {
            for (int i = 0; i < entries.size(); i++) {
                Entry e = entries.get(i);
                if (!e.matches(service, method, path)) continue;
                if (e.remaining() <= 1) {
                    entries.remove(i);
                    size = entries.size();
                } else
                    entries.set(
                            i,
                            new Entry(e.id(), e.service(), e.method(), e.pathPrefix(), e.fault(), e.remaining() - 1));
                return e.fault();
            }
            return null;
        }
    }

    public synchronized List<Entry> pending() {
        return List.copyOf(entries);
    }

    public synchronized void clear() {
        entries.clear();
        size = 0;
    }
}
