package dev.gauntlet.mesh.drift;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The records of a JSON answer and the hash of their shapes (top-level field names and types). Records are the
 * answer itself, the elements of a top-level array (Supabase, GitHub lists), or what a common envelope carries:
 * Salesforce query {@code records}, Stripe list {@code data}, Mongo {@code documents} and {@code document}.
 */
public final class Shapes {
    private Shapes() {}

    /** A shape hash never equals this (so callers can use it as "none"). */
    public static final long NONE = 0;

    static boolean isEnvelopeArray(String name) {
        return name.equals("records") || name.equals("data") || name.equals("documents");
    }

    static boolean isEnvelopeObject(String name) {
        return name.equals("document");
    }

    /** The records of a parsed answer; an envelope's outer fields are not a record. */
    public static List<ObjectNode> records(JsonNode root) {
        List<ObjectNode> out = new ArrayList<>();
        if (root instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            for (JsonNode n : array) if (n instanceof ObjectNode o) out.add(o);
        } else if (root instanceof ObjectNode o) {
            if (!isEnvelope(o)) {
                out.add(o);
                return out;
            }
            for (var e : o.properties()) {
                if (e.getValue().isArray() && isEnvelopeArray(e.getKey())) {
                    for (JsonNode n : e.getValue()) if (n instanceof ObjectNode r) out.add(r);
                } else if (e.getValue().isObject() && isEnvelopeObject(e.getKey())) {
                    out.add((ObjectNode) e.getValue());
                }
            }
        }
        return out;
    }

    public static boolean isEnvelope(ObjectNode o) {
        for (var e : o.properties()) {
            if (e.getValue().isArray() && isEnvelopeArray(e.getKey())) return true;
            if (e.getValue().isObject() && isEnvelopeObject(e.getKey())) return true;
        }
        return false;
    }

    /** The shape hash of one object: order-independent, so a reordering is no drift. */
    public static long hash(ObjectNode o) {
        long h = SEED;
        for (var e : o.properties()) h += mix(e.getKey(), FieldType.of(e.getValue()));
        return h == NONE ? 1 : h;
    }

    /** The root's own shape hash (for an array: a constant); see {@link #hash(ObjectNode)}. */
    public static long rootHash(JsonNode root) {
        return root instanceof ObjectNode o ? hash(o) : ARRAY_ROOT;
    }

    /**
     * Streams the answer and tells whether the root's and every record's shape hash are in {@code known} (sorted),
     * without building a tree; stops at the first unknown one. Throws IOException when the body is not JSON.
     */
    public static boolean allKnown(JsonFactory factory, byte[] body, long[] known) throws IOException {
        try (JsonParser p = factory.createParser(body)) {
            JsonToken t = p.nextToken();
            if (t == JsonToken.START_ARRAY) {
                if (!contains(known, ARRAY_ROOT)) return false;
                return elementsKnown(p, known);
            }
            if (t != JsonToken.START_OBJECT) return true;
            long h = SEED;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                h += mix(name, FieldType.of(v));
                if (v == JsonToken.START_ARRAY && isEnvelopeArray(name)) {
                    if (!elementsKnown(p, known)) return false;
                } else if (v == JsonToken.START_OBJECT && isEnvelopeObject(name)) {
                    if (!contains(known, objectHash(p))) return false;
                } else if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
            }
            return contains(known, h == NONE ? 1 : h);
        }
    }

    private static boolean elementsKnown(JsonParser p, long[] known) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t == JsonToken.START_OBJECT) {
                if (!contains(known, objectHash(p))) return false;
            } else if (t == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
        return true;
    }

    /** Hashes the object the parser is at (after its START_OBJECT), consuming it. */
    private static long objectHash(JsonParser p) throws IOException {
        long h = SEED;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            h += mix(name, FieldType.of(v));
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) p.skipChildren();
        }
        return h == NONE ? 1 : h;
    }

    static boolean contains(long[] sorted, long h) {
        return java.util.Arrays.binarySearch(sorted, h) >= 0;
    }

    private static final long SEED = 0x9E3779B97F4A7C15L;
    private static final long ARRAY_ROOT = 0x5BD1E9955BD1E995L;

    /** MurmurHash3's 64-bit finaliser over the name's hash and the type: summed, so order does not matter. */
    private static long mix(String name, FieldType type) {
        long k = ((long) name.hashCode() << 8) ^ type.ordinal() ^ ((long) name.length() << 40);
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
