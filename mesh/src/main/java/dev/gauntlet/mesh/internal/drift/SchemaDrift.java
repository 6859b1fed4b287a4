package dev.gauntlet.mesh.internal.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.drift.DriftConfig;
import dev.gauntlet.mesh.drift.FieldType;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.DriftDetected;
import dev.gauntlet.mesh.event.EventBus;
import java.io.IOException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connector's schema drift: learns each endpoint's response schema, detects added, removed, renamed and retyped
 * fields, maps confident renames (and the config's explicit mappings, which always win) back to the names the
 * workflow knows, publishes a {@link DriftDetected} per change and saves schemas and mappings in the store.
 *
 * <p>Cheap on the hot path: a known shape is recognised by streaming the answer and hashing its field names and
 * types (no tree), a list up to its first record only; the tree is built only for a new shape, to map fields, or on a
 * sampling call (values for overlap, and every record's shape).
 */
public final class SchemaDrift {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaDrift.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Endpoint names cached by method and raw path; ids make paths many, so each method's cache stops growing here. */
    private static final int MAX_CACHED_PATHS = 4096;
    /** Every call samples values until this many, then one call in SAMPLE_EVERY (a power of two). */
    private static final long SAMPLE_FIRST = 8, SAMPLE_EVERY = 64;

    private final String connector;
    private final DriftConfig config;
    private final SchemaRepository repository;
    private final EventBus events;
    private final InstantSource clock;
    private final Map<String, EndpointSchema> endpoints = new ConcurrentHashMap<>();
    /**
     * By method, then raw path: no key is built per call. Every method, not only GET: writes (and MongoDB's POST finds)
     * repeat their paths too, and naming the endpoint from scratch was a measurable share of a keyed write's CPU.
     */
    private final Map<String, Map<String, EndpointSchema>> byPath = new ConcurrentHashMap<>();

    private final AtomicLong drifts = new AtomicLong();

    public SchemaDrift(
            String connector, DriftConfig config, SchemaRepository repository, EventBus events, InstantSource clock) {
        this.connector = connector;
        this.config = config;
        this.repository = repository;
        this.events = events;
        this.clock = clock;
        if (config.learn() && repository != null) {
            try {
                repository
                        .loadSchemas(connector)
                        .forEach((endpoint, json) -> endpoints.put(endpoint, EndpointSchema.fromJson(endpoint, json)));
            } catch (RuntimeException e) {
                LOG.warn("could not load learned schemas of {}: {}", connector, e.toString());
            }
        }
    }

    /** Whether this connector does anything with answers (learning is on, or there are explicit mappings). */
    public boolean active() {
        return config.learn() || !config.mappings().isEmpty();
    }

    /**
     * Looks at one successful answer; returns its body as JSON with drifted fields mapped back, or null when the
     * answer is not JSON or was recognised without building a tree (then nothing needed mapping).
     */
    public JsonNode observe(String method, String path, MeshResponse response) {
        byte[] body = response.body();
        if (!startsLikeJson(body)) return null;
        Map<String, String> explicit = config.mappings();
        if (!config.learn()) {
            JsonNode root = saysJson(response) ? parse(body) : null;
            if (root != null) applyMappings(Shapes.records(root), explicit, Map.of());
            return root;
        }
        EndpointSchema schema = schemaFor(method, path);
        long n = schema.calls.incrementAndGet();
        boolean sample = n <= SAMPLE_FIRST || (n & (SAMPLE_EVERY - 1)) == 0;
        boolean mapping = !explicit.isEmpty() || !schema.mappings.isEmpty();
        if (!mapping && !sample) {
            // Up to the first record only: scanning every record of every page was ~70 % of the mesh's extra client
            // CPU on list reads (JFR, MeshVsNaiveBench, 20 records a page). The rest of a page is still checked on
            // the sampled calls (the first SAMPLE_FIRST, then one in SAMPLE_EVERY), and on every call once a mapping
            // is active (the tree path below).
            if (Shapes.leadKnown(body, schema.known)) return null;
        }
        // The header is read only here, off the fast path: a known shape was JSON already.
        if (!saysJson(response)) return null;
        JsonNode root = parse(body);
        if (root == null) return null;
        List<ObjectNode> records = Shapes.records(root);
        if (!schema.allKnown(root, records)) {
            learn(schema, root, records, explicit);
        } else if (sample) {
            schema.sample(records, explicit);
        }
        applyMappings(records, explicit, schema.mappings);
        return root;
    }

    private void learn(EndpointSchema schema, JsonNode root, List<ObjectNode> records, Map<String, String> explicit) {
        boolean first = !schema.isLearned();
        List<EndpointSchema.Change> changes = schema.learn(root, records, explicit, config.threshold());
        if (!changes.isEmpty()) {
            var at = clock.instant();
            for (EndpointSchema.Change c : changes) {
                drifts.incrementAndGet();
                events.publish(new DriftDetected(
                        at, connector, schema.endpoint, c.kind(), c.before(), c.after(), c.confidence(), c.mapped()));
            }
        }
        if ((first && schema.isLearned()) || !changes.isEmpty()) save(schema);
    }

    private void save(EndpointSchema schema) {
        if (repository == null) return;
        try {
            repository.saveSchema(connector, schema.endpoint, schema.toJson());
        } catch (RuntimeException e) {
            // The mapping still works in memory; it is only not kept across a restart.
            LOG.warn("could not save the schema of {} {}: {}", connector, schema.endpoint, e.toString());
        }
    }

    /** Renames the upstream's fields to the known names, in place, keeping their order; explicit mappings first. */
    static void applyMappings(List<ObjectNode> records, Map<String, String> explicit, Map<String, String> learned) {
        if (explicit.isEmpty() && learned.isEmpty()) return;
        for (ObjectNode r : records) {
            if (!needsMapping(r, explicit) && !needsMapping(r, learned)) continue;
            Map<String, JsonNode> ordered = new LinkedHashMap<>();
            for (var e : r.properties()) {
                String to = EndpointSchema.translate(e.getKey(), explicit, learned);
                // Never overwrite a field the upstream still sends under the known name.
                if (!to.equals(e.getKey()) && r.has(to)) to = e.getKey();
                ordered.putIfAbsent(to, e.getValue());
            }
            r.removeAll();
            r.setAll(ordered);
        }
    }

    private static boolean needsMapping(ObjectNode r, Map<String, String> m) {
        for (String upstream : m.keySet()) if (r.has(upstream)) return true;
        return false;
    }

    private EndpointSchema schemaFor(String method, String path) {
        Map<String, EndpointSchema> paths = byPath.get(method);
        if (paths == null) paths = byPath.computeIfAbsent(method, m -> new ConcurrentHashMap<>());
        EndpointSchema s = paths.get(path);
        if (s != null) return s;
        s = endpoints.computeIfAbsent(Endpoints.of(method, path), EndpointSchema::new);
        if (paths.size() < MAX_CACHED_PATHS) paths.put(path, s);
        return s;
    }

    private static boolean saysJson(MeshResponse response) {
        String type = response.header("Content-Type");
        return type == null || type.contains("json");
    }

    private static boolean startsLikeJson(byte[] body) {
        for (byte b : body) {
            if (b == '{' || b == '[') return true;
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') return false;
        }
        return false;
    }

    private static JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    /** The learned schema of an endpoint (field → type, by known name), empty when none yet. */
    public Map<String, FieldType> schema(String endpoint) {
        EndpointSchema s = endpoints.get(endpoint);
        return s == null ? Map.of() : s.fields();
    }

    /** The learned mappings of an endpoint (upstream name → known name). */
    public Map<String, String> mappings(String endpoint) {
        EndpointSchema s = endpoints.get(endpoint);
        return s == null ? Map.of() : s.mappings;
    }

    /** Endpoints learned, drifts seen, active mappings (learned per endpoint plus explicit). */
    public Map<String, Object> status() {
        var out = new LinkedHashMap<String, Object>();
        long learned = 0;
        List<String> active = new ArrayList<>();
        for (EndpointSchema s : endpoints.values()) {
            if (s.isLearned()) learned++;
            s.mappings.forEach((from, to) -> active.add(s.endpoint + ": " + from + " → " + to));
        }
        config.mappings().forEach((from, to) -> active.add("*: " + from + " → " + to));
        active.sort(null);
        out.put("endpoints", learned);
        out.put("drifts", drifts.get());
        out.put("mappings", active.size());
        out.put("active_mappings", active.size() > 20 ? active.subList(0, 20) : active);
        return out;
    }
}
