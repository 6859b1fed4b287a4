package dev.gauntlet.mesh.internal.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.mesh.drift.FieldType;
import dev.gauntlet.mesh.event.DriftKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One endpoint's learned schema: the fields the workflow knows (by the name it knows them), the shapes already judged
 * (hashes; the hot path only compares these), and the learned renames (upstream name → known name). Learning and
 * diffing happen under the object's lock, only when an unknown shape shows up.
 */
final class EndpointSchema {
    /** Values of an added field kept for the overlap check: enough records, bounded work. */
    private static final int VALUES_PER_FIELD = 50;
    /** Shapes remembered before starting over: sparse records (optional fields) make many, and each costs a lookup. */
    private static final int MAX_SHAPES = 256;

    final String endpoint;
    private final Map<String, LearnedField> fields = new LinkedHashMap<>();
    private final Map<String, Double> confidence = new HashMap<>();
    private boolean learned;
    /** Sorted shape hashes already seen and judged; replaced, never changed in place (read without the lock). */
    volatile long[] known = new long[0];
    /** Learned upstream → known names; immutable, replaced on change. */
    volatile Map<String, String> mappings = Map.of();

    final AtomicLong calls = new AtomicLong();

    EndpointSchema(String endpoint) {
        this.endpoint = endpoint;
    }

    /** What changed: the drift events to publish (without time and connector), and whether to save the schema. */
    record Change(DriftKind kind, String before, String after, double confidence, boolean mapped) {}

    boolean allKnown(JsonNode root, List<ObjectNode> records) {
        long[] k = known;
        if (!Shapes.contains(k, Shapes.rootHash(root))) return false;
        for (ObjectNode r : records) if (!Shapes.contains(k, Shapes.hash(r))) return false;
        return true;
    }

    synchronized boolean isLearned() {
        return learned;
    }

    synchronized Map<String, FieldType> fields() {
        Map<String, FieldType> out = new LinkedHashMap<>();
        fields.forEach((k, v) -> out.put(k, v.type));
        return out;
    }

    /**
     * Compares an answer of unseen shape with the schema, learns it, and says what changed. {@code explicit} mappings
     * (from config) are applied before comparing, so a field they cover never counts as drift.
     */
    synchronized List<Change> learn(
            JsonNode root, List<ObjectNode> records, Map<String, String> explicit, double threshold) {
        Map<String, FieldType> observed = new LinkedHashMap<>();
        Map<String, Set<String>> values = new HashMap<>();
        Map<String, String> learnedMap = mappings;
        int seen = 0;
        for (ObjectNode r : records) {
            boolean keepValues = seen++ < VALUES_PER_FIELD;
            for (var e : r.properties()) {
                String name = translate(e.getKey(), explicit, learnedMap);
                FieldType t = FieldType.of(e.getValue());
                FieldType was = observed.get(name);
                if (was == null || was == FieldType.nul) observed.put(name, t);
                if (keepValues) {
                    String v = LearnedField.text(e.getValue());
                    if (v != null)
                        values.computeIfAbsent(name, x -> new LinkedHashSet<>()).add(v);
                }
            }
        }
        List<Change> changes = new ArrayList<>();
        if (!learned) {
            observed.forEach((name, t) -> fields.put(name, new LearnedField(t)));
            learned = !records.isEmpty(); // first sight: learned, nothing drifted
        } else if (!records.isEmpty()) {
            diff(observed, values, threshold, changes);
        }
        sample(records, explicit);
        remember(root, records);
        return changes;
    }

    private void diff(
            Map<String, FieldType> observed, Map<String, Set<String>> values, double threshold, List<Change> changes) {
        List<RenameDetector.Field> removed = new ArrayList<>(), added = new ArrayList<>();
        for (var e : fields.entrySet()) {
            if (!observed.containsKey(e.getKey()))
                removed.add(new RenameDetector.Field(
                        e.getKey(), e.getValue().type, e.getValue().samples()));
        }
        for (var e : observed.entrySet()) {
            if (!fields.containsKey(e.getKey()))
                added.add(
                        new RenameDetector.Field(e.getKey(), e.getValue(), values.getOrDefault(e.getKey(), Set.of())));
        }
        for (var e : observed.entrySet()) {
            LearnedField f = fields.get(e.getKey());
            if (f == null || e.getValue() == FieldType.nul) continue;
            if (f.type == FieldType.nul) {
                f.type = e.getValue(); // a field first seen as null learns its type: no drift
            } else if (f.type != e.getValue()) {
                changes.add(new Change(
                        DriftKind.retyped, e.getKey() + ": " + f.type, e.getKey() + ": " + e.getValue(), 1, false));
                f.type = e.getValue();
            }
        }
        Set<String> pairedFrom = new HashSet<>(), pairedTo = new HashSet<>();
        Map<String, String> newMappings = new LinkedHashMap<>(mappings);
        for (RenameDetector.Rename r : RenameDetector.pair(removed, added)) {
            pairedFrom.add(r.from());
            pairedTo.add(r.to());
            boolean map = r.confidence() >= threshold;
            changes.add(new Change(DriftKind.renamed, r.from(), r.to(), r.confidence(), map));
            if (map) {
                // The workflow keeps the name it knows; the upstream's new name is mapped back to it.
                newMappings.put(r.to(), r.from());
                confidence.put(r.to(), r.confidence());
                LearnedField f = fields.get(r.from());
                f.type = observed.get(r.to()) == FieldType.nul ? f.type : observed.get(r.to());
            } else {
                // Below the threshold nobody can say it is the same field: the schema takes the new name, for review.
                LearnedField f = fields.remove(r.from());
                fields.put(r.to(), f);
                f.type = observed.get(r.to());
            }
        }
        for (RenameDetector.Field f : removed) {
            if (pairedFrom.contains(f.name())) continue;
            changes.add(new Change(DriftKind.removed, f.name(), null, 1, false));
            fields.remove(f.name());
        }
        for (RenameDetector.Field f : added) {
            if (pairedTo.contains(f.name())) continue;
            changes.add(new Change(DriftKind.added, null, f.name(), 1, false));
            fields.put(f.name(), new LearnedField(f.type()));
        }
        if (!newMappings.equals(mappings)) mappings = Map.copyOf(newMappings);
    }

    /** Keeps a few recent values of each field, from the first few records. */
    synchronized void sample(List<ObjectNode> records, Map<String, String> explicit) {
        Map<String, String> m = mappings;
        int n = Math.min(4, records.size());
        for (int i = 0; i < n; i++) {
            for (var e : records.get(i).properties()) {
                LearnedField f = fields.get(translate(e.getKey(), explicit, m));
                if (f != null) f.sample(e.getValue());
            }
        }
    }

    private void remember(JsonNode root, List<ObjectNode> records) {
        Set<Long> add = new TreeSet<>();
        add.add(Shapes.rootHash(root));
        for (ObjectNode r : records) add.add(Shapes.hash(r));
        long[] k = known.length + add.size() > MAX_SHAPES ? new long[0] : known;
        long[] merged = Arrays.copyOf(k, k.length + add.size());
        int i = k.length;
        for (long h : add) merged[i++] = h;
        Arrays.sort(merged);
        known = Arrays.stream(merged).distinct().toArray();
    }

    static String translate(String upstream, Map<String, String> explicit, Map<String, String> learned) {
        String to = explicit.get(upstream);
        if (to != null) return to;
        to = learned.get(upstream);
        return to != null ? to : upstream;
    }

    /** The schema as stored: fields (type and samples), learned mappings and their confidence. */
    synchronized JsonNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        ObjectNode fs = root.putObject("fields");
        fields.forEach((name, lf) -> {
            ObjectNode n = fs.putObject(name);
            n.put("type", lf.type.name());
            var samples = n.putArray("samples");
            lf.samples().forEach(samples::add);
        });
        ObjectNode ms = root.putObject("mappings");
        mappings.forEach(ms::put);
        ObjectNode cs = root.putObject("confidence");
        confidence.forEach(cs::put);
        return root;
    }

    static EndpointSchema fromJson(String endpoint, JsonNode json) {
        EndpointSchema s = new EndpointSchema(endpoint);
        json.path("fields").properties().forEach(e -> {
            LearnedField lf =
                    new LearnedField(FieldType.parse(e.getValue().path("type").asText()));
            e.getValue().path("samples").forEach(lf::sample);
            s.fields.put(e.getKey(), lf);
        });
        s.learned = !s.fields.isEmpty();
        Map<String, String> m = new LinkedHashMap<>();
        json.path("mappings")
                .properties()
                .forEach(e -> m.put(e.getKey(), e.getValue().asText()));
        s.mappings = Map.copyOf(m);
        json.path("confidence")
                .properties()
                .forEach(e -> s.confidence.put(e.getKey(), e.getValue().asDouble()));
        return s;
    }
}
