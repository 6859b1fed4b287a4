package dev.gauntlet.farm.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.spec.ResourceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records of one resource, generated from the seed at start and changed by writes. Records keep their creation
 * order (for pagination) and are replaced, never mutated, so a reader never sees half an update.
 */
public final class ResourceStore {

    /** Makes a record id in the vendor's style from the record's sequence number. */
    @FunctionalInterface
    public interface IdMinter {
        JsonNode mint(ResourceSpec resource, long seq, SplittableRandom random);
    }

    /** One page of records and the total they were taken from. */
    public record Page(List<ObjectNode> records, int total) {}

    private final ResourceSpec spec;
    private final long seed;
    private final IdMinter minter;
    private final ConcurrentSkipListMap<Long, ObjectNode> bySeq = new ConcurrentSkipListMap<>();
    private final Map<String, Long> seqById = new ConcurrentHashMap<>();
    private final AtomicLong nextSeq = new AtomicLong(1);

    public ResourceStore(ResourceSpec spec, long seed, IdMinter minter) {
        this.spec = spec;
        this.seed = seed;
        this.minter = minter;
        populate();
    }

    public ResourceSpec spec() {
        return spec;
    }

    public String idField() {
        return spec.idField();
    }

    public ObjectNode get(String id) {
        Long seq = seqById.get(id);
        return seq == null ? null : bySeq.get(seq);
    }

    public int size() {
        return bySeq.size();
    }

    public Page page(int offset, int limit) {
        var out = new ArrayList<ObjectNode>(Math.min(limit, 256));
        int i = 0;
        for (ObjectNode node : bySeq.values()) {
            if (i++ < offset) continue;
            if (out.size() >= limit) break;
            out.add(node);
        }
        return new Page(out, bySeq.size());
    }

    /** Records created after the one with this id (cursor pagination); null cursor starts at the beginning. */
    public Page after(String cursorId, int limit) {
        Long from = cursorId == null ? null : seqById.get(cursorId);
        var tail = from == null ? bySeq : bySeq.tailMap(from, false);
        var out = new ArrayList<ObjectNode>(Math.min(limit, 256));
        for (ObjectNode node : tail.values()) {
            if (out.size() >= limit) break;
            out.add(node);
        }
        return new Page(out, bySeq.size());
    }

    public boolean hasAfter(ObjectNode last) {
        Long seq = seqById.get(last.path(spec.idField()).asText());
        return seq != null && bySeq.higherKey(seq) != null;
    }

    /** Adds a record; the id is minted here, the caller's fields are kept as given. */
    public ObjectNode create(ObjectNode fields) {
        long seq = nextSeq.getAndIncrement();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        JsonNode id = minter.mint(spec, seq, new SplittableRandom(seed ^ (seq * 0x9E3779B97F4A7C15L)));
        node.set(spec.idField(), id);
        fields.properties().forEach(e -> {
            if (!e.getKey().equals(spec.idField())) node.set(e.getKey(), e.getValue());
        });
        seqById.put(id.asText(), seq);
        bySeq.put(seq, node);
        return node;
    }

    /** Merges fields into an existing record; returns the new record, or null when there is none. */
    public ObjectNode update(String id, ObjectNode patch) {
        Long seq = seqById.get(id);
        if (seq == null) return null;
        ObjectNode updated = bySeq.computeIfPresent(seq, (k, old) -> {
            ObjectNode copy = old.deepCopy();
            patch.properties().forEach(e -> {
                if (!e.getKey().equals(spec.idField())) copy.set(e.getKey(), e.getValue());
            });
            return copy;
        });
        return updated;
    }

    public ObjectNode delete(String id) {
        Long seq = seqById.remove(id);
        return seq == null ? null : bySeq.remove(seq);
    }

    /** Back to the records the seed generates. */
    public synchronized void reset() {
        bySeq.clear();
        seqById.clear();
        nextSeq.set(1);
        populate();
    }

    private void populate() {
        long base = seed * 31 + spec.name().hashCode();
        for (int i = 0; i < spec.count(); i++) {
            long seq = nextSeq.getAndIncrement();
            SplittableRandom r = new SplittableRandom(base ^ (seq * 0x9E3779B97F4A7C15L));
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            JsonNode id = minter.mint(spec, seq, r.split());
            node.set(spec.idField(), id);
            for (var f : spec.fields().entrySet()) {
                if (f.getKey().equals(spec.idField())) continue;
                node.set(f.getKey(), FieldGenerator.generate(f.getValue(), f.getKey(), r, seq));
            }
            seqById.put(id.asText(), seq);
            bySeq.put(seq, node);
        }
    }
}
