package dev.gauntlet.server;

import dev.gauntlet.http.JsonSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The OpenAPI 3.1 document of the AAM API, built from the routes actually registered. */
final class OpenApi {

    private static final Pattern PARAM = Pattern.compile("\\{([^}]+)}|<([^>]+)>");

    private OpenApi() {}

    static Map<String, Object> document(List<Endpoints.Endpoint> endpoints, String url) {
        JsonSchemas schemas = new JsonSchemas(Json.MAPPER);
        Map<String, Object> paths = new LinkedHashMap<>();
        for (Endpoints.Endpoint e : endpoints) {
            String path =
                    PARAM.matcher(e.path()).replaceAll(m -> "{" + (m.group(1) != null ? m.group(1) : m.group(2)) + "}");
            @SuppressWarnings("unchecked")
            Map<String, Object> item = (Map<String, Object>) paths.computeIfAbsent(path, k -> new LinkedHashMap<>());
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("summary", e.summary());
            op.put("operationId", e.method().toLowerCase(Locale.ROOT) + path.replaceAll("[^A-Za-z0-9]+", "_"));
            List<Map<String, Object>> params = new ArrayList<>();
            Matcher m = PARAM.matcher(e.path());
            while (m.find()) {
                boolean rest = m.group(2) != null;
                params.add(Map.of(
                        "name",
                        rest ? m.group(2) : m.group(1),
                        "in",
                        "path",
                        "required",
                        true,
                        "description",
                        rest ? "the rest of the upstream path (may contain '/'), plus the query string" : "an id",
                        "schema",
                        Map.of("type", "string")));
            }
            if (!params.isEmpty()) op.put("parameters", params);
            if (e.body() != null) {
                op.put(
                        "requestBody",
                        Map.of(
                                "description",
                                e.body(),
                                "content",
                                Map.of("application/json", Map.of("schema", Map.of("type", "object")))));
            }
            String type = e.answers().contains("/") ? e.answers() : "application/json";
            Map<String, Object> responses = new LinkedHashMap<>();
            Map<String, Object> schema = e.response() == null ? Map.of() : schemas.of(e.response());
            responses.put("2XX", Map.of("description", e.answers(), "content", Map.of(type, Map.of("schema", schema))));
            responses.put(
                    "4XX",
                    Map.of(
                            "description",
                            "refused: {\"error\",\"field\",\"message\"} (400 names the field; 404 unknown id; 409 conflict)",
                            "content",
                            Map.of(
                                    "application/json",
                                    Map.of("schema", Map.of("$ref", "#/components/schemas/Error")))));
            op.put("responses", responses);
            item.put(e.method().toLowerCase(Locale.ROOT), op);
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("openapi", "3.1.0");
        doc.put(
                "info",
                Map.of(
                        "title",
                        "AAM Gauntlet: Adaptive API Mesh",
                        "version",
                        "1",
                        "description",
                        "Connectors, runs, metrics, events and the egress proxy of the mesh."));
        doc.put("servers", List.of(Map.of("url", url)));
        doc.put("paths", paths);
        Map<String, Object> components = new LinkedHashMap<>(schemas.components());
        components.put(
                "Error",
                Map.of(
                        "type",
                        "object",
                        "required",
                        List.of("error", "message"),
                        "properties",
                        Map.of(
                                "error",
                                Map.of("type", "string"),
                                "field",
                                Map.of("type", List.of("string", "null")),
                                "message",
                                Map.of("type", "string"))));
        doc.put("components", Map.of("schemas", components));
        return doc;
    }
}
