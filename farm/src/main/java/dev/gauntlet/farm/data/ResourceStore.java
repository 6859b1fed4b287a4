package dev.gauntlet.farm.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.spec.ResourceSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The records of one resource, generated from the seed at start and changed by writes. Records keep their creation
 * order (for pagination) and are replaced, never mutated, so a reader never sees half an update. Fields the spec
 * declares {@code unique} have an index: a write that would give two records one value is refused with
 * {@link UniqueViolation}, and {@link #upsert} finds-or-creates by such a field atomically (the vendors' native
 * idempotent write forms rest on this).
 */
public final class ResourceStore {

    /** A write refused because another record already has this value in a unique field. */
    public static final class UniqueViolation extends RuntimeException {
        private final String resource;
        private final String field;
        private final String value;
        private final String existingId;

        UniqueViolation(String resource, String field, String value, String existingId) {
            super("duplicate value for unique field " + field + " of " + resource + ": '" + value
                    + "' is already used by record " + existingId);
            this.resource = resource;
            this.field = field;
            this.value = value;
            this.existingId = existingId;
        }

        public String resource() {
            return resource;
        }

        public String field() {
            return field;
        }

        public String value() {
            return value;
        }
        /** The id of the record that holds the value. */
        public String existingId() {
            return existingId;
        }
    }

    /** What {@link #upsert} did: the record as it is now, and whether it was created (false: an existing one was updated). */
    public record Upserted(ObjectNode record, boolean created) {}

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
    /** Per unique field: value → record id. Changed only under this store's lock, together with the records. */
    private final Map<String, Map<String, String>> uniqueIndex = new LinkedHashMap<>();

    public ResourceStore(ResourceSpec spec, long seed, IdMinter minter) {
        this.spec = spec;
        this.seed = seed;
        this.minter = minter;
        for (String field : spec.unique()) uniqueIndex.put(field, new ConcurrentHashMap<>());
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

    /** The record whose unique {@code field} holds {@code value}, or null. */
    public ObjectNode findUnique(String field, String value) {
        Map<String, String> index = uniqueIndex.get(field);
        if (index == null)
            throw new IllegalArgumentException(
                    spec.name() + "." + field + " is not a unique field; unique: " + spec.unique());
        String id = value == null ? null : index.get(value);
        return id == null ? null : get(id);
    }

    /**
     * Adds a record; the id is minted here, the caller's fields are kept as given.
     *
     * @throws UniqueViolation when a unique field's value is already taken (nothing is added)
     */
    public ObjectNode create(ObjectNode fields) {
        if (uniqueIndex.isEmpty()) return insert(fields);
        synchronized (this) {
            checkUnique(fields, null);
            return insert(fields);
        }
    }

    /**
     * Finds the record whose unique {@code field} is {@code value} and merges {@code fields} into it, or creates one
     * with {@code fields} and {@code field = value} - atomically, so two upserts of one value never make two records.
     */
    public Upserted upsert(String field, String value, ObjectNode fields) {
        Objects.requireNonNull(value, "upsert value");
        if (!uniqueIndex.containsKey(field)) {
            throw new IllegalArgumentException(
                    spec.name() + "." + field + " is not a unique field; unique: " + spec.unique());
        }
        synchronized (this) {
            String id = uniqueIndex.get(field).get(value);
            if (id != null) return new Upserted(update(id, fields), false);
            ObjectNode withKey = fields.deepCopy();
            withKey.put(field, value);
            checkUnique(withKey, null);
            return new Upserted(insert(withKey), true);
        }
    }

    private ObjectNode insert(ObjectNode fields) {
        long seq = nextSeq.getAndIncrement();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        JsonNode id = minter.mint(spec, seq, new SplittableRandom(seed ^ (seq * 0x9E3779B97F4A7C15L)));
        node.set(spec.idField(), id);
        fields.properties().forEach(e -> {
            if (!e.getKey().equals(spec.idField())) node.set(e.getKey(), e.getValue());
        });
        index(node, id.asText());
        seqById.put(id.asText(), seq);
        bySeq.put(seq, node);
        return node;
    }

    /**
     * Merges fields into an existing record; returns the new record, or null when there is none.
     *
     * @throws UniqueViolation when the patch gives a unique field a value another record holds (nothing changes)
     */
    public ObjectNode update(String id, ObjectNode patch) {
        if (uniqueIndex.isEmpty()) return merge(id, patch);
        synchronized (this) {
            if (!seqById.containsKey(id)) return null;
            checkUnique(patch, id);
            ObjectNode old = get(id);
            ObjectNode updated = merge(id, patch);
            if (updated != null) {
                unindex(old);
                index(updated, id);
            }
            return updated;
        }
    }

    /**
     * Replaces every field of a record but its id (MongoDB's replaceOne: fields the replacement lacks are gone);
     * returns the new record, or null when there is none.
     *
     * @throws UniqueViolation when the replacement gives a unique field a value another record holds (nothing changes)
     */
    public synchronized ObjectNode replace(String id, ObjectNode fields) {
        Long seq = seqById.get(id);
        if (seq == null) return null;
        checkUnique(fields, id);
        ObjectNode old = bySeq.get(seq);
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.set(spec.idField(), old.get(spec.idField()));
        fields.properties().forEach(e -> {
            if (!e.getKey().equals(spec.idField())) node.set(e.getKey(), e.getValue());
        });
        bySeq.put(seq, node);
        unindex(old);
        index(node, id);
        return node;
    }

    private ObjectNode merge(String id, ObjectNode patch) {
        Long seq = seqById.get(id);
        if (seq == null) return null;
        return bySeq.computeIfPresent(seq, (k, old) -> {
            ObjectNode copy = old.deepCopy();
            patch.properties().forEach(e -> {
                if (!e.getKey().equals(spec.idField())) copy.set(e.getKey(), e.getValue());
            });
            return copy;
        });
    }

    public ObjectNode delete(String id) {
        if (uniqueIndex.isEmpty()) return remove(id);
        synchronized (this) {
            ObjectNode gone = remove(id);
            unindex(gone);
            return gone;
        }
    }

    private ObjectNode remove(String id) {
        Long seq = seqById.remove(id);
        return seq == null ? null : bySeq.remove(seq);
    }

    /** Refuses values of unique fields in {@code fields} that a record other than {@code self} holds. */
    private void checkUnique(ObjectNode fields, String self) {
        for (var u : uniqueIndex.entrySet()) {
            String value = uniqueValue(fields.get(u.getKey()));
            if (value == null) continue;
            String holder = u.getValue().get(value);
            if (holder != null && !holder.equals(self))
                throw new UniqueViolation(spec.name(), u.getKey(), value, holder);
        }
    }

    private void index(ObjectNode record, String id) {
        for (var u : uniqueIndex.entrySet()) {
            String value = uniqueValue(record.get(u.getKey()));
            if (value != null) u.getValue().put(value, id);
        }
    }

    private void unindex(ObjectNode record) {
        if (record == null) return;
        for (var u : uniqueIndex.entrySet()) {
            String value = uniqueValue(record.get(u.getKey()));
            if (value != null) u.getValue().remove(value);
        }
    }

    /** A unique field's indexed form: its text; null (absent, JSON null) is not indexed, as in SQL. */
    private static String uniqueValue(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode()
                ? null
                : node.isValueNode() ? node.asText() : node.toString();
    }

    /** Back to the records the seed generates. */
    public synchronized void reset() {
        bySeq.clear();
        seqById.clear();
        uniqueIndex.values().forEach(Map::clear);
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
            index(node, id.asText());
            seqById.put(id.asText(), seq);
            bySeq.put(seq, node);
        }
    }
}
