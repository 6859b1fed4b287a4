package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
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
            case "salesforce" -> "/services/data/v59.0/query?q=" + enc("SELECT Id, account_name FROM Account ORDER BY Id LIMIT " + size + " OFFSET " + (offset % 1000));
            case "stripe" -> "/v1/customers?limit=" + size;
            case "github" -> "/repos/gauntlet/demo/issues?per_page=" + size + "&page=" + (1 + page % Math.max(1, 500 / size));
            case "supabase" -> "/rest/v1/accounts?select=*&order=id&limit=" + size + "&offset=" + (offset % 500);
            case "datadog" -> "/api/v1/metrics?from=0";
            case "mongodb" -> MONGO_ACTIONS + "find";
            default -> "/items?limit=" + size;
        };
    }

    /** The body of a list read that is a POST (MongoDB's Data API), else null. */
    public static Object listBody(String flavor, long page, int size) {
        if (!flavor.equals("mongodb")) return null;
        return Map.of("dataSource", "Cluster0", "database", "gauntlet", "collection", "accounts", "limit", size, "skip", (page * size) % 1000);
    }

    /** Method and path of a create. */
    public static String[] create(String flavor) {
        return switch (flavor) {
            case "salesforce" -> new String[] {"POST", "/services/data/v59.0/sobjects/Account"};
            case "stripe" -> new String[] {"POST", "/v1/customers"};
            case "github" -> new String[] {"POST", "/repos/gauntlet/demo/issues"};
            case "supabase" -> new String[] {"POST", "/rest/v1/accounts"};
            case "datadog" -> new String[] {"POST", "/api/v2/series"};
            case "mongodb" -> new String[] {"POST", MONGO_ACTIONS + "insertOne"};
            default -> new String[] {"POST", "/items"};
        };
    }

    /** A record to create carrying {@code opId} where the farm's ledger reads it (its service YAML's op_id_fields). */
    public static Object createBody(String flavor, String opId, long epochSeconds) {
        return switch (flavor) {
            case "salesforce" -> Map.of("account_name", "Gauntlet " + opId, "industry", "Testing", "external_id", opId);
            case "stripe" -> Map.of("name", "Gauntlet " + opId, "metadata", Map.of("op_id", opId));
            case "github" -> Map.of("title", "Gauntlet " + opId, "body", "written by the gauntlet", "external_id", opId);
            case "supabase" -> Map.of("name", "Gauntlet " + opId, "industry", "Testing", "external_id", opId);
            case "datadog" -> Map.of("series", List.of(Map.of("metric", "gauntlet.ops", "type", 1,
                    "points", List.of(Map.of("timestamp", epochSeconds, "value", 1)), "tags", List.of("op_id:" + opId))));
            case "mongodb" -> Map.of("dataSource", "Cluster0", "database", "gauntlet", "collection", "accounts",
                    "document", Map.of("name", "Gauntlet " + opId, "external_id", opId));
            default -> Map.of("name", "Gauntlet " + opId, "op_id", opId);
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
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
    }
}
