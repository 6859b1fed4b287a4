package dev.gauntlet.farm.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Ground truth of committed writes: one entry per logical operation with how many times it was committed, so a
 * duplicate is visible even when the client sent no idempotency key. A vendor's idempotent write form (an upsert by
 * external id or unique column) that finds the record an earlier commit of the same operation made changes nothing
 * new: it is counted as {@code reapplied}, never as a second commit.
 */
public final class Ledger {

    /** One logical write. {@code commits > 1} is a duplicate. */
    public static final class Entry {
        public final String service;
        public final String resource;
        public final String opId;
        public final String operation;
        public final Instant firstAt;
        private volatile String idempotencyKey;
        private volatile String recordId;
        private volatile Instant lastAt;
        private final AtomicInteger commits = new AtomicInteger();
        private final AtomicInteger reapplied = new AtomicInteger();

        Entry(String service, String resource, String opId, String operation, Instant at) {
            this.service = service;
            this.resource = resource;
            this.opId = opId;
            this.operation = operation;
            this.firstAt = at;
            this.lastAt = at;
        }

        public String idempotencyKey() {
            return idempotencyKey;
        }

        public String recordId() {
            return recordId;
        }

        public Instant lastAt() {
            return lastAt;
        }

        public int commits() {
            return commits.get();
        }
        /** Times an idempotent form of this operation (an upsert) found its record already there and made nothing new. */
        public int reapplied() {
            return reapplied.get();
        }
    }

    /** An operation id names one logical write of one kind: a create and a later update of op-1 are two operations. */
    private record Key(String service, String resource, String operation, String opId) {}

    /** The same write whatever its kind: an upsert finds here the entry of the commit that made its record. */
    private record OpKey(String service, String resource, String opId) {}

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<OpKey, Entry> firstByOp = new ConcurrentHashMap<>();
    private final LongAdder commits = new LongAdder();
    /** Where every change is written as it happens (the farm's --data folder), or null: memory only. */
    private Journal journal;

    /**
     * Records one commit of an operation.
     *
     * @param opId           the caller's operation id; null means the write cannot be matched to others and counts alone
     */
    public synchronized Entry commit(
            String service,
            String resource,
            String operation,
            String opId,
            String idempotencyKey,
            String recordId,
            Instant at) {
        Entry e = doCommit(service, resource, operation, opId, idempotencyKey, recordId, at);
        // The id as resolved (an op id made up for a write without one), so that replaying the line finds the same
        // entry.
        journal(event("commit", service, resource, operation, e.opId, idempotencyKey, recordId, at));
        return e;
    }

    private Entry doCommit(
            String service,
            String resource,
            String operation,
            String opId,
            String idempotencyKey,
            String recordId,
            Instant at) {
        String id = opId != null
                ? opId
                : idempotencyKey != null
                        ? "key:" + idempotencyKey
                        : "record:" + resource + ":" + recordId + ":" + operation + ":" + at.toEpochMilli() + ":"
                                + commits.sum();
        Entry e = entries.computeIfAbsent(
                new Key(service, resource, operation, id), k -> new Entry(service, resource, id, operation, at));
        e.commits.incrementAndGet();
        firstByOp.putIfAbsent(new OpKey(service, resource, id), e);
        if (idempotencyKey != null) e.idempotencyKey = idempotencyKey;
        if (recordId != null) e.recordId = recordId;
        e.lastAt = at;
        commits.increment();
        return e;
    }

    /**
     * Records an idempotent write (an upsert) of {@code opId} that found an existing record: when an earlier commit of
     * this operation made it, that entry counts one more {@code reapplied} and no new commit; otherwise (the record
     * was there before, made by someone else) it is this operation's first effect, committed as {@code operation}.
     */
    public synchronized Entry reapply(
            String service,
            String resource,
            String operation,
            String opId,
            String idempotencyKey,
            String recordId,
            Instant at) {
        boolean known = opId != null && firstByOp.containsKey(new OpKey(service, resource, opId));
        Entry e = doReapply(service, resource, operation, opId, idempotencyKey, recordId, at);
        journal(event(
                known ? "reapply" : "commit", service, resource, operation, e.opId, idempotencyKey, recordId, at));
        return e;
    }

    private Entry doReapply(
            String service,
            String resource,
            String operation,
            String opId,
            String idempotencyKey,
            String recordId,
            Instant at) {
        Entry first = opId == null ? null : firstByOp.get(new OpKey(service, resource, opId));
        if (first != null) {
            first.reapplied.incrementAndGet();
            first.lastAt = at;
            return first;
        }
        return doCommit(service, resource, operation, opId, idempotencyKey, recordId, at);
    }

    public List<Entry> entries(String service, boolean duplicatesOnly) {
        var out = new ArrayList<Entry>();
        for (Entry e : entries.values()) {
            if (service != null && !service.equals(e.service)) continue;
            if (duplicatesOnly && e.commits() < 2) continue;
            out.add(e);
        }
        out.sort(Comparator.comparing((Entry e) -> e.firstAt).thenComparing(e -> e.opId));
        return out;
    }

    public long totalCommits() {
        return commits.sum();
    }

    /**
     * Drops a service's entries for one resource (null: for every resource) and takes their commits off the total:
     * the farm forgets them when it forgets the records they wrote (a reload that resets the resource, a removed
     * service), so that a client's retry afterwards is judged against the records that exist. Returns what was dropped.
     */
    public synchronized List<Entry> drop(String service, String resource) {
        List<Entry> dropped = doDrop(service, resource);
        var e = new LinkedHashMap<String, Object>();
        e.put("e", "drop");
        e.put("s", service);
        e.put("r", resource);
        journal(e);
        return dropped;
    }

    private List<Entry> doDrop(String service, String resource) {
        var dropped = new ArrayList<Entry>();
        entries.values().removeIf(e -> {
            boolean match = e.service.equals(service) && (resource == null || e.resource.equals(resource));
            if (match) dropped.add(e);
            return match;
        });
        firstByOp
                .values()
                .removeIf(e -> e.service.equals(service) && (resource == null || e.resource.equals(resource)));
        dropped.forEach(e -> commits.add(-e.commits()));
        return dropped;
    }

    public synchronized void clear() {
        entries.clear();
        firstByOp.clear();
        commits.reset();
        if (journal != null) journal.rewrite(List.of());
    }

    // ---- on disk ----

    /**
     * Restores the ledger from its journal (entries as they were when the farm stopped), then writes every later change
     * to it. The journal is compacted on the way: one line per entry.
     *
     * @return how many entries were restored
     */
    public synchronized int attach(Journal journal) {
        for (JsonNode e : journal.read()) replay(e);
        this.journal = journal;
        journal.rewrite(snapshot());
        return entries.size();
    }

    /** The journal this ledger writes to, or null. */
    public synchronized Journal journal() {
        return journal;
    }

    private void replay(JsonNode e) {
        String service = e.path("s").asText();
        String resource = e.path("r").isNull() ? null : e.path("r").asText(null);
        String operation = e.path("o").asText(null);
        String opId = text(e, "id");
        String key = text(e, "k");
        String record = text(e, "rec");
        Instant at = e.hasNonNull("at") ? Instant.parse(e.path("at").asText()) : null;
        switch (e.path("e").asText()) {
            case "commit" -> doCommit(service, resource, operation, opId, key, record, at);
            case "reapply" -> doReapply(service, resource, operation, opId, key, record, at);
            case "drop" -> doDrop(service, resource);
            case "entry" -> {
                Entry entry = new Entry(service, resource, opId, operation, at);
                entry.commits.set(e.path("commits").asInt());
                entry.reapplied.set(e.path("reapplied").asInt());
                entry.idempotencyKey = key;
                entry.recordId = record;
                entry.lastAt = Instant.parse(e.path("last").asText());
                entries.put(new Key(service, resource, operation, opId), entry);
                if (e.path("first_of_op").asBoolean()) firstByOp.put(new OpKey(service, resource, opId), entry);
                commits.add(entry.commits());
            }
            default -> {
                // A line of a later version of the farm: skipped.
            }
        }
    }

    private static String text(JsonNode e, String field) {
        JsonNode v = e.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    /** One line per entry: the whole ledger as it is now. */
    private List<Map<String, Object>> snapshot() {
        List<Map<String, Object>> out = new ArrayList<>(entries.size());
        for (Entry entry : entries(null, false)) {
            Map<String, Object> m = event(
                    "entry",
                    entry.service,
                    entry.resource,
                    entry.operation,
                    entry.opId,
                    entry.idempotencyKey(),
                    entry.recordId(),
                    entry.firstAt);
            m.put("commits", entry.commits());
            m.put("reapplied", entry.reapplied());
            m.put("last", entry.lastAt().toString());
            m.put("first_of_op", firstByOp.get(new OpKey(entry.service, entry.resource, entry.opId)) == entry);
            out.add(m);
        }
        return out;
    }

    private static Map<String, Object> event(
            String kind,
            String service,
            String resource,
            String operation,
            String opId,
            String key,
            String recordId,
            Instant at) {
        var m = new LinkedHashMap<String, Object>();
        m.put("e", kind);
        m.put("s", service);
        m.put("r", resource);
        m.put("o", operation);
        m.put("id", opId);
        m.put("k", key);
        m.put("rec", recordId);
        m.put("at", at.toString());
        return m;
    }

    /** Writes a change (callers hold this ledger's lock, so lines are in the order the changes were made). */
    private void journal(Map<String, Object> event) {
        if (journal == null) return;
        journal.append(event);
        // A long run appends a line per write: rewrite the file as one line per entry when it has grown well past that.
        if (journal.lines() > Math.max(COMPACT_AFTER, 4L * entries.size())) journal.rewrite(snapshot());
    }

    /** Lines a journal may hold before it is compacted, whatever the ledger's size. */
    static final long COMPACT_AFTER = 200_000;
}
