package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.vendor.Vendors;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The request shapes of each vendor flavour the built-in workflows use: a page of a list, a record to create with
 * the operation id where the farm's ledger looks for it. One place, so adding a flavour is one case per method.
 */
public final class Shapes {

    private Shapes() {}

    public static final String MONGO_ACTIONS = "/app/data-gauntlet/endpoint/data/v1/action/";

    /** The path of page {@code page} (0-based) of the flavour's main list, {@code size} records a page. */
    public static String listPage(String flavor, long page, int size) {
        long offset = page * size;
        return switch (flavor) {
            case "salesforce" ->
                "/services/data/v59.0/query?q="
                        + enc("SELECT Id, Name FROM Account ORDER BY Id LIMIT " + size + " OFFSET " + (offset % 1000));
            case "stripe" -> "/v1/customers?limit=" + size;
            case "github" ->
                "/repos/gauntlet/demo/issues?per_page=" + size + "&page=" + (1 + page % Math.max(1, 500 / size));
            case "supabase" -> "/rest/v1/accounts?select=*&order=id&limit=" + size + "&offset=" + (offset % 500);
            case "datadog" -> "/api/v1/metrics?from=0";
            case "mongodb" -> MONGO_ACTIONS + "find";
            default -> "/items?limit=" + size;
        };
    }

    /** The body of a list read that is a POST (MongoDB's Data API), else null. */
    public static Object listBody(String flavor, long page, int size) {
        if (!flavor.equals("mongodb")) return null;
        return Map.of(
                "dataSource",
                "Cluster0",
                "database",
                "gauntlet",
                "collection",
                "accounts",
                "limit",
                size,
                "skip",
                (page * size) % 1000);
    }

    /** A write as a workflow sends it: method, path, headers of its own, body. */
    public record Write(String method, String path, Map<String, String> headers, Object body) {}

    /**
     * One logical create of op {@code opId} in the vendor's native form for writing exactly once, carrying the op id
     * where the farm's ledger (its service YAML's op_id fields) and the mesh's read-back look for it:
     * Stripe: a keyed create ({@code metadata[op_id]}); Salesforce: the upsert by external id; Supabase: the upsert on
     * the unique {@code external_id} column; MongoDB: updateOne with {@code upsert: true} on the unique
     * {@code external_id}; GitHub: a plain create whose body carries the op id marker (read back after an ambiguous
     * failure); Datadog: a series tagged {@code op_id:} (read back likewise). docs/mesh.md has the table.
     */
    public static Write create(String flavor, String opId, long epochSeconds) {
        return switch (flavor) {
            case "salesforce" ->
                new Write(
                        "PATCH",
                        "/services/data/v59.0/sobjects/Account/External_Id__c/" + enc(opId),
                        Map.of(),
                        Map.of("Name", "Gauntlet " + opId, "Industry", "Testing"));
            case "stripe" ->
                new Write(
                        "POST",
                        "/v1/customers",
                        Map.of(),
                        Map.of("name", "Gauntlet " + opId, "metadata", Map.of("op_id", opId)));
            case "github" ->
                new Write(
                        "POST",
                        "/repos/gauntlet/demo/issues",
                        Map.of(),
                        Map.of(
                                "title",
                                "Gauntlet " + opId,
                                "body",
                                "written by the gauntlet\n\n"
                                        + Vendors.get("github").opIdMarker(opId)));
            case "supabase" ->
                new Write(
                        "POST",
                        "/rest/v1/accounts?on_conflict=external_id",
                        Map.of("Prefer", "resolution=merge-duplicates,return=representation"),
                        Map.of("name", "Gauntlet " + opId, "industry", "Testing", "external_id", opId));
            case "datadog" ->
                new Write(
                        "POST",
                        "/api/v2/series",
                        Map.of(),
                        Map.of(
                                "series",
                                List.of(Map.of(
                                        "metric",
                                        "gauntlet.ops",
                                        "type",
                                        1,
                                        "points",
                                        List.of(Map.of("timestamp", epochSeconds, "value", 1)),
                                        "tags",
                                        List.of("op_id:" + opId)))));
            case "mongodb" ->
                new Write(
                        "POST",
                        MONGO_ACTIONS + "updateOne",
                        Map.of(),
                        Map.of(
                                "dataSource",
                                "Cluster0",
                                "database",
                                "gauntlet",
                                "collection",
                                "accounts",
                                "filter",
                                Map.of("external_id", opId),
                                "update",
                                Map.of("$set", Map.of("name", "Gauntlet " + opId, "external_id", opId)),
                                "upsert",
                                true));
            default -> new Write("POST", "/items", Map.of(), Map.of("name", "Gauntlet " + opId, "op_id", opId));
        };
    }

    /** The same create as a plain one (no idempotent form): what an integration written without care sends. */
    public static Write plainCreate(String flavor, String opId, long epochSeconds) {
        return switch (flavor) {
            case "salesforce" ->
                new Write(
                        "POST",
                        "/services/data/v59.0/sobjects/Account",
                        Map.of(),
                        Map.of("Name", "Gauntlet " + opId, "Industry", "Testing", "External_Id__c", opId));
            case "supabase" ->
                new Write(
                        "POST",
                        "/rest/v1/accounts",
                        Map.of(),
                        Map.of("name", "Gauntlet " + opId, "industry", "Testing", "external_id", opId));
            case "mongodb" ->
                new Write(
                        "POST",
                        MONGO_ACTIONS + "insertOne",
                        Map.of(),
                        Map.of(
                                "dataSource",
                                "Cluster0",
                                "database",
                                "gauntlet",
                                "collection",
                                "accounts",
                                "document",
                                Map.of("name", "Gauntlet " + opId, "external_id", opId)));
            default -> create(flavor, opId, epochSeconds);
        };
    }

    /** How many records a list answer carries (0 when it is not a list answer). */
    public static int records(JsonNode json) {
        if (json == null) return 0;
        if (json.isArray()) return json.size();
        for (String field : List.of("records", "data", "documents", "metrics")) {
            if (json.path(field).isArray()) return json.path(field).size();
        }
        return 0;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
