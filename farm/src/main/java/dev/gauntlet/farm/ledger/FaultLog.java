package dev.gauntlet.farm.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.chaos.FaultType;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
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
    public record Entry(
            long seq,
            String service,
            String client,
            long ordinal,
            FaultType type,
            int status,
            boolean afterCommit,
            String method,
            String path,
            Instant at,
            String resource,
            String reason) {

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

    public void record(
            String service,
            String client,
            long ordinal,
            FaultType type,
            int status,
            boolean afterCommit,
            String method,
            String path,
            Instant at) {
        synchronized (this) {
            count(service, type).increment();
            Entry e =
                    new Entry(++seq, service, client, ordinal, type, status, afterCommit, method, path, at, null, null);
            append(e);
            journal("fault", e);
        }
    }

    private LongAdder count(String service, FaultType type) {
        return counts.computeIfAbsent(service, s -> {
                    var m = new EnumMap<FaultType, LongAdder>(FaultType.class);
                    for (FaultType t : FaultType.values()) m.put(t, new LongAdder());
                    return m;
                })
                .get(type);
    }

    /** Says that a reload reset a resource's records (and the ledger entries and keys that went with them). */
    public synchronized void recordReloadReset(String service, String resource, String reason, Instant at) {
        Entry e = new Entry(++seq, service, "farm", 0, null, 0, false, null, null, at, resource, reason);
        append(e);
        journal("fault", e);
    }

    private void append(Entry entry) {
        if (recent.size() >= capacity) recent.removeFirst();
        recent.addLast(entry);
    }

    /** Counts by type for a service (every type present, zeros included). */
    public Map<String, Long> counts(String service) {
        var out = new LinkedHashMap<String, Long>();
        var m = counts.get(service);
        for (FaultType t : FaultType.values())
            out.put(t.name(), m == null ? 0 : m.get(t).sum());
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
        if (journal != null) journal.rewrite(List.of());
    }

    // ---- on disk ----

    /** Where every entry is written as it is made (the farm's --data folder), or null: memory only. */
    private Journal journal;

    /**
     * Restores the log from its journal (the kept entries, the counts of all, the sequence), then writes every later
     * entry to it; the journal is compacted on the way (the counts, then the kept entries).
     *
     * @return how many entries were restored
     */
    public synchronized int attach(Journal journal) {
        for (JsonNode line : journal.read()) replay(line);
        this.journal = journal;
        journal.rewrite(snapshot());
        return recent.size();
    }

    /** The journal this log writes to, or null. */
    public synchronized Journal journal() {
        return journal;
    }

    private void replay(JsonNode line) {
        switch (line.path("e").asText()) {
            case "counts" ->
                line.path("counts").properties().forEach(c -> {
                    FaultType type = FaultType.valueOf(c.getKey());
                    count(line.path("s").asText(), type).add(c.getValue().asLong());
                });
            case "fault", "kept" -> {
                String typeName = line.path("t").asText();
                FaultType type = typeName.equals(RELOAD_RESET) ? null : FaultType.valueOf(typeName);
                Entry e = new Entry(
                        line.path("seq").asLong(),
                        line.path("s").asText(),
                        line.path("c").asText(),
                        line.path("n").asLong(),
                        type,
                        line.path("st").asInt(),
                        line.path("ac").asBoolean(),
                        text(line, "m"),
                        text(line, "p"),
                        Instant.parse(line.path("at").asText()),
                        text(line, "r"),
                        text(line, "why"));
                // A "fault" line is one event (counted); a "kept" line is an entry of a compacted log (its count is in
                // "counts").
                if (type != null && line.path("e").asText().equals("fault"))
                    count(e.service(), type).increment();
                append(e);
                seq = Math.max(seq, e.seq());
            }
            default -> {
                // A line of a later version of the farm: skipped.
            }
        }
    }

    private static String text(JsonNode line, String field) {
        JsonNode v = line.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>(recent.size() + counts.size());
        counts.forEach((service, byType) -> {
            var m = new LinkedHashMap<String, Object>();
            m.put("e", "counts");
            m.put("s", service);
            var c = new LinkedHashMap<String, Long>();
            byType.forEach((t, n) -> {
                if (n.sum() > 0) c.put(t.name(), n.sum());
            });
            m.put("counts", c);
            out.add(m);
        });
        for (Entry e : recent) out.add(line("kept", e));
        return out;
    }

    private static Map<String, Object> line(String kind, Entry e) {
        var m = new LinkedHashMap<String, Object>();
        m.put("e", kind);
        m.put("seq", e.seq());
        m.put("s", e.service());
        m.put("c", e.client());
        m.put("n", e.ordinal());
        m.put("t", e.typeName());
        m.put("st", e.status());
        m.put("ac", e.afterCommit());
        m.put("m", e.method());
        m.put("p", e.path());
        m.put("at", e.at().toString());
        m.put("r", e.resource());
        m.put("why", e.reason());
        return m;
    }

    /** Writes an entry (callers hold this log's lock); compacts the journal once it holds far more lines than the log keeps. */
    private void journal(String kind, Entry e) {
        if (journal == null) return;
        journal.append(line(kind, e));
        if (journal.lines() > 2L * capacity + 10_000) journal.rewrite(snapshot());
    }
}
