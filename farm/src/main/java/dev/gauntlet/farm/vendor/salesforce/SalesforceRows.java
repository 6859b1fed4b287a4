package dev.gauntlet.farm.vendor.salesforce;

import static dev.gauntlet.farm.vendor.salesforce.SalesforceErrors.sfError;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ResourceSpec.Operation;
import dev.gauntlet.farm.vendor.Call;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Salesforce's sObject resources over one resource's records: basic info, describe, rows by id (get, create,
 * update, delete) and rows by External ID (get, upsert). Bodies are checked against the object's fields as
 * {@link SalesforceObjects} resolves them; nothing is stored when a check fails.
 */
final class SalesforceRows {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private SalesforceRows() {}

    /** The row as Salesforce shows it: "attributes" first, then its fields, schema drift applied. */
    static ObjectNode row(Call call, ResourceSpec r, ObjectNode stored) {
        ObjectNode out = F.objectNode();
        out.set("attributes", attributes(r, stored.path(r.idField()).asText()));
        stored.properties().forEach(e -> out.set(e.getKey(), e.getValue()));
        return call.present(r.name(), out);
    }

    static ObjectNode attributes(ResourceSpec r, String id) {
        ObjectNode a = F.objectNode();
        a.put("type", r.name());
        a.put("url", recordUrl(r, id));
        return a;
    }

    private static String recordUrl(ResourceSpec r, String id) {
        return r.path() + "/" + id;
    }

    // ---------------------------------------------------------------- basic info and describe

    static Reply basicInfo(Call call, ResourceSpec r) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("objectDescribe", objectDescribe(r));
        List<ObjectNode> recent = call.store(r.name()).page(0, 5).records().stream()
                .map(n -> row(call, r, n))
                .toList();
        body.put("recentItems", recent);
        return Reply.json(200, body);
    }

    private static Map<String, Object> objectDescribe(ResourceSpec r) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("activateable", false);
        d.put("createable", r.offers(Operation.create));
        d.put("custom", r.name().endsWith("__c"));
        d.put("deletable", r.offers(Operation.delete));
        d.put("keyPrefix", SalesforceIds.keyPrefix(r.name()));
        d.put("label", r.name());
        d.put("labelPlural", r.name() + "s");
        d.put("name", r.name());
        d.put("queryable", true);
        d.put("retrieveable", r.offers(Operation.get));
        d.put("updateable", r.offers(Operation.update));
        Map<String, String> urls = new LinkedHashMap<>();
        urls.put("sobject", r.path());
        urls.put("describe", r.path() + "/describe");
        urls.put("rowTemplate", r.path() + "/{ID}");
        d.put("urls", urls);
        return d;
    }

    static Reply describe(Call call, ResourceSpec r) {
        Map<String, Object> body = objectDescribe(r);
        body.put("fields", SalesforceObjects.of(call, r).describeFields());
        return Reply.json(200, body);
    }

    // ---------------------------------------------------------------- rows by id

    static Reply get(Call call, ResourceSpec r) {
        String id = SalesforceIds.normalizeId(call.request().pathParam("id"));
        ObjectNode stored = call.store(r.name()).get(id);
        if (stored == null) return noRow(id);
        String wanted = call.request().query("fields");
        if (wanted == null || wanted.isBlank()) return Reply.json(200, row(call, r, stored));
        // ?fields=a,b narrows the row, as the sObject Rows resource documents.
        SalesforceObjects schema = SalesforceObjects.of(call, r);
        ObjectNode out = F.objectNode();
        out.set("attributes", attributes(r, id));
        for (String raw : wanted.split(",")) {
            String name = raw.trim();
            String actual = schema.resolve(name);
            if (actual == null)
                return sfError(400, "INVALID_FIELD", "No such column '" + name + "' on sobject of type " + r.name());
            out.set(actual, stored.path(actual).isMissingNode() ? F.nullNode() : stored.get(actual));
        }
        return Reply.json(200, call.present(r.name(), out));
    }

    static Reply create(Call call, ResourceSpec r) {
        ObjectNode fields;
        try {
            fields = SalesforceObjects.of(call, r).writable(body(call));
        } catch (SalesforceQuery.Invalid e) {
            return sfError(400, e.errorCode, e.getMessage());
        }
        // A taken unique External ID makes the store refuse (nothing stored); the pipeline renders it DUPLICATE_VALUE.
        ObjectNode created = call.store(r.name()).create(fields);
        String id = created.path(r.idField()).asText();
        call.commit(r.name(), "create", fields, id);
        return saveResult(201, id, null).header("Location", recordUrl(r, id));
    }

    static Reply update(Call call, ResourceSpec r) {
        String id = SalesforceIds.normalizeId(call.request().pathParam("id"));
        ObjectNode fields;
        try {
            fields = SalesforceObjects.of(call, r).writable(body(call));
        } catch (SalesforceQuery.Invalid e) {
            return sfError(400, e.errorCode, e.getMessage());
        }
        if (call.store(r.name()).update(id, fields) == null) return noRow(id);
        call.commit(r.name(), "update", fields, id);
        return Reply.empty(204);
    }

    static Reply delete(Call call, ResourceSpec r) {
        String id = SalesforceIds.normalizeId(call.request().pathParam("id"));
        if (call.store(r.name()).delete(id) == null) return noRow(id);
        JsonNode body = null;
        try {
            body = call.request().json();
        } catch (BadInput ignored) {
            // A DELETE carries no body in Salesforce's API; an unreadable one just means no operation id.
        }
        call.commitWithOpId(r.name(), "delete", call.opIdOf(body), id);
        return Reply.empty(204);
    }

    /**
     * No row under this id. Salesforce reads a last path segment that is not shaped like an id (15 or 18 base-62
     * characters) as an external id value and says so ("Provided external ID field does not exist or is not
     * accessible: INVALID ID", as client libraries' tests record it); an id-shaped one is "The requested resource
     * does not exist" (REST API "Status Codes and Error Responses", 404).
     */
    private static Reply noRow(String id) {
        return SalesforceIds.isIdShaped(id) ? SalesforceErrors.notFound() : noExternalIdField(id);
    }

    /** REST API "Upsert Records Using sObject Rows by External ID": a field that is not an External ID is a 404. */
    private static Reply noExternalIdField(String name) {
        return sfError(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + name);
    }

    /** The request body as a JSON object, or Salesforce's JSON_PARSER_ERROR. */
    private static ObjectNode body(Call call) {
        try {
            return call.request().jsonObject();
        } catch (BadInput e) {
            throw new SalesforceQuery.Invalid("JSON_PARSER_ERROR", e.getMessage());
        }
    }

    /** SaveResult (and UpsertResult when {@code created} is given): id, success, errors[, created]. */
    private static Reply saveResult(int status, String id, Boolean created) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("success", true);
        body.put("errors", List.of());
        if (created != null) body.put("created", created);
        return Reply.json(status, body);
    }

    // ---------------------------------------------------------------- rows by External ID

    /** {@code GET …/sobjects/Account/External_Id__c/{value}}: the one row with that value (REST API "sObject Rows by External ID"). */
    static Reply getByExternalId(Call call, ResourceSpec r) {
        String name = call.request().pathParam("field");
        String field = SalesforceObjects.of(call, r).externalId(name);
        if (field == null) return noExternalIdField(name);
        List<ObjectNode> matches =
                matching(call.store(r.name()), field, call.request().pathParam("value"));
        if (matches.isEmpty()) return SalesforceErrors.notFound();
        if (matches.size() > 1) return multipleChoices(r, matches);
        return Reply.json(200, row(call, r, matches.getFirst()));
    }

    /**
     * {@code PATCH …/sobjects/Account/External_Id__c/{value}}: Salesforce's upsert (REST API Developer Guide, "Insert or
     * Update (Upsert) a Record Using an External ID"). No record with the value: one is created with the body's fields
     * and the value, 201; one: it is updated, 200 (API version 46.0 and later: the UpsertResult body with
     * {@code "created": false} instead of an empty 204); several (an External ID without the Unique attribute): 300
     * with the matching records' URLs, nothing written. The find and the write are one step: writes to the store are
     * held while it runs, so concurrent upserts of one value make one record, and the ledger is written in the same
     * step, so a retried upsert always finds the commit that made its record (reapplied, never a second commit).
     */
    static Reply upsert(Call call, ResourceSpec r) {
        SalesforceObjects schema = SalesforceObjects.of(call, r);
        String name = call.request().pathParam("field");
        String value = call.request().pathParam("value");
        String field = schema.externalId(name);
        if (field == null) return noExternalIdField(name);
        ObjectNode fields;
        try {
            fields = schema.writable(body(call));
        } catch (SalesforceQuery.Invalid e) {
            return sfError(400, e.errorCode, e.getMessage());
        }
        Reply refused = refusedUpsertBody(r, fields, field, value);
        if (refused != null) return refused;
        fields.remove(field);

        ResourceStore store = call.store(r.name());
        ResourceStore.Upserted result;
        synchronized (store) {
            if (schema.isUnique(field)) {
                result = store.upsert(field, value, fields);
            } else {
                List<ObjectNode> matches = matching(store, field, value);
                if (matches.size() > 1) return multipleChoices(r, matches);
                ObjectNode updated = matches.isEmpty()
                        ? null
                        : store.update(matches.getFirst().path(r.idField()).asText(), fields);
                if (updated != null) {
                    result = new ResourceStore.Upserted(updated, false);
                } else {
                    ObjectNode withKey = fields.deepCopy();
                    withKey.put(field, value);
                    result = new ResourceStore.Upserted(store.create(withKey), true);
                }
            }
            // The op id of an upsert is the External ID value (ledger.op_id_fields names the field).
            call.upserted(r.name(), value, result);
        }
        String id = result.record().path(r.idField()).asText();
        Reply reply = saveResult(result.created() ? 201 : 200, id, result.created());
        return result.created() ? reply.header("Location", recordUrl(r, id)) : reply;
    }

    /**
     * The upsert body may not name the record another way: "Do not specify Id or an external ID field in the request
     * body or an error is generated" (REST API Developer Guide v55.0, "Upsert Records Using sObject Rows by External
     * ID"; later versions take the URL's field in the body when it carries the URL's value). The error's text is not
     * documented; the farm answers in Salesforce's envelope with the codes Salesforce uses for such fields.
     */
    private static Reply refusedUpsertBody(ResourceSpec r, ObjectNode fields, String field, String value) {
        if (fields.has(r.idField())) {
            return SalesforceErrors.dmlError(
                    400,
                    "INVALID_FIELD_FOR_INSERT_UPDATE",
                    "Unable to create/update fields: " + r.idField()
                            + ". Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                    List.of(r.idField()));
        }
        JsonNode inBody = fields.get(field);
        if (inBody != null && !(inBody.isValueNode() && inBody.asText().equals(value))) {
            return SalesforceErrors.dmlError(
                    400,
                    "INVALID_FIELD",
                    "The value of " + field + " in the request body (" + inBody
                            + ") differs from the value in the URL ('" + value + "')",
                    List.of(field));
        }
        return null;
    }

    /** Records whose {@code field} holds {@code value} exactly: the unique index when there is one, else a scan. */
    private static List<ObjectNode> matching(ResourceStore store, String field, String value) {
        if (store.spec().unique().contains(field)) {
            ObjectNode one = store.findUnique(field, value);
            return one == null ? List.of() : List.of(one);
        }
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode n : store.all()) {
            JsonNode v = n.get(field);
            if (v != null && v.isValueNode() && !v.isNull() && v.asText().equals(value)) out.add(n);
        }
        return out;
    }

    /**
     * 300 Multiple Choices: "The value returned when an external ID exists in more than one record. The response body
     * contains the list of matching records." (REST API "Status Codes and Error Responses").
     */
    private static Reply multipleChoices(ResourceSpec r, List<ObjectNode> matches) {
        return Reply.json(
                300,
                matches.stream()
                        .map(n -> recordUrl(r, n.path(r.idField()).asText()))
                        .toList());
    }
}
