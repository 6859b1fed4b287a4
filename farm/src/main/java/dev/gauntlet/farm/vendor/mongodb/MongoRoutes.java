package dev.gauntlet.farm.vendor.mongodb;

import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.MissingUniqueValue;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.bad;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.body;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.duplicateKey;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.duplicateKeyNode;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.duplicateOf;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.failed;
import static dev.gauntlet.farm.vendor.mongodb.MongoErrors.unknownCollectionWrite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The Data API's actions ({@code POST …/action/<name>}): find, findOne, aggregate, insert, update, replace and delete. */
final class MongoRoutes {
    private MongoRoutes() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Actions that only read. */
    private static final Set<String> READS = Set.of("find", "findOne", "aggregate");

    private static final List<String> ACTIONS = List.of(
            "find",
            "findOne",
            "insertOne",
            "insertMany",
            "updateOne",
            "updateMany",
            "replaceOne",
            "deleteOne",
            "deleteMany",
            "aggregate");

    /** Registers every action under each distinct resource path (collections share their path). */
    static void register(Service service, RouteTable table) {
        Set<String> paths = new LinkedHashSet<>();
        for (ResourceSpec r : service.spec().resources()) paths.add(r.path());
        for (String path : paths) {
            String base = path.equals("/") ? "" : path;
            for (String action : ACTIONS) {
                table.add(new Route(
                        "POST",
                        new PathTemplate(base + "/action/" + action),
                        action,
                        null,
                        true,
                        !READS.contains(action),
                        call -> action(call, service, path, action)));
            }
        }
    }

    private static Reply action(Call call, Service service, String path, String action) {
        JsonNode body;
        try {
            body = call.request().json();
        } catch (BadInput e) {
            return bad("Failed to parse request body as EJSON: " + e.getMessage());
        }
        if (!body.isObject()) return bad("request body must be a JSON object");
        for (String required : List.of("dataSource", "database", "collection")) {
            JsonNode v = body.get(required);
            if (v == null || !v.isTextual() || v.asText().isEmpty()) {
                return bad("invalid parameter: '" + required + "' is required and must be a non-empty string");
            }
        }
        String collection = body.get("collection").asText();
        ResourceSpec r = service.spec().resources().stream()
                .filter(x -> x.path().equals(path) && x.name().equals(collection))
                .findFirst()
                .orElse(null);
        boolean ejson = wantsEjson(call.request());
        try {
            return switch (action) {
                case "find" -> find(call, r, body, ejson);
                case "findOne" -> findOne(call, r, body, ejson);
                case "aggregate" -> aggregate(call, r, body, ejson);
                case "insertOne" -> insertOne(call, r, body, collection, ejson);
                case "insertMany" -> insertMany(call, r, body, collection, ejson);
                case "updateOne" -> update(call, r, body, collection, false, ejson);
                case "updateMany" -> update(call, r, body, collection, true, ejson);
                case "replaceOne" -> replaceOne(call, r, body, collection, ejson);
                case "deleteOne" -> delete(call, r, body, false);
                case "deleteMany" -> delete(call, r, body, true);
                default -> throw new IllegalStateException("unrouted action " + action);
            };
        } catch (MongoQuery.QueryError e) {
            return bad(e.getMessage());
        } catch (ResourceStore.UniqueViolation | MissingUniqueValue e) {
            // Nothing was written: the store refuses before storing.
            FarmError.Duplicate d = duplicateOf(e);
            return duplicateKey(failed(action), body.get("database").asText(), collection, d.field(), d.value());
        }
    }

    private static Reply find(Call call, ResourceSpec r, JsonNode body, boolean ejson) {
        ArrayNode out = F.arrayNode();
        // A collection that does not exist reads as empty, as in MongoDB.
        if (r == null) return Reply.json(200, F.objectNode().set("documents", out));
        int skip = nonNegative(body, "skip", 0);
        int limit = nonNegative(body, "limit", r.pagination().maxPageSize());
        if (limit == 0) limit = r.pagination().maxPageSize();
        limit = Math.min(limit, r.pagination().maxPageSize());
        JsonNode filter = body.get("filter");
        Comparator<ObjectNode> order = MongoQuery.sort(body.get("sort"));
        List<ObjectNode> docs;
        if ((filter == null || filter.isEmpty()) && order == null) {
            // The common walk pages straight out of the store instead of scanning it.
            docs = call.store(r.name()).page(skip, limit).records().stream()
                    .map(d -> call.present(r.name(), d))
                    .toList();
        } else {
            List<ObjectNode> all = MongoQuery.sorted(matching(call, r, filter), order);
            docs = skip >= all.size() ? List.of() : all.subList(skip, Math.min(all.size(), skip + limit));
        }
        for (ObjectNode d : docs) out.add(wire(MongoQuery.project(d, body.get("projection"), r.idField()), r, ejson));
        return Reply.json(200, F.objectNode().set("documents", out));
    }

    private static Reply findOne(Call call, ResourceSpec r, JsonNode body, boolean ejson) {
        ObjectNode doc = r == null ? null : first(call, r, body.get("filter"), body.get("sort"));
        ObjectNode out = F.objectNode();
        out.set(
                "document",
                doc == null
                        ? F.nullNode()
                        : wire(MongoQuery.project(doc, body.get("projection"), r.idField()), r, ejson));
        return Reply.json(200, out);
    }

    /** A small aggregation subset: $match, $sort, $skip, $limit, $project and $count, in pipeline order. */
    private static Reply aggregate(Call call, ResourceSpec r, JsonNode body, boolean ejson) {
        JsonNode pipeline = body.get("pipeline");
        if (pipeline == null || !pipeline.isArray())
            return bad("invalid parameter: 'pipeline' is required and must be an array");
        List<ObjectNode> docs = r == null ? new ArrayList<>() : matching(call, r, null);
        String idField = r == null ? "_id" : r.idField();
        for (JsonNode stage : pipeline) {
            if (!stage.isObject() || stage.size() != 1)
                return bad("(Location40323) A pipeline stage specification object must contain exactly one field.");
            String name = stage.fieldNames().next();
            JsonNode arg = stage.get(name);
            switch (name) {
                case "$match" ->
                    docs = docs.stream()
                            .filter(d -> MongoQuery.matches(d, arg))
                            .collect(Collectors.toCollection(ArrayList::new));
                case "$sort" -> docs = new ArrayList<>(MongoQuery.sorted(docs, MongoQuery.sort(arg)));
                case "$skip" ->
                    docs = new ArrayList<>(docs.subList(
                            Math.min(
                                    docs.size(),
                                    Math.max(0, MongoQuery.plain(arg).asInt())),
                            docs.size()));
                case "$limit" ->
                    docs = new ArrayList<>(docs.subList(
                            0,
                            Math.min(
                                    docs.size(),
                                    Math.max(0, MongoQuery.plain(arg).asInt()))));
                case "$project" ->
                    docs = docs.stream()
                            .map(d -> MongoQuery.project(d, arg, idField))
                            .collect(Collectors.toCollection(ArrayList::new));
                case "$count" -> {
                    ObjectNode c = F.objectNode().put(arg.asText(), docs.size());
                    docs = docs.isEmpty() ? new ArrayList<>() : new ArrayList<>(List.of(c));
                }
                default -> {
                    return bad("the farm's Data API supports $match, $sort, $skip, $limit, $project and $count; " + name
                            + " is not supported");
                }
            }
        }
        ArrayNode out = F.arrayNode();
        for (ObjectNode d : docs) out.add(r == null ? d : wire(d, r, ejson));
        return Reply.json(200, F.objectNode().set("documents", out));
    }

    private static Reply insertOne(Call call, ResourceSpec r, JsonNode body, String collection, boolean ejson) {
        JsonNode doc = body.get("document");
        if (doc == null || !doc.isObject())
            return bad("invalid parameter: 'document' is required and must be an object");
        if (r == null) return unknownCollectionWrite(collection);
        // No idempotency keys in the Data API: a retried insertOne is a second document, unless a unique index refuses
        // it.
        ObjectNode created = insert(call.store(r.name()), r, (ObjectNode) MongoQuery.plain(doc));
        String id = created.path(r.idField()).asText();
        call.commitWithOpId(r.name(), "create", call.opIdOf(body), id);
        return Reply.json(201, F.objectNode().set("insertedId", oid(id, ejson)));
    }

    /**
     * insertMany is ordered, as MongoDB's insertMany is by default ("Execution of Operations"): on a duplicate key the
     * documents before it stay inserted and the rest are not tried. The error answer lists the inserted ones' ids in
     * {@code insertedIds}, as MongoDB's bulk write error carries them, so a client knows what to resend.
     */
    private static Reply insertMany(Call call, ResourceSpec r, JsonNode body, String collection, boolean ejson) {
        JsonNode docs = body.get("documents");
        if (docs == null || !docs.isArray() || docs.isEmpty())
            return bad("invalid parameter: 'documents' is required and must be a non-empty array");
        for (JsonNode d : docs)
            if (!d.isObject()) return bad("invalid parameter: every element of 'documents' must be an object");
        if (r == null) return unknownCollectionWrite(collection);
        ArrayNode ids = F.arrayNode();
        for (JsonNode d : docs) {
            ObjectNode created;
            try {
                created = insert(call.store(r.name()), r, (ObjectNode) MongoQuery.plain(d));
            } catch (ResourceStore.UniqueViolation | MissingUniqueValue e) {
                FarmError.Duplicate dup = duplicateOf(e);
                ObjectNode error = duplicateKeyNode(
                        failed("insertMany"), body.get("database").asText(), collection, dup.field(), dup.value());
                error.set("insertedIds", ids);
                return Reply.json(409, error);
            }
            String id = created.path(r.idField()).asText();
            call.commitWithOpId(r.name(), "create", call.opIdOf(d), id);
            ids.add(oid(id, ejson));
        }
        return Reply.json(201, F.objectNode().set("insertedIds", ids));
    }

    /**
     * Adds a document. A unique index holds a document that lacks its field as null, so MongoDB lets only one such
     * document in (MongoDB manual, Unique Indexes, "Missing Document Field in a Unique Single-Field Index"); the farm's
     * store indexes values only, so that check is made here, under the store's lock.
     */
    private static ObjectNode insert(ResourceStore store, ResourceSpec r, ObjectNode doc) {
        if (r.unique().isEmpty()) return store.create(doc);
        synchronized (store) {
            for (String field : r.unique()) {
                // A kept count of the documents without the field, not a scan of them all on every insert.
                if (isMissing(doc.get(field)) && store.count(missing(field), MISSING) > 0)
                    throw new MissingUniqueValue(field);
            }
            return store.create(doc);
        }
    }

    private static final String MISSING = "missing";

    /** The documents by whether they lack a unique field (MISSING) or hold it (null key). */
    private static ResourceStore.Tally missing(String field) {
        return new ResourceStore.Tally("mongo:missing:" + field, d -> isMissing(d.get(field)) ? MISSING : null);
    }

    private static boolean isMissing(JsonNode v) {
        return v == null || v.isNull() || v.isMissingNode();
    }

    /** A filter that is one equality on a unique field ({@code {"external_id":"x"}} or with {@code $eq}): an index lookup. */
    private record UniqueKey(String field, String value) {
        /** Whether a document carries this key as the same text, so the store's upsert by it makes that document. */
        boolean carriedBy(ObjectNode doc) {
            JsonNode v = doc.get(field);
            return v != null && v.isTextual() && v.asText().equals(value);
        }
    }

    private static UniqueKey uniqueKey(ResourceSpec r, JsonNode filter) {
        if (filter == null || filter.size() != 1) return null;
        var e = filter.properties().iterator().next();
        if (!r.unique().contains(e.getKey())) return null;
        JsonNode v = e.getValue();
        if (v.isObject() && v.size() == 1 && v.has("$eq")) v = v.get("$eq");
        v = MongoQuery.plain(v);
        return v != null && v.isTextual() ? new UniqueKey(e.getKey(), v.asText()) : null;
    }

    /** The documents an upsert looks at: the unique key's one record, or the filter's matches (the first for a ...One). */
    private static List<ObjectNode> upsertTargets(
            Call call, ResourceSpec r, JsonNode filter, UniqueKey key, boolean many) {
        if (key != null) {
            ObjectNode found = call.store(r.name()).findUnique(key.field(), key.value());
            return found == null ? List.of() : List.of(call.present(r.name(), found));
        }
        return many ? matching(call, r, filter) : optional(first(call, r, filter, null));
    }

    /** Inserts an upsert's new document: through the store's upsert when the filter pins a unique key the document keeps. */
    private static ResourceStore.Upserted insertUpserted(Call call, ResourceSpec r, UniqueKey key, ObjectNode doc) {
        ResourceStore store = call.store(r.name());
        if (key != null && key.carriedBy(doc)) return store.upsert(key.field(), key.value(), doc);
        return new ResourceStore.Upserted(insert(store, r, doc), true);
    }

    /** An upsert's answer when it inserted: nothing matched, nothing modified, the new document's id. */
    private static Reply upsertedAnswer(Call call, ResourceSpec r, ResourceStore.Upserted u, boolean ejson) {
        // The op id of an upsert is the written document's (its external_id): a retry finds its own record.
        call.upserted(r.name(), call.opIdOf(u.record()), u);
        ObjectNode out = F.objectNode();
        out.put("matchedCount", 0);
        out.put("modifiedCount", 0);
        out.set("upsertedId", oid(u.record().path(r.idField()).asText(), ejson));
        return Reply.json(200, out);
    }

    private static Reply update(
            Call call, ResourceSpec r, JsonNode body, String collection, boolean many, boolean ejson) {
        JsonNode filter = body.get("filter");
        JsonNode update = body.get("update");
        if (filter == null || !filter.isObject())
            return bad("invalid parameter: 'filter' is required and must be an object");
        if (update == null || !update.isObject())
            return bad("invalid parameter: 'update' is required and must be an object");
        if (body.path("upsert").asBoolean(false)) {
            if (r == null) return unknownCollectionWrite(collection);
            return upsertUpdate(call, r, filter, update, many, ejson);
        }
        String opId = updateOpId(call, body);
        List<ObjectNode> targets = new ArrayList<>();
        if (r != null) {
            if (many) targets.addAll(matching(call, r, filter));
            else {
                ObjectNode one = first(call, r, filter, null);
                if (one != null) targets.add(one);
            }
        }
        int modified = 0;
        for (ObjectNode doc : targets) {
            ObjectNode patch = MongoQuery.changes(doc, update, false, r.idField());
            // An update that changes nothing is matched but not modified, and writes nothing to the ledger.
            if (patch.isEmpty()) continue;
            String id = doc.path(r.idField()).asText();
            if (call.store(r.name()).update(id, patch) == null) continue;
            call.commitWithOpId(r.name(), "update", opId, id);
            modified++;
        }
        ObjectNode out = F.objectNode();
        out.put("matchedCount", targets.size());
        out.put("modifiedCount", modified);
        return Reply.json(200, out);
    }

    /**
     * updateOne/updateMany with {@code "upsert": true}, the Data API's idempotent write: the matched documents are
     * updated, or, when none matches, one is inserted made of the filter's equalities with the update applied
     * ({@code $setOnInsert} included; MongoDB manual, "Upsert Behavior"). A filter that is an equality on a unique field
     * finds-or-creates through the store's atomic upsert. The find and the write happen under the store's own lock (its
     * writes take the same lock), so two concurrent upserts never both insert - whatever the filter. MongoDB itself
     * promises that only when the filter's fields have a unique index ("Upsert with Duplicate Values"); without one,
     * concurrent upserts can insert duplicates there, which the farm does not reproduce.
     */
    private static Reply upsertUpdate(
            Call call, ResourceSpec r, JsonNode filter, JsonNode update, boolean many, boolean ejson) {
        UniqueKey key = uniqueKey(r, filter);
        ResourceStore store = call.store(r.name());
        synchronized (store) {
            List<ObjectNode> targets = upsertTargets(call, r, filter, key, many);
            if (targets.isEmpty()) {
                ObjectNode seed = MongoQuery.equalities(filter);
                ObjectNode doc = seed.deepCopy();
                doc.setAll(MongoQuery.changes(seed, update, true, r.idField()));
                doc.remove(r.idField());
                return upsertedAnswer(call, r, insertUpserted(call, r, key, doc), ejson);
            }
            int modified = 0;
            for (ObjectNode doc : targets) {
                ObjectNode patch = MongoQuery.changes(doc, update, false, r.idField());
                ObjectNode now = doc;
                if (!patch.isEmpty()) {
                    now = key != null
                            ? store.upsert(key.field(), key.value(), patch).record()
                            : store.update(doc.path(r.idField()).asText(), patch);
                    modified++;
                }
                // A retried upsert that finds the record its first attempt made is reapplied in the ledger, not
                // committed again.
                call.upserted(r.name(), call.opIdOf(now), new ResourceStore.Upserted(now, false));
            }
            ObjectNode out = F.objectNode();
            out.put("matchedCount", targets.size());
            out.put("modifiedCount", modified);
            return Reply.json(200, out);
        }
    }

    /**
     * replaceOne: the first matching document's fields become the replacement's (its {@code _id} stays); with
     * {@code "upsert": true} and no match the replacement itself is inserted - the filter's equalities are not copied
     * into it, as in MongoDB ("Upsert with replaceOne"), so a replacement that should be found again carries its key.
     */
    private static Reply replaceOne(Call call, ResourceSpec r, JsonNode body, String collection, boolean ejson) {
        JsonNode filter = body.get("filter");
        JsonNode given = body.get("replacement");
        if (filter == null || !filter.isObject())
            return bad("invalid parameter: 'filter' is required and must be an object");
        if (given == null || !given.isObject())
            return bad("invalid parameter: 'replacement' is required and must be an object");
        ObjectNode replacement = (ObjectNode) MongoQuery.plain(given);
        for (String field : (Iterable<String>) replacement::fieldNames) {
            if (field.startsWith("$")) return bad("Replacement document must not contain atomic operators");
        }
        boolean upsert = body.path("upsert").asBoolean(false);
        if (r == null) {
            return upsert
                    ? unknownCollectionWrite(collection)
                    : Reply.json(200, F.objectNode().put("matchedCount", 0).put("modifiedCount", 0));
        }
        UniqueKey key = uniqueKey(r, filter);
        ResourceStore store = call.store(r.name());
        synchronized (store) {
            List<ObjectNode> targets = upsertTargets(call, r, filter, key, false);
            if (targets.isEmpty()) {
                if (!upsert)
                    return Reply.json(200, F.objectNode().put("matchedCount", 0).put("modifiedCount", 0));
                // The farm mints ids, so a replacement's own _id is not kept on insert.
                replacement.remove(r.idField());
                return upsertedAnswer(call, r, insertUpserted(call, r, key, replacement), ejson);
            }
            ObjectNode target = targets.getFirst();
            String id = target.path(r.idField()).asText();
            JsonNode newId = replacement.remove(r.idField());
            if (newId != null && !newId.asText().equals(id)) {
                return bad("After applying the update, the (immutable) field '" + r.idField()
                        + "' was found to have been altered to " + r.idField() + ": \"" + newId.asText() + "\"");
            }
            ObjectNode current = target.deepCopy();
            current.remove(r.idField());
            boolean changed = !current.equals(replacement);
            ObjectNode now = changed ? store.replace(id, replacement) : target;
            if (upsert) call.upserted(r.name(), call.opIdOf(now), new ResourceStore.Upserted(now, false));
            else if (changed) call.commitWithOpId(r.name(), "replace", call.opIdOf(now), id);
            return Reply.json(200, F.objectNode().put("matchedCount", 1).put("modifiedCount", changed ? 1 : 0));
        }
    }

    private static Reply delete(Call call, ResourceSpec r, JsonNode body, boolean many) {
        JsonNode filter = body.get("filter");
        if (filter == null || !filter.isObject())
            return bad("invalid parameter: 'filter' is required and must be an object");
        int deleted = 0;
        if (r != null) {
            List<ObjectNode> targets = many ? matching(call, r, filter) : optional(first(call, r, filter, null));
            String opId = textAt(filter, "external_id");
            for (ObjectNode doc : targets) {
                String id = doc.path(r.idField()).asText();
                if (call.store(r.name()).delete(id) == null) continue;
                call.commitWithOpId(r.name(), "delete", opId, id);
                deleted++;
            }
        }
        return Reply.json(200, F.objectNode().put("deletedCount", deleted));
    }

    // ---- helpers ----

    private static List<ObjectNode> matching(Call call, ResourceSpec r, JsonNode filter) {
        List<ObjectNode> out = new ArrayList<>();
        // An _id equality is a key lookup, not a scan.
        JsonNode idEq = filter == null ? null : filter.get(r.idField());
        if (idEq != null && filter.size() == 1 && (idEq.isTextual() || (idEq.isObject() && idEq.has("$oid")))) {
            ObjectNode d = call.store(r.name()).get(MongoQuery.plain(idEq).asText());
            if (d != null) out.add(call.present(r.name(), d));
            return out;
        }
        // An equality on a unique field, text, while no drift renames fields: the unique index holds the only
        // candidate.
        String only = filter == null || filter.size() != 1
                ? null
                : filter.fieldNames().next();
        if (only != null
                && r.unique().contains(only)
                && filter.get(only).isTextual()
                && call.service().drift().activeCount() == 0) {
            ObjectNode d =
                    call.store(r.name()).findUnique(only, filter.get(only).asText());
            if (d != null && MongoQuery.matches(d, filter)) out.add(d);
            return out;
        }
        for (ObjectNode raw : call.store(r.name()).all()) {
            ObjectNode d = call.present(r.name(), raw);
            if (MongoQuery.matches(d, filter)) out.add(d);
        }
        return out;
    }

    private static ObjectNode first(Call call, ResourceSpec r, JsonNode filter, JsonNode sort) {
        List<ObjectNode> all = MongoQuery.sorted(matching(call, r, filter), MongoQuery.sort(sort));
        return all.isEmpty() ? null : all.getFirst();
    }

    private static List<ObjectNode> optional(ObjectNode doc) {
        return doc == null ? List.of() : List.of(doc);
    }

    /** The op id of an update: {@code update.$set.external_id}, else the filter's {@code external_id}, else the YAML paths. */
    private static String updateOpId(Call call, JsonNode body) {
        String id = textAt(body.path("update").path("$set"), "external_id");
        if (id == null) id = textAt(body.path("filter"), "external_id");
        return id != null ? id : call.opIdOf(body);
    }

    private static String textAt(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v != null && v.isValueNode() && !v.isNull() && !v.asText().isEmpty() ? v.asText() : null;
    }

    private static int nonNegative(JsonNode body, String field, int fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) return fallback;
        JsonNode p = MongoQuery.plain(v);
        if (!p.isNumber() || p.asLong() < 0)
            throw new MongoQuery.QueryError("invalid parameter: '" + field + "' must be a non-negative number");
        return (int) Math.min(Integer.MAX_VALUE, p.asLong());
    }

    /** {@code Accept: application/ejson} gets canonical ObjectIds; plain JSON gets them as strings, as the Data API does. */
    private static boolean wantsEjson(FarmRequest request) {
        String accept = request.header("Accept");
        return accept != null && accept.contains("application/ejson");
    }

    private static JsonNode oid(String id, boolean ejson) {
        return ejson ? F.objectNode().put("$oid", id) : F.textNode(id);
    }

    private static ObjectNode wire(ObjectNode doc, ResourceSpec r, boolean ejson) {
        if (!ejson || !doc.has(r.idField())) return doc;
        ObjectNode out = doc.deepCopy();
        out.set(r.idField(), oid(doc.get(r.idField()).asText(), true));
        return out;
    }
}
