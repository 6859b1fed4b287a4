package dev.gauntlet.mesh.internal.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.mesh.drift.FieldType;
import java.util.ArrayList;
import java.util.Arrays;
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
     * Whether the root's and every record's shape hash are in {@code known} (sorted), read straight from the bytes
     * without a parser or a tree, stopping at the first unknown one. Answers false (look closer) for anything it does
     * not read plainly: escaped or non-ASCII field names, malformed JSON, a body that is not JSON at all.
     */
    public static boolean allKnown(byte[] body, long[] known) {
        try {
            return new ShapeScanner(body).allKnown(known);
        } catch (ArrayIndexOutOfBoundsException e) {
            return false; // truncated: the tree parser will say what it is
        }
    }

    /**
     * Like {@link #allKnown}, but a list is read only up to the end of its first record (the envelope's fields after
     * the list, and the other records, are not read): the check for answers of an endpoint already learned, whose
     * records share one shape. A drift that reaches every record (a renamed field, as vendors ship them) shows in the
     * first; one that reaches only some records is left to the full checks (see {@code SchemaDrift}).
     */
    public static boolean leadKnown(byte[] body, long[] known) {
        try {
            return new ShapeScanner(body, true).allKnown(known);
        } catch (ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    static boolean contains(long[] sorted, long h) {
        return Arrays.binarySearch(sorted, h) >= 0;
    }

    static final long SEED = 0x9E3779B97F4A7C15L;
    static final long ARRAY_ROOT = 0x5BD1E9955BD1E995L;

    /** MurmurHash3's 64-bit finaliser over the name's hash and the type: summed, so order does not matter. */
    private static long mix(String name, FieldType type) {
        return mix(name.hashCode(), name.length(), type);
    }

    static long mix(int nameHash, int nameLength, FieldType type) {
        long k = ((long) nameHash << 8) ^ type.ordinal() ^ ((long) nameLength << 40);
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
