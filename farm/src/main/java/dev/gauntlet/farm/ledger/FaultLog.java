package dev.gauntlet.farm.ledger;

import dev.gauntlet.farm.chaos.FaultType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ground truth of injected faults: every one, in order, with what it hit. Keeps the most recent {@code capacity}
 * entries and exact counts of all of them.
 */
public final class FaultLog {

    /**
     * One injected fault.
     *
     * @param ordinal      the client's request number at that service (the planner's input)
     * @param afterCommit  the request had been carried out before its answer was lost
     */
    public record Entry(long seq, String service, String client, long ordinal, FaultType type, int status,
                        boolean afterCommit, String method, String path, Instant at) {}

    private final int capacity;
    private final ArrayDeque<Entry> recent;
    private final Map<String, Map<FaultType, LongAdder>> counts = new ConcurrentHashMap<>();
    private long seq;

    public FaultLog(int capacity) {
        this.capacity = capacity;
        this.recent = new ArrayDeque<>(Math.min(capacity, 4096));
    }

    public void record(String service, String client, long ordinal, FaultType type, int status, boolean afterCommit,
                       String method, String path, Instant at) {
        counts.computeIfAbsent(service, s -> {
            var m = new EnumMap<FaultType, LongAdder>(FaultType.class);
            for (FaultType t : FaultType.values()) m.put(t, new LongAdder());
            return m;
        }).get(type).increment();
        synchronized (this) {
            if (recent.size() >= capacity) recent.removeFirst();
            recent.addLast(new Entry(++seq, service, client, ordinal, type, status, afterCommit, method, path, at));
        }
    }

    /** Counts by type for a service (every type present, zeros included). */
    public Map<String, Long> counts(String service) {
        var out = new java.util.LinkedHashMap<String, Long>();
        var m = counts.get(service);
        for (FaultType t : FaultType.values()) out.put(t.name(), m == null ? 0 : m.get(t).sum());
        return out;
    }

    public long total(String service) {
        var m = counts.get(service);
        return m == null ? 0 : m.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Entries matching the filters (null = any), oldest first, at most {@code limit}, skipping those with seq ≤ after. */
    public synchronized List<Entry> entries(String service, String client, FaultType type, long after, int limit) {
        var out = new ArrayList<Entry>();
        for (Entry e : recent) {
            if (e.seq() <= after) continue;
            if (service != null && !service.equals(e.service())) continue;
            if (client != null && !client.equals(e.client())) continue;
            if (type != null && type != e.type()) continue;
            out.add(e);
            if (out.size() >= limit) break;
        }
        return out;
    }

    public synchronized void clear() {
        recent.clear();
        counts.clear();
        seq = 0;
    }
}
