package dev.gauntlet.farm.vendor.salesforce;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.drift.DriftEngine;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.vendor.Call;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The fields of one sObject as Salesforce resolves them for one request. Field names are case-insensitive in
 * Salesforce, in SOQL and in JSON bodies alike ({@code name} is {@code Name}); the farm accepts any spelling and
 * stores and answers under the declared API name. After a rename drift (an admin changing a custom field's API
 * name) the new name resolves to the stored field too, and the old one keeps working, so a client that has not
 * adapted sees the drift in what it reads rather than an error. External ID fields are the resource's
 * {@code unique} fields (External ID + Unique) and the service's {@code ledger.op_id_fields} that the resource
 * declares (External ID, not unique): the fields a client names its logical writes with.
 */
final class SalesforceObjects {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final ResourceSpec resource;
    /** Every accepted spelling, lower-cased, to the stored API name. */
    private final Map<String, String> byLowerName;
    /** Stored API name to the name answers show it under now (a rename drift changes it). */
    private final Map<String, String> shownName;

    private final Set<String> externalIds;

    private SalesforceObjects(
            ResourceSpec resource,
            Map<String, String> byLowerName,
            Map<String, String> shownName,
            Set<String> externalIds) {
        this.resource = resource;
        this.byLowerName = byLowerName;
        this.shownName = shownName;
        this.externalIds = externalIds;
    }

    static SalesforceObjects of(Call call, ResourceSpec r) {
        Map<String, String> byLower = new LinkedHashMap<>();
        Map<String, String> shown = new LinkedHashMap<>();
        byLower.put(r.idField().toLowerCase(Locale.ROOT), r.idField());
        shown.put(r.idField(), r.idField());
        for (String f : r.fields().keySet()) {
            byLower.putIfAbsent(f.toLowerCase(Locale.ROOT), f);
            shown.put(f, f);
        }
        for (DriftEngine.RuleState state : call.service().drift().states()) {
            if (!state.active()
                    || (state.rule().resource() != null
                            && !state.rule().resource().equals(r.name()))) continue;
            state.rule().rename().forEach((from, to) -> {
                String stored = byLower.get(from.toLowerCase(Locale.ROOT));
                if (stored == null) return;
                byLower.putIfAbsent(to.toLowerCase(Locale.ROOT), stored);
                shown.put(stored, to);
            });
        }
        Set<String> external = new LinkedHashSet<>(r.unique());
        for (String path : call.service().spec().ledger().opIdFields()) {
            if (r.fields().containsKey(path)) external.add(path);
        }
        return new SalesforceObjects(r, byLower, shown, external);
    }

    /** The stored API name a field name (any case, old or drifted) stands for, or null when the object has none. */
    String resolve(String name) {
        return name == null ? null : byLowerName.get(name.toLowerCase(Locale.ROOT));
    }

    /** The External ID field a URL names, in its stored spelling, or null when the name is not one. */
    String externalId(String name) {
        String field = resolve(name);
        return field != null && externalIds.contains(field) ? field : null;
    }

    /** Whether an External ID field also has the Unique attribute (a unique index in the store). */
    boolean isUnique(String field) {
        return resource.unique().contains(field);
    }

    /**
     * A request body's fields under their stored API names, without the {@code attributes} object clients may send.
     * A field the object does not have is refused as Salesforce refuses it on create and update: 400 INVALID_FIELD
     * "No such column 'X' on sobject of type Account", with no {@code fields} array (answers recorded from a real org
     * in forcedotcom/sf-fx-runtime-java's test mappings create-invalid-field.json and update-invalid-field.json).
     */
    ObjectNode writable(ObjectNode body) {
        ObjectNode out = F.objectNode();
        for (var e : body.properties()) {
            if (e.getKey().equals("attributes")) continue;
            String field = resolve(e.getKey());
            if (field == null) {
                throw new SalesforceQuery.Invalid(
                        "INVALID_FIELD", "No such column '" + e.getKey() + "' on sobject of type " + resource.name());
            }
            out.set(field, e.getValue());
        }
        return out;
    }

    /**
     * The describe call's field list (REST API "sObject Describe", DescribeFieldResult): each field under the name
     * answers show now, with its type and the externalId, unique and idLookup flags clients use to pick an upsert key.
     */
    List<Map<String, Object>> describeFields() {
        List<Map<String, Object>> out = new ArrayList<>();
        out.add(describeField(resource.idField(), "id"));
        resource.fields().forEach((name, kind) -> {
            if (!name.equals(resource.idField())) out.add(describeField(name, kind));
        });
        return out;
    }

    private Map<String, Object> describeField(String stored, String kind) {
        String name = shownName.getOrDefault(stored, stored);
        boolean id = stored.equals(resource.idField());
        boolean custom = name.endsWith("__c");
        boolean external = externalIds.contains(stored);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("name", name);
        f.put("label", custom ? name.substring(0, name.length() - 3).replace('_', ' ') : name);
        f.put("type", id ? "id" : type(kind));
        f.put("custom", custom);
        f.put("nillable", !id);
        f.put("createable", !id);
        f.put("updateable", !id);
        f.put("externalId", external);
        f.put("unique", isUnique(stored));
        f.put("idLookup", id || external);
        return f;
    }

    /** The Salesforce field type a generator's values have (SOAP API "Field Types"). */
    private static String type(String kind) {
        return switch (kind) {
            case "money" -> "currency";
            case "int" -> "int";
            case "float" -> "double";
            case "bool" -> "boolean";
            case "timestamp" -> "datetime";
            case "date" -> "date";
            case "email" -> "email";
            case "phone" -> "phone";
            case "url" -> "url";
            default -> "string";
        };
    }
}
