package dev.gauntlet.farm.admin;

import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.runtime.Farm;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.http.JsonSchemas;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds the OpenAPI 3.1 document: the admin API and every route of every running service. */
final class OpenApi {
    private OpenApi() {}

    private static final Pattern PARAM = Pattern.compile("\\{([^}.]+)(\\.\\.\\.)?}");

    static Map<String, Object> document(Farm farm, String serverUrl) {
        var paths = new LinkedHashMap<String, Map<String, Object>>();
        // The answers written from records get their generated schemas, as the farm's mapper writes them.
        var schemas = new JsonSchemas(Reply.JSON);
        Map<String, Object> status = schemas.of(AdminViews.FarmStatus.class);
        Map<String, Object> chaos = schemas.of(AdminViews.ChaosView.class);
        Map<String, Object> faults = schemas.of(AdminViews.FaultList.class);
        Map<String, Object> ledger = schemas.of(AdminViews.LedgerList.class);
        admin(
                paths,
                status,
                "get",
                "/admin/status",
                "Farm status: chaos level, and per service requests, faults by type, rate-limited answers, tokens issued and drift state; ground_truth: where the ledger and fault log are kept (memory, or files under --data restored at start)",
                "admin");
        admin(
                paths,
                chaos,
                "get",
                "/admin/chaos",
                "Current chaos levels, globally and per service, and the history of changes",
                "admin");
        admin(
                paths,
                Map.of(),
                "post",
                "/admin/chaos",
                "Set the chaos level: {\"level\":\"storm\",\"services\":[\"stripe_mock\"],\"duration_s\":60}",
                "admin");
        admin(
                paths,
                Map.of(),
                "post",
                "/admin/reset",
                "Regenerate records from the seed (or from {\"seed\": N}) and clear counters, tokens, logs (on disk too, with --data), drift and chaos. JSON or no body",
                "admin");
        admin(
                paths,
                faults,
                "get",
                "/admin/faults",
                "Fault log; filters service, client, type, after (seq), limit",
                "admin");
        admin(
                paths,
                Map.of(),
                "get",
                "/admin/faults/script",
                "Faults scripted for the next matching requests, not yet used up",
                "admin");
        admin(
                paths,
                Map.of(),
                "post",
                "/admin/faults/script",
                "Script a fault for the next matching requests: {\"service\":\"stripe_mock\",\"type\":\"truncate\",\"method\":\"POST\",\"path\":\"/v1/customers\",\"count\":1} (also status, after_commit, delay_ms)",
                "admin");
        admin(paths, Map.of(), "delete", "/admin/faults/script", "Drop every scripted fault", "admin");
        admin(
                paths,
                ledger,
                "get",
                "/admin/ledger",
                "Ledger of committed writes; filters service, duplicates=true",
                "admin");
        admin(paths, Map.of(), "get", "/admin/drift", "Drift rules and their state for every service", "admin");
        admin(
                paths,
                Map.of(),
                "post",
                "/admin/drift",
                "Fire a drift rule now: {\"service\":\"salesforce_mock\",\"rule\":0}",
                "admin");
        admin(paths, status, "post", "/admin/services/reload", "Re-read the services folder now", "admin");
        admin(
                paths,
                Map.of(),
                "post",
                "/oauth2/token",
                "OAuth 2.0 token endpoint (client_credentials, refresh_token) for every OAuth service: named by service= or resource= (its base URL, RFC 8707), else found by the credentials; credentials several services share get one token they all accept",
                "auth");
        for (ServiceRuntime s : farm.services()) {
            for (Route r : s.routes().routes()) {
                String path = s.spec().basePath()
                        + (r.template().openApi().equals("/")
                                ? ""
                                : r.template().openApi());
                var op = new LinkedHashMap<String, Object>();
                op.put("summary", s.id() + ": " + r.operation());
                op.put("tags", List.of(s.id()));
                op.put(
                        "operationId",
                        (s.id() + "_" + r.method() + "_" + r.operation()).replaceAll("[^A-Za-z0-9_]", "_"));
                var params = new ArrayList<Map<String, Object>>();
                Matcher m = PARAM.matcher(r.template().text());
                while (m.find()) {
                    params.add(Map.of(
                            "name", m.group(1), "in", "path", "required", true, "schema", Map.of("type", "string")));
                }
                if (!params.isEmpty()) op.put("parameters", params);
                if (r.write()) op.put("x-gauntlet-write", true);
                op.put(
                        "responses",
                        Map.of(
                                "default",
                                Map.of(
                                        "description",
                                        "The vendor's answer (" + s.spec().flavor() + " flavour)")));
                paths.computeIfAbsent(path, k -> new LinkedHashMap<>())
                        .put(r.method().toLowerCase(), op);
            }
        }
        var doc = new LinkedHashMap<String, Object>();
        doc.put("openapi", "3.1.0");
        doc.put(
                "info",
                Map.of(
                        "title",
                        "Gauntlet API Farm",
                        "version",
                        "1",
                        "description",
                        "Chaos SaaS simulator: admin API and the routes of every running service. Every route refuses a Host header that "
                                + "does not name this machine (403, DNS rebinding). State-changing admin routes take application/json only "
                                + "(or no body) and refuse another site's Origin or Sec-Fetch-Site: cross-site (403 {\"error\":\"forbidden\","
                                + "\"field\",\"message\"}). Input the farm cannot read (malformed %-escapes, an unknown charset, a broken "
                                + "chunked body, JSON nested over 1,000 levels, form keys over 100 brackets) is a 400 in the vendor's envelope, "
                                + "never a 5xx."));
        doc.put("servers", List.of(Map.of("url", serverUrl)));
        doc.put("paths", paths);
        doc.put("components", Map.of("schemas", schemas.components()));
        return doc;
    }

    /** An admin route; {@code schema} is its answer's (empty: any JSON, for the answers put together by hand). */
    private static void admin(
            Map<String, Map<String, Object>> paths,
            Map<String, Object> schema,
            String method,
            String path,
            String summary,
            String tag) {
        var op = new LinkedHashMap<String, Object>();
        op.put("summary", summary);
        op.put("tags", List.of(tag));
        var responses = new LinkedHashMap<String, Object>();
        responses.put(
                "200", Map.of("description", "OK", "content", Map.of("application/json", Map.of("schema", schema))));
        responses.put("400", Map.of("description", "Bad input; the body names the field"));
        boolean changing = AdminApi.STATE_CHANGING.contains(method.toUpperCase(Locale.ROOT) + " " + path);
        responses.put(
                "403",
                Map.of(
                        "description",
                        changing
                                ? "Refused by the browser guard: a Host that is not this machine, another site's Origin, Sec-Fetch-Site: cross-site, or a body that is not application/json; the body names the header"
                                : "Refused by the browser guard: a Host that is not this machine; the body names the header"));
        op.put("responses", responses);
        if (changing) op.put("x-gauntlet-browser-guard", "application/json only; same-site only");
        paths.computeIfAbsent(path, k -> new LinkedHashMap<>()).put(method, op);
    }
}
