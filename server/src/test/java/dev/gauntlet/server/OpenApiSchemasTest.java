package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.vendor.Vendors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document's answer schemas are generated from the records the answers are written from: they name exactly
 * the fields the AAM sends (checked against live answers: metrics, DLQ, vendors, health, connectors, drift, workflows,
 * scenarios, runs), and the UI's hand-written TypeScript types of those answers (ui/src/api/types.ts) name exactly the
 * schemas' fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiSchemasTest {

    /** Each UI type checked, and the schema (components/schemas) it must match. */
    static final Map<String, String> UI_TYPE_TO_SCHEMA = Map.ofEntries(
            Map.entry("MetricsSnapshot", "MetricsSnapshot"),
            Map.entry("MetricsFigures", "ConnectorSnapshot"),
            Map.entry("MetricsLatency", "Latency"),
            Map.entry("DlqList", "Listing"),
            Map.entry("DlqEntry", "EntryView"),
            Map.entry("DlqEntryDetail", "EntryDetail"),
            Map.entry("DlqAttempt", "Attempt"),
            Map.entry("ReplayOutcome", "Replay"),
            Map.entry("VendorList", "VendorList"),
            Map.entry("Connector", "ConnectorView"),
            Map.entry("ConnectorStatus", "ConnectorStatus"),
            Map.entry("DriftOverview", "DriftOverview"),
            Map.entry("Named", "Named"),
            Map.entry("RunSummary", "RunSummary"),
            Map.entry("RunDetail", "RunDetail"),
            Map.entry("RunLive", "Live"),
            Map.entry("ReplayJob", "ReplayJob"),
            // (BucketView is not here: /health's limits is the limits backend's own map, so it has no schema.)
            Map.entry("NodeView", "NodeView"));

    /** Each UI type of a farm admin answer checked, and the farm's schema it must match. */
    static final Map<String, String> UI_TYPE_TO_FARM_SCHEMA = Map.of(
            "FarmStatus", "FarmStatus",
            "FarmService", "ServiceStatus",
            "FarmChaos", "ChaosView",
            "ChaosHistoryItem", "ChaosChange",
            "FarmServiceError", "ServiceError");

    @TempDir
    static Path data;

    AamFixture f;
    JsonNode doc;
    JsonNode farmDoc;

    @BeforeAll
    void start() {
        f = new AamFixture(data, b -> b.allowEgress("loopback"));
        doc = json(f.get("/openapi.json"));
        farmDoc = farm("/openapi.json");
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @Test
    void shouldDescribeTheAnswersAsTheyAreSent() {
        String id = f.parkedWrite("nowhere", "op-schema-1");

        JsonNode metrics = json(f.get("/metrics"));
        assertWrittenAs(metrics, answerSchema("/metrics", "get"));
        assertWrittenAs(metrics.path("overall"), "ConnectorSnapshot");
        assertWrittenAs(metrics.path("overall").path("latency"), "Latency");

        JsonNode list = json(f.get("/dlq?connector=nowhere"));
        assertWrittenAs(list, answerSchema("/dlq", "get"));
        assertWrittenAs(list.path("entries").get(0), "EntryView");
        JsonNode one = json(f.get("/dlq/" + id));
        assertWrittenAs(one, answerSchema("/dlq/{id}", "get"));
        assertWrittenAs(one.path("history").get(0), "Attempt");
        JsonNode vendors = json(f.get("/vendors"));
        assertWrittenAs(vendors, answerSchema("/vendors", "get"));
        assertThat(texts(vendors.path("vendors"))).isEqualTo(Vendors.names());
        JsonNode replay = json(f.send("POST", "/dlq/" + id + "/replay", null));
        assertWrittenAs(replay, answerSchema("/dlq/{id}/replay", "post"));

        JsonNode job = json(f.send("POST", "/dlq/replay?connector=nowhere", null));
        assertWrittenAs(job, answerSchema("/dlq/replay", "post"));
        assertThat(job.has("started")).isTrue();
        JsonNode jobs = json(f.get("/dlq/replays"));
        assertWrittenAs(jobs, answerSchema("/dlq/replays", "get"));
        assertWrittenAs(jobs.path("jobs").get(0), "ReplayJob");
        assertWrittenAs(
                json(f.get("/dlq/replays/" + job.path("id").asText())), answerSchema("/dlq/replays/{job}", "get"));
    }

    @Test
    void shouldDescribeTheConnectorsHealthAndDriftAsTheyAreSent() {
        JsonNode health = json(f.get("/health"));
        assertWrittenAs(health, answerSchema("/health", "get"));
        assertWrittenAs(health.path("store"), "StoreView");
        assertWrittenAs(health.path("store").path("write_behind"), "WriteBehindStats");
        assertWrittenAs(health.path("process"), "ProcessFigures");

        JsonNode connectors = json(f.get("/connectors"));
        assertWrittenAs(connectors, answerSchema("/connectors", "get"));
        assertThat(connectors.path("connectors").size()).isPositive();
        connectors.path("connectors").forEach(c -> assertWrittenAs(c, "ConnectorView"));
        assertWrittenAs(json(f.get("/connectors/stripe_mock")), answerSchema("/connectors/{id}", "get"));
        JsonNode status = json(f.get("/connectors/stripe_mock/status"));
        assertWrittenAs(status, answerSchema("/connectors/{id}/status", "get"));
        assertThat(status.path("stages").size()).isPositive();

        JsonNode drift = json(f.get("/drift"));
        assertWrittenAs(drift, answerSchema("/drift", "get"));
        assertWrittenAs(drift.path("connectors").path("stripe_mock"), "DriftView");
    }

    @Test
    void shouldDescribeTheRunsAsTheyAreSent() {
        JsonNode workflows = json(f.get("/workflows"));
        assertWrittenAs(workflows, answerSchema("/workflows", "get"));
        assertWrittenAs(workflows.path("workflows").get(0), "Named");
        JsonNode scenarios = json(f.get("/scenarios"));
        assertWrittenAs(scenarios, answerSchema("/scenarios", "get"));
        assertWrittenAs(scenarios.path("scenarios").get(0), "Named");

        HttpResponse<String> started = f.send(
                "POST",
                "/workflows/run",
                "{\"workflow\":\"idempotent_write\",\"connectors\":[\"stripe_mock\"],\"rate\":5,\"duration\":\"1s\",\"chaos\":\"calm\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).path("id").asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> json(f.get("/runs/" + id)).path("live").has("ops"));
        JsonNode running = json(f.get("/runs/" + id));
        assertWrittenAs(running, answerSchema("/runs/{id}", "get"));
        assertWrittenAs(running.path("live"), "Live");
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !json(f.get("/runs/" + id)).path("state").asText().equals("running"));
        assertWrittenAs(json(f.get("/runs/" + id)), "RunDetail");
        JsonNode runs = json(f.get("/runs"));
        assertWrittenAs(runs, answerSchema("/runs", "get"));
        runs.path("runs").forEach(r -> assertWrittenAs(r, "RunSummary"));
    }

    /**
     * The answer names only the schema's properties, and every required one: a property the schema says may be left
     * out (e.g. /health's degraded-store fields) may be absent.
     */
    private void assertWrittenAs(JsonNode answer, String component) {
        assertWrittenAs(doc, answer, component);
    }

    private static void assertWrittenAs(JsonNode doc, JsonNode answer, String component) {
        Set<String> fields = fieldsOf(answer);
        assertThat(schemaFields(doc, component))
                .as("the schema " + component + " names every field of " + answer)
                .containsAll(fields);
        assertThat(fields)
                .as("the answer " + answer + " has every required field of " + component)
                .containsAll(required(doc, component));
    }

    private static List<String> required(JsonNode doc, String component) {
        return texts(doc.path("components").path("schemas").path(component).path("required"));
    }

    @Test
    void shouldDescribeTheFarmsAdminAnswersAsTheyAreSent() {
        farmChaos("{\"level\":\"calm\",\"duration_s\":60}");
        JsonNode status = farm("/admin/status");
        assertWrittenAs(farmDoc, status, answerSchema(farmDoc, "/admin/status", "get", "200"));
        assertWrittenAs(farmDoc, status.path("chaos"), "ChaosView");
        assertWrittenAs(farmDoc, status.path("chaos").path("history").get(0), "ChaosChange");
        assertThat(status.path("services").size()).isPositive();
        status.path("services").forEach(s -> assertWrittenAs(farmDoc, s, "ServiceStatus"));
        assertWrittenAs(farmDoc, status.path("ledger"), "LedgerCounts");
        assertWrittenAs(farmDoc, status.path("ground_truth"), "GroundTruth");
        assertWrittenAs(farmDoc, status.path("process"), "ProcessFigures");
        JsonNode chaos = farm("/admin/chaos");
        assertWrittenAs(farmDoc, chaos, answerSchema(farmDoc, "/admin/chaos", "get", "200"));

        // A write through the mesh to the farm puts one entry in the ledger.
        HttpResponse<String> write = f.send(HttpRequest.newBuilder(f.uri("/proxy/stripe_mock/v1/customers"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Gauntlet-Op-Id", "op-schema-ledger")
                .POST(HttpRequest.BodyPublishers.ofString("email=schema%40example.com")));
        assertThat(write.statusCode()).as(write.body()).isEqualTo(200);
        JsonNode ledger = farm("/admin/ledger?service=stripe_mock");
        assertWrittenAs(farmDoc, ledger, answerSchema(farmDoc, "/admin/ledger", "get", "200"));
        assertThat(ledger.path("entries").size()).isPositive();
        ledger.path("entries").forEach(e -> assertWrittenAs(farmDoc, e, "LedgerEntry"));

        // A scripted fault, used up by the next matching call, is in the fault log.
        HttpResponse<String> scripted = f.send(
                HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/faults/script"))
                        .header("Content-Type", "application/json")
                        .POST(
                                HttpRequest.BodyPublishers.ofString(
                                        "{\"service\":\"stripe_mock\",\"type\":\"server_error\",\"status\":503,\"method\":\"GET\",\"count\":1}")));
        assertThat(scripted.statusCode()).as(scripted.body()).isEqualTo(201);
        f.get("/proxy/stripe_mock/v1/customers");
        JsonNode faults = farm("/admin/faults?service=stripe_mock");
        assertWrittenAs(farmDoc, faults, answerSchema(farmDoc, "/admin/faults", "get", "200"));
        assertThat(faults.path("entries").size()).isPositive();
        faults.path("entries").forEach(e -> assertWrittenAs(farmDoc, e, "FaultEntry"));
    }

    @Test
    void shouldHaveTheUiTypesNameTheSchemasFields() throws IOException {
        Map<String, Set<String>> ui = uiTypes(Files.readString(Path.of("..", "ui", "src", "api", "types.ts")));
        var soft = new SoftAssertions();
        UI_TYPE_TO_SCHEMA.forEach((type, schema) -> soft.assertThat(ui.get(type))
                .as("the fields of the UI's " + type + " (ui/src/api/types.ts) and of the OpenAPI schema " + schema)
                .isEqualTo(schemaFields(doc, schema)));
        UI_TYPE_TO_FARM_SCHEMA.forEach((type, schema) -> soft.assertThat(ui.get(type))
                .as("the fields of the UI's " + type + " (ui/src/api/types.ts) and of the farm's OpenAPI schema "
                        + schema)
                .isEqualTo(schemaFields(farmDoc, schema)));
        soft.assertAll();
    }

    private JsonNode farm(String path) {
        return json(
                f.send(HttpRequest.newBuilder(URI.create(f.farm.url() + path)).GET()));
    }

    private void farmChaos(String body) {
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/chaos"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The name of the component the 2XX answer of an AAM route refers to. */
    private String answerSchema(String path, String method) {
        return answerSchema(doc, path, method, "2XX");
    }

    /** The name of the component the success answer of a route refers to. */
    private static String answerSchema(JsonNode doc, String path, String method, String status) {
        JsonNode schema = doc.path("paths")
                .path(path)
                .path(method)
                .path("responses")
                .path(status)
                .path("content")
                .path("application/json")
                .path("schema");
        String ref = schema.path("$ref").asText();
        assertThat(ref).as(path + " has a generated schema").startsWith("#/components/schemas/");
        return ref.substring("#/components/schemas/".length());
    }

    private static Set<String> schemaFields(JsonNode doc, String component) {
        JsonNode schema = doc.path("components").path("schemas").path(component);
        assertThat(schema.isObject()).as("schema " + component).isTrue();
        Set<String> out = new LinkedHashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> fieldsOf(JsonNode answer) {
        assertThat(answer.isObject()).as(answer.toString()).isTrue();
        Set<String> out = new LinkedHashSet<>();
        answer.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static final Pattern INTERFACE =
            Pattern.compile("export interface (\\w+)(?: extends (\\w+))? \\{\\n(.*?)\\n}", Pattern.DOTALL);
    /** A field at the interface's top level (two spaces in), not an index signature. */
    private static final Pattern FIELD = Pattern.compile("^  ([a-z_0-9]+)\\??:", Pattern.MULTILINE);

    /** The field names of every {@code export interface} in the file, those of the interface it extends included. */
    static Map<String, Set<String>> uiTypes(String ts) {
        Map<String, Set<String>> own = new LinkedHashMap<>();
        Map<String, String> parents = new LinkedHashMap<>();
        Matcher m = INTERFACE.matcher(ts);
        while (m.find()) {
            Set<String> fields = new LinkedHashSet<>();
            Matcher f = FIELD.matcher(m.group(3));
            while (f.find()) fields.add(f.group(1));
            own.put(m.group(1), fields);
            if (m.group(2) != null) parents.put(m.group(1), m.group(2));
        }
        Map<String, Set<String>> all = new LinkedHashMap<>();
        for (String name : own.keySet()) {
            Set<String> fields = new LinkedHashSet<>();
            List<String> chain = new ArrayList<>();
            for (String n = name; n != null && !chain.contains(n); n = parents.get(n)) chain.add(n);
            for (String n : chain.reversed()) fields.addAll(own.getOrDefault(n, Set.of()));
            all.put(name, fields);
        }
        return all;
    }
}
