package dev.gauntlet.farm.vendor.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.vendor.SafeRegex;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * The part of MongoDB's query language the farm's Data API understands: Extended JSON values, query filters
 * (equality, $eq $ne $gt $gte $lt $lte $in $nin $exists $regex, $and $or $nor), projections, sorts and the update
 * operators $set, $inc and $setOnInsert.
 */
final class MongoQuery {
    private MongoQuery() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Set<String> EJSON_WRAPPERS =
            Set.of("$oid", "$date", "$numberInt", "$numberLong", "$numberDouble", "$numberDecimal");

    /** A request the query language refuses; rendered as the Data API's 400. */
    static final class QueryError extends RuntimeException {
        QueryError(String message) {
            super(message, null, false, false);
        }
    }

    // ---- Extended JSON ----

    /** An EJSON value (canonical or relaxed) as the plain value the farm stores: ObjectIds and dates as strings. */
    static JsonNode plain(JsonNode v) {
        try {
            return unwrap(v);
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new QueryError("invalid Extended JSON value " + v + ": " + e.getMessage());
        }
    }

    private static JsonNode unwrap(JsonNode v) {
        if (v == null) return null;
        if (v.isObject()) {
            if (v.size() == 1) {
                String k = v.fieldNames().next();
                JsonNode inner = v.get(k);
                switch (k) {
                    case "$oid" -> {
                        return F.textNode(inner.asText());
                    }
                    case "$numberInt", "$numberLong" -> {
                        return F.numberNode(Long.parseLong(inner.asText()));
                    }
                    case "$numberDouble", "$numberDecimal" -> {
                        return F.numberNode(new BigDecimal(inner.asText()));
                    }
                    case "$date" -> {
                        JsonNode d = unwrap(inner);
                        return F.textNode(
                                d.isNumber()
                                        ? Instant.ofEpochMilli(d.asLong()).toString()
                                        : Instant.parse(d.asText()).toString());
                    }
                    default -> {}
                }
            }
            ObjectNode out = F.objectNode();
            v.properties().forEach(e -> out.set(e.getKey(), unwrap(e.getValue())));
            return out;
        }
        if (v.isArray()) {
            ArrayNode out = F.arrayNode();
            v.forEach(x -> out.add(unwrap(x)));
            return out;
        }
        return v;
    }

    private static boolean isOperatorObject(JsonNode cond) {
        if (!cond.isObject() || cond.isEmpty()) return false;
        String first = cond.fieldNames().next();
        return first.startsWith("$") && !EJSON_WRAPPERS.contains(first);
    }

    // ---- filters ----

    static boolean matches(ObjectNode doc, JsonNode filter) {
        if (filter == null || filter.isNull() || filter.isEmpty()) return true;
        if (!filter.isObject()) throw new QueryError("filter must be an object");
        for (var e : filter.properties()) {
            String key = e.getKey();
            JsonNode cond = e.getValue();
            switch (key) {
                case "$and" -> {
                    for (JsonNode sub : array(key, cond)) if (!matches(doc, sub)) return false;
                }
                case "$or" -> {
                    boolean any = false;
                    for (JsonNode sub : array(key, cond)) any |= matches(doc, sub);
                    if (!any) return false;
                }
                case "$nor" -> {
                    for (JsonNode sub : array(key, cond)) if (matches(doc, sub)) return false;
                }
                default -> {
                    if (key.startsWith("$")) throw new QueryError("(BadValue) unknown top level operator: " + key);
                    if (!fieldMatches(get(doc, key), cond)) return false;
                }
            }
        }
        return true;
    }

    private static JsonNode array(String op, JsonNode v) {
        if (!v.isArray() || v.isEmpty()) throw new QueryError("(BadValue) " + op + " must be a nonempty array");
        return v;
    }

    private static boolean fieldMatches(JsonNode value, JsonNode cond) {
        if (!isOperatorObject(cond)) return equalsOrContains(value, plain(cond));
        for (var op : cond.properties()) {
            JsonNode arg = plain(op.getValue());
            boolean ok = switch (op.getKey()) {
                case "$eq" -> equalsOrContains(value, arg);
                case "$ne" -> !equalsOrContains(value, arg);
                case "$gt" -> ordered(value, arg, c -> c > 0);
                case "$gte" -> ordered(value, arg, c -> c >= 0);
                case "$lt" -> ordered(value, arg, c -> c < 0);
                case "$lte" -> ordered(value, arg, c -> c <= 0);
                case "$in" -> in(value, arg, "$in");
                case "$nin" -> !in(value, arg, "$nin");
                case "$exists" -> (value != null) == arg.asBoolean();
                case "$regex" -> regex(value, arg, cond.path("$options").asText(""));
                case "$options" -> true;
                default -> throw new QueryError("(BadValue) unknown operator: " + op.getKey());
            };
            if (!ok) return false;
        }
        return true;
    }

    private static boolean in(JsonNode value, JsonNode list, String op) {
        if (!list.isArray()) throw new QueryError("(BadValue) " + op + " needs an array");
        for (JsonNode candidate : list) if (equalsOrContains(value, candidate)) return true;
        return false;
    }

    /**
     * {@code $regex} with {@code $options} i (case), m (anchors at lines), s (dot matches newline), matched in linear time
     * ({@link SafeRegex}; MongoDB's PCRE would backtrack on a hostile pattern, as java.util.regex did here).
     */
    private static boolean regex(JsonNode value, JsonNode pattern, String options) {
        if (value == null || !value.isTextual()) return false;
        int flags = (options.contains("i") ? com.google.re2j.Pattern.CASE_INSENSITIVE : 0)
                | (options.contains("m") ? com.google.re2j.Pattern.MULTILINE : 0)
                | (options.contains("s") ? com.google.re2j.Pattern.DOTALL : 0);
        try {
            return SafeRegex.compile(pattern.asText(), flags)
                    .matcher(value.asText())
                    .find();
        } catch (SafeRegex.Invalid e) {
            throw new QueryError("(BadValue) Regular expression is invalid: " + e.getMessage());
        }
    }

    /** Mongo equality: {@code null} matches a missing field, and an array field matches when one element does. */
    private static boolean equalsOrContains(JsonNode value, JsonNode target) {
        if (target == null || target.isNull()) return value == null || value.isNull();
        if (value == null) return false;
        if (value.isArray() && !target.isArray()) {
            for (JsonNode v : value) if (same(v, target)) return true;
            return false;
        }
        return same(value, target);
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue()) == 0;
        return a.equals(b);
    }

    /** Comparison operators only compare values of the same type bracket (numbers with numbers, strings with strings). */
    private static boolean ordered(JsonNode value, JsonNode arg, IntPredicate test) {
        Integer c = compare(value, arg);
        return c != null && test.test(c);
    }

    private static Integer compare(JsonNode a, JsonNode b) {
        if (a == null || b == null || a.isNull() || b.isNull()) return null;
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
        if (a.isTextual() && b.isTextual()) return a.asText().compareTo(b.asText());
        if (a.isBoolean() && b.isBoolean()) return Boolean.compare(a.booleanValue(), b.booleanValue());
        return null;
    }

    /** A dotted path's value, or null when absent. */
    static JsonNode get(JsonNode doc, String path) {
        JsonNode node = doc;
        for (String part : path.split("\\.")) {
            if (node == null || !node.isObject()) return null;
            node = node.get(part);
        }
        return node;
    }

    /** The equality fields of a filter, which an upsert copies into the new document. */
    static ObjectNode equalities(JsonNode filter) {
        ObjectNode out = F.objectNode();
        if (filter == null || !filter.isObject()) return out;
        for (var e : filter.properties()) {
            if (e.getKey().startsWith("$") || e.getKey().contains(".")) continue;
            JsonNode v = e.getValue();
            if (!isOperatorObject(v)) out.set(e.getKey(), plain(v));
            else if (v.has("$eq")) out.set(e.getKey(), plain(v.get("$eq")));
        }
        return out;
    }

    // ---- sort and projection ----

    static Comparator<ObjectNode> sort(JsonNode sort) {
        if (sort == null || sort.isNull() || sort.isEmpty()) return null;
        Comparator<ObjectNode> c = null;
        for (var e : sort.properties()) {
            String field = e.getKey();
            int dir = plain(e.getValue()).asInt();
            if (dir != 1 && dir != -1)
                throw new QueryError("(BadValue) bad sort specification: " + field + " must be 1 or -1");
            Comparator<ObjectNode> one = (x, y) -> {
                JsonNode a = get(x, field);
                JsonNode b = get(y, field);
                // Missing and null sort before everything else ascending (BSON type order).
                boolean an = a == null || a.isNull();
                boolean bn = b == null || b.isNull();
                int cmp;
                if (an || bn) cmp = an && bn ? 0 : (an ? -1 : 1);
                else {
                    Integer k = compare(a, b);
                    cmp = k != null ? k : Integer.compare(bracket(a), bracket(b));
                }
                return dir * cmp;
            };
            c = c == null ? one : c.thenComparing(one);
        }
        return c;
    }

    private static int bracket(JsonNode v) {
        if (v.isNumber()) return 1;
        if (v.isTextual()) return 2;
        if (v.isObject()) return 3;
        if (v.isArray()) return 4;
        return 5;
    }

    /** Inclusion ({@code {a:1}}, keeps _id unless {@code _id:0}) or exclusion ({@code {a:0}}); mixing them is refused. */
    static ObjectNode project(ObjectNode doc, JsonNode projection, String idField) {
        if (projection == null || projection.isNull() || projection.isEmpty()) return doc;
        Boolean inclusion = null;
        boolean keepId = true;
        for (var e : projection.properties()) {
            JsonNode v = plain(e.getValue());
            boolean on = v.isBoolean() ? v.booleanValue() : v.asInt(1) != 0;
            if (e.getKey().equals(idField)) {
                keepId = on;
                continue;
            }
            if (inclusion == null) inclusion = on;
            else if (inclusion != on) {
                throw new QueryError("Cannot do " + (on ? "inclusion" : "exclusion") + " on field " + e.getKey()
                        + " in " + (inclusion ? "inclusion" : "exclusion") + " projection");
            }
        }
        ObjectNode out = F.objectNode();
        if (inclusion == null || inclusion) {
            if (keepId && doc.has(idField)) out.set(idField, doc.get(idField));
            if (inclusion != null) {
                for (var e : projection.properties()) {
                    if (!e.getKey().equals(idField) && doc.has(e.getKey())) out.set(e.getKey(), doc.get(e.getKey()));
                }
            } else {
                doc.properties().forEach(e -> {
                    if (!e.getKey().equals(idField)) out.set(e.getKey(), e.getValue());
                });
            }
            return out;
        }
        for (var e : doc.properties()) {
            if (e.getKey().equals(idField) ? keepId : !projection.has(e.getKey())) out.set(e.getKey(), e.getValue());
        }
        return out;
    }

    // ---- updates ----

    /**
     * The top-level fields an update document changes in {@code doc} (empty when nothing changes). The farm's store
     * merges top-level fields and cannot remove one, so $unset and the array operators are refused rather than faked.
     */
    static ObjectNode changes(ObjectNode doc, JsonNode update, boolean inserting, String idField) {
        if (update == null || !update.isObject() || update.isEmpty())
            throw new QueryError("update must be a non-empty object");
        ObjectNode next = doc.deepCopy();
        for (var e : update.properties()) {
            String op = e.getKey();
            if (!op.startsWith("$")) throw new QueryError("Update document requires atomic operators");
            JsonNode args = e.getValue();
            if (!args.isObject())
                throw new QueryError("Modifiers operate on fields but we found type "
                        + args.getNodeType().name().toLowerCase() + " instead");
            for (var f : args.properties()) {
                String path = f.getKey();
                if (path.equals(idField) || path.startsWith(idField + ".")) {
                    throw new QueryError("Performing an update on the path '" + idField
                            + "' would modify the immutable field '" + idField + "'");
                }
                JsonNode value = plain(f.getValue());
                switch (op) {
                    case "$set" -> set(next, path, value);
                    case "$setOnInsert" -> {
                        if (inserting) set(next, path, value);
                    }
                    case "$inc" -> {
                        if (!value.isNumber())
                            throw new QueryError(
                                    "Cannot increment with non-numeric argument: {" + path + ": " + value + "}");
                        JsonNode old = get(next, path);
                        if (old != null && !old.isNull() && !old.isNumber()) {
                            throw new QueryError("Cannot apply $inc to a value of non-numeric type. {_id: "
                                    + doc.path(idField) + "} has the field '" + path + "' of non-numeric type "
                                    + old.getNodeType().name().toLowerCase());
                        }
                        BigDecimal sum = (old == null || old.isNull() ? BigDecimal.ZERO : old.decimalValue())
                                .add(value.decimalValue());
                        set(
                                next,
                                path,
                                old != null && old.isIntegralNumber() && value.isIntegralNumber()
                                        ? F.numberNode(sum.longValue())
                                        : F.numberNode(sum));
                    }
                    default ->
                        throw new QueryError("the farm's Data API supports $set, $inc and $setOnInsert; " + op
                                + " is not supported");
                }
            }
        }
        ObjectNode patch = F.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = next.properties().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().equals(doc.get(e.getKey()))) patch.set(e.getKey(), e.getValue());
        }
        return patch;
    }

    private static void set(ObjectNode doc, String path, JsonNode value) {
        String[] parts = path.split("\\.");
        ObjectNode node = doc;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode)) {
                child = F.objectNode();
                node.set(parts[i], child);
            }
            node = (ObjectNode) child;
        }
        node.set(parts[parts.length - 1], value);
    }

    /** The documents' list in a sort order, stable for equal keys. */
    static List<ObjectNode> sorted(List<ObjectNode> docs, Comparator<ObjectNode> order) {
        if (order == null) return docs;
        List<ObjectNode> out = new ArrayList<>(docs);
        out.sort(order);
        return out;
    }
}
