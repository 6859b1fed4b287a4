package dev.gauntlet.farm.ledger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

        public String idempotencyKey() { return idempotencyKey; }
        public String recordId() { return recordId; }
        public Instant lastAt() { return lastAt; }
        public int commits() { return commits.get(); }
        /** Times an idempotent form of this operation (an upsert) found its record already there and made nothing new. */
        public int reapplied() { return reapplied.get(); }
    }

    /** An operation id names one logical write of one kind: a create and a later update of op-1 are two operations. */
    private record Key(String service, String resource, String operation, String opId) {}

    /** The same write whatever its kind: an upsert finds here the entry of the commit that made its record. */
    private record OpKey(String service, String resource, String opId) {}

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<OpKey, Entry> firstByOp = new ConcurrentHashMap<>();
    private final LongAdder commits = new LongAdder();

    /**
     * Records one commit of an operation.
     *
     * @param opId           the caller's operation id; null means the write cannot be matched to others and counts alone
     */
    public Entry commit(String service, String resource, String operation, String opId, String idempotencyKey, String recordId, Instant at) {
        String id = opId != null ? opId : idempotencyKey != null ? "key:" + idempotencyKey : "record:" + resource + ":" + recordId + ":" + operation + ":" + at.toEpochMilli() + ":" + commits.sum();
        Entry e = entries.computeIfAbsent(new Key(service, resource, operation, id), k -> new Entry(service, resource, id, operation, at));
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
    public Entry reapply(String service, String resource, String operation, String opId, String idempotencyKey, String recordId, Instant at) {
        Entry first = opId == null ? null : firstByOp.get(new OpKey(service, resource, opId));
        if (first != null) {
            first.reapplied.incrementAndGet();
            first.lastAt = at;
            return first;
        }
        return commit(service, resource, operation, opId, idempotencyKey, recordId, at);
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
    public List<Entry> drop(String service, String resource) {
        var dropped = new ArrayList<Entry>();
        entries.values().removeIf(e -> {
            boolean match = e.service.equals(service) && (resource == null || e.resource.equals(resource));
            if (match) dropped.add(e);
            return match;
        });
        firstByOp.values().removeIf(e -> e.service.equals(service) && (resource == null || e.resource.equals(resource)));
        dropped.forEach(e -> commits.add(-e.commits()));
        return dropped;
    }

    public void clear() {
        entries.clear();
        firstByOp.clear();
        commits.reset();
    }
}
