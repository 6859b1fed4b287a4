package dev.gauntlet.farm.data;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.spec.ResourceSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The records of one resource, generated from the seed at start and changed by writes. Records keep their creation
 * order (for pagination) and are replaced, never mutated, so a reader never sees half an update. Fields the spec
 * declares {@code unique} have an index: a write that would give two records one value is refused with
 * {@link UniqueViolation}, and {@link #upsert} finds-or-creates by such a field atomically (the vendors' native
 * idempotent write forms rest on this).
 *
 * <p>Every read costs O(log n + page), whatever the store holds: the count is kept, an offset is
 * found through {@link SeqRanks} (a Fenwick tree over creation order), and other orders are {@link Ordering ordered
 * indexes}, built on first use and kept by every write. Writes are serialised on the store so the indexes never
 * disagree with the records; reads take no lock but the rank tree's short one.
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

    /**
     * An order of the records other than creation order: by a key taken from each record, ties by creation order
     * (so a walk gives what a stable sort of the store would). {@code name} identifies the index: two orderings with
     * one name must order alike and include alike. {@code includes} makes it a partial index (PostgreSQL's {@code
     * CREATE INDEX … WHERE}): only the records it accepts are in it, so a walk filtered by that condition never
     * steps over the records it would drop (GitHub's open issues). Like the key, it must depend on the record only.
     */
    public record Ordering(
            String name,
            Function<ObjectNode, JsonNode> key,
            Comparator<JsonNode> order,
            Predicate<ObjectNode> includes) {
        public Ordering {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(order, "order");
            Objects.requireNonNull(includes, "includes");
        }

        /** An index of every record. */
        public Ordering(String name, Function<ObjectNode, JsonNode> key, Comparator<JsonNode> order) {
            this(name, key, order, r -> true);
        }
    }

    /**
     * A count of the records by one value taken from each (e.g. an issue's state), kept by every write so a list that
     * pages by number can say how many pages there are without counting. {@code name} identifies it.
     */
    public record Tally(String name, Function<ObjectNode, String> key) {
        public Tally {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
        }
    }

    /** One tally's counts; a null key counts under {@link #NULL_KEY}. */
    private record Counts(Tally tally, Map<String, AtomicInteger> byKey) {
        private static final String NULL_KEY = "\u0000null";

        void add(ObjectNode record, int delta) {
            byKey.computeIfAbsent(keyOf(record), k -> new AtomicInteger()).addAndGet(delta);
        }

        String keyOf(ObjectNode record) {
            String k = tally.key().apply(record);
            return k == null ? NULL_KEY : k;
        }

        int get(String key) {
            AtomicInteger n = byKey.get(key == null ? NULL_KEY : key);
            return n == null ? 0 : n.get();
        }
    }

    /** A record's place in an ordered index: its key, then its creation sequence. */
    private record Slot(JsonNode key, long seq) {}

    /**
     * One ordered index: each slot maps to the record it stands for, so a walk reads records straight from the index
     * (no lookup by sequence per step). A write finds a record's old slot by taking the key again from the record as it
     * was stored, so a key must depend on the record only (records are replaced, never changed in place).
     */
    private record Index(Ordering ordering, ConcurrentSkipListMap<Slot, ObjectNode> slots) {
        static Index of(Ordering o) {
            // The ordering's comparator sees a missing key as null: where nulls go is the vendor's rule.
            return new Index(
                    o,
                    new ConcurrentSkipListMap<>(
                            Comparator.comparing(Slot::key, o.order()).thenComparingLong(Slot::seq)));
        }

        void add(ObjectNode record, long seq) {
            if (ordering.includes().test(record))
                slots.put(new Slot(ordering.key().apply(record), seq), record);
        }

        void remove(ObjectNode record, long seq) {
            if (ordering.includes().test(record))
                slots.remove(new Slot(ordering.key().apply(record), seq));
        }

        /** {@code old} rewritten as {@code now}: a slot that stays put is updated in place, so a walk never misses it. */
        void replace(ObjectNode old, ObjectNode now, long seq) {
            boolean was = ordering.includes().test(old);
            boolean is = ordering.includes().test(now);
            Slot before = was ? new Slot(ordering.key().apply(old), seq) : null;
            Slot after = is ? new Slot(ordering.key().apply(now), seq) : null;
            if (after != null) slots.put(after, now);
            if (before != null && (after == null || slots.comparator().compare(before, after) != 0))
                slots.remove(before);
        }
    }

    private final ResourceSpec spec;
    private final long seed;
    private final IdMinter minter;
    private final ConcurrentSkipListMap<Long, ObjectNode> bySeq = new ConcurrentSkipListMap<>();
    private final Map<String, Long> seqById = new ConcurrentHashMap<>();
    private final AtomicLong nextSeq = new AtomicLong(1);
    /** The number of records, kept with the records (a plain counter: no map is asked to count). */
    private final AtomicInteger count = new AtomicInteger();

    private final SeqRanks ranks = new SeqRanks();
    private final Map<String, Index> indexes = new ConcurrentHashMap<>();
    private final Map<String, Counts> tallies = new ConcurrentHashMap<>();
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
        return count.get();
    }

    /** The records from {@code offset} (in creation order), at most {@code limit}: O(log n + limit). */
    public Page page(int offset, int limit) {
        int total = count.get();
        if (offset < 0 || offset >= total || limit <= 0) return new Page(List.of(), total);
        long first = ranks.seqAt(offset);
        if (first < 0) return new Page(List.of(), total);
        return new Page(take(bySeq.tailMap(first, true).values().iterator(), limit), total);
    }

    /** Every record in creation order, for the few readers that must see them all (a filter no index serves). */
    public Iterable<ObjectNode> all() {
        return Collections.unmodifiableCollection(bySeq.values());
    }

    /** The creation sequence of a stored record, or -1 (a cursor that names no record). */
    public long seqOf(ObjectNode record) {
        if (record == null) return -1;
        Long seq = seqById.get(record.path(spec.idField()).asText());
        return seq == null ? -1 : seq;
    }

    /**
     * The records in the given order, starting after (or at, when {@code inclusive}) the position of
     * {@code key}/{@code seq}; a null key starts at the first record of the order ({@code descending}: its last).
     * Costs O(log n) to start and O(1) a record after that. The index is built on the first call of each ordering.
     */
    public Iterator<ObjectNode> walk(Ordering ordering, JsonNode key, long seq, boolean inclusive, boolean descending) {
        NavigableMap<Slot, ObjectNode> slots = index(ordering).slots();
        NavigableMap<Slot, ObjectNode> view;
        if (key == null) view = descending ? slots.descendingMap() : slots;
        else if (descending) view = slots.headMap(new Slot(key, seq), inclusive).descendingMap();
        else view = slots.tailMap(new Slot(key, seq), inclusive);
        // The map's iterator is weakly consistent: a write during the walk is seen or not, never half.
        return Collections.unmodifiableCollection(view.values()).iterator();
    }

    /** The records in the given order from the first, skipping {@code offset}, at most {@code limit}. */
    public List<ObjectNode> ordered(Ordering ordering, int offset, int limit) {
        Iterator<ObjectNode> it = walk(ordering, null, 0, false, false);
        // An ordered index has no ranks: an offset is walked (O(offset)), a cursor is not (see walk).
        for (int i = 0; i < offset && it.hasNext(); i++) it.next();
        return take(it, limit);
    }

    /** How many records the tally counts under {@code key} (null: those whose key is null): O(1). */
    public int count(Tally tally, String key) {
        Counts counts = tallies.get(tally.name());
        if (counts == null) {
            synchronized (this) {
                counts = tallies.computeIfAbsent(tally.name(), n -> {
                    Counts built = new Counts(tally, new ConcurrentHashMap<>());
                    bySeq.values().forEach(r -> built.add(r, 1));
                    return built;
                });
            }
        }
        return counts.get(key);
    }

    private Index index(Ordering ordering) {
        Index index = indexes.get(ordering.name());
        if (index != null) return index;
        synchronized (this) {
            // Built under the write lock, so no write slips between the scan and the index going live.
            return indexes.computeIfAbsent(ordering.name(), n -> {
                Index built = Index.of(ordering);
                bySeq.forEach((seq, node) -> built.add(node, seq));
                return built;
            });
        }
    }

    private static List<ObjectNode> take(Iterator<ObjectNode> it, int limit) {
        var out = new ArrayList<ObjectNode>(Math.min(limit, 256));
        while (out.size() < limit && it.hasNext()) out.add(it.next());
        return out;
    }

    /** Records created after the one with this id (cursor pagination); null cursor starts at the beginning. */
    public Page after(String cursorId, int limit) {
        Long from = cursorId == null ? null : seqById.get(cursorId);
        var tail = from == null ? bySeq : bySeq.tailMap(from, false);
        return new Page(take(tail.values().iterator(), limit), count.get());
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
    public synchronized ObjectNode create(ObjectNode fields) {
        checkUnique(fields, null);
        return insert(fields);
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
        store(node, id.asText(), seq);
        return node;
    }

    /** Adds a new record to the map, the id and unique maps, the ranks and the ordered indexes. Under the lock. */
    private void store(ObjectNode node, String id, long seq) {
        index(node, id);
        seqById.put(id, seq);
        bySeq.put(seq, node);
        count.incrementAndGet();
        ranks.add(seq, 1);
        for (Index i : indexes.values()) i.add(node, seq);
        for (Counts c : tallies.values()) c.add(node, 1);
    }

    /** Moves a rewritten record in the ordered indexes. Under the lock. */
    private void reindex(ObjectNode old, ObjectNode now, long seq) {
        for (Index i : indexes.values()) i.replace(old, now, seq);
        for (Counts c : tallies.values()) {
            c.add(old, -1);
            c.add(now, 1);
        }
    }

    /**
     * Merges fields into an existing record; returns the new record, or null when there is none.
     *
     * @throws UniqueViolation when the patch gives a unique field a value another record holds (nothing changes)
     */
    public synchronized ObjectNode update(String id, ObjectNode patch) {
        Long seq = seqById.get(id);
        if (seq == null) return null;
        checkUnique(patch, id);
        ObjectNode old = bySeq.get(seq);
        ObjectNode updated = old.deepCopy();
        patch.properties().forEach(e -> {
            if (!e.getKey().equals(spec.idField())) updated.set(e.getKey(), e.getValue());
        });
        bySeq.put(seq, updated);
        unindex(old);
        index(updated, id);
        reindex(old, updated, seq);
        return updated;
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
        reindex(old, node, seq);
        return node;
    }

    public synchronized ObjectNode delete(String id) {
        Long seq = seqById.remove(id);
        if (seq == null) return null;
        ObjectNode gone = bySeq.remove(seq);
        unindex(gone);
        count.decrementAndGet();
        ranks.add(seq, -1);
        for (Index i : indexes.values()) i.remove(gone, seq);
        for (Counts c : tallies.values()) c.add(gone, -1);
        return gone;
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
        indexes.values().forEach(i -> i.slots().clear());
        tallies.values().forEach(c -> c.byKey().clear());
        count.set(0);
        ranks.clear();
        nextSeq.set(1);
        populate();
    }

    private synchronized void populate() {
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
            store(node, id.asText(), seq);
        }
    }
}
