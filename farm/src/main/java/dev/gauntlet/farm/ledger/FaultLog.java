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
 * entries and exact counts of all of them. The farm's own resets of a service's state on reload
 * ({@value #RELOAD_RESET}) are entries of the same log, in order with the faults, but are not counted as faults.
 */
public final class FaultLog {

    /** The type a reload's reset of a resource shows in the log. */
    public static final String RELOAD_RESET = "reload_reset";

    /**
     * One injected fault, or one reset of a resource on reload.
     *
     * @param ordinal      the client's request number at that service (the planner's input)
     * @param type         the injected fault; null for a {@value #RELOAD_RESET} entry
     * @param afterCommit  the request had been carried out before its answer was lost
     * @param resource     the resource a {@value #RELOAD_RESET} reset, else null
     * @param reason       why it was reset, else null
     */
    public record Entry(long seq, String service, String client, long ordinal, FaultType type, int status,
                        boolean afterCommit, String method, String path, Instant at, String resource, String reason) {

        /** The type as the log shows it: the fault type's name or {@value #RELOAD_RESET}. */
        public String typeName() {
            return type == null ? RELOAD_RESET : type.name();
        }
    }

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
            append(new Entry(++seq, service, client, ordinal, type, status, afterCommit, method, path, at, null, null));
        }
    }

    /** Says that a reload reset a resource's records (and the ledger entries and keys that went with them). */
    public synchronized void recordReloadReset(String service, String resource, String reason, Instant at) {
        append(new Entry(++seq, service, "farm", 0, null, 0, false, null, null, at, resource, reason));
    }

    private void append(Entry entry) {
        if (recent.size() >= capacity) recent.removeFirst();
        recent.addLast(entry);
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
    public List<Entry> entries(String service, String client, FaultType type, long after, int limit) {
        return entries(service, client, type == null ? null : type.name(), after, limit);
    }

    /** As above, the type given as the log shows it (a fault type's name or {@value #RELOAD_RESET}). */
    public synchronized List<Entry> entries(String service, String client, String typeName, long after, int limit) {
        var out = new ArrayList<Entry>();
        for (Entry e : recent) {
            if (e.seq() <= after) continue;
            if (service != null && !service.equals(e.service())) continue;
            if (client != null && !client.equals(e.client())) continue;
            if (typeName != null && !typeName.equals(e.typeName())) continue;
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
