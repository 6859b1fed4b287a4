package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The API's contract, endpoint by endpoint, including how it refuses bad input. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AamApiTest {

    @TempDir
    static Path data;

    AamFixture f;

    @BeforeAll
    void start() {
        // Its connectors reach a closed loopback port on purpose (an unreachable upstream).
        f = new AamFixture(data, b -> b.allowEgress("loopback"));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private static void assertRefused(HttpResponse<String> r, int status, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonNode body = json(r);
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank();
        if (field != null) assertThat(body.path("field").asText()).isEqualTo(field);
    }

    @Test
    void shouldReportHealthWithTheConnectorCountAndTheFarm() {
        JsonNode h = json(f.get("/health"));
        assertThat(h.path("status").asText()).isEqualTo("ok");
        assertThat(h.path("connectors").asInt()).isEqualTo(6);
        assertThat(h.path("farm").asText()).isEqualTo(f.farm.url());
        assertThat(h.at("/process/cpu_s").asDouble())
                .as("the AAM process's CPU so far, for a run's resources")
                .isPositive();
        // Bursts of new connections wait in the kernel instead of being dropped at the JDK's default backlog of 50.
        assertThat(f.aam.listenBacklog()).isEqualTo(dev.gauntlet.http.Listeners.ACCEPT_QUEUE);
    }

    @Test
    void shouldShowMetricsPerConnectorAndOverall() {
        f.get("/proxy/stripe_mock/v1/customers?limit=1");
        JsonNode m = json(f.get("/metrics"));
        assertThat(m.has("at")).isTrue();
        assertThat(m.path("overall").path("calls").asLong()).isPositive();
        assertThat(m.path("connectors").path("stripe_mock").path("calls").asLong())
                .isPositive();
        assertThat(m.path("connectors").path("stripe_mock").has("latency")).isTrue();
    }

    @Test
    void shouldListConnectorsWithSecretsRedacted() {
        HttpResponse<String> r = f.get("/connectors");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .doesNotContain(
                        "gauntlet-secret",
                        "sk_test_gauntlet",
                        "mdb-gauntlet-key",
                        "dd-gauntlet-api-key",
                        "-w48Aq2RPFe7n01nPi29ChDymSPFVHkMhDJzo_0UdR4");
        List<String> ids = new ArrayList<>();
        json(r).path("connectors").forEach(c -> ids.add(c.path("id").asText()));
        assertThat(ids)
                .contains(
                        "salesforce_mock",
                        "mongodb_mock",
                        "stripe_mock",
                        "github_mock",
                        "supabase_mock",
                        "datadog_mock");
        JsonNode stripe = json(f.get("/connectors/stripe_mock"));
        assertThat(stripe.path("auth").path("key").asText()).isEqualTo("***");
        assertThat(stripe.path("base_url").asText()).isEqualTo(f.farm.url() + "/api/stripe");
    }

    @Test
    void shouldAddReplaceAndRemoveAConnector() {
        String body = """
                {"id":"extra_stripe","base_url":"%s/api/stripe","flavor":"stripe",
                 "auth":{"type":"api_key","header":"Authorization","prefix":"Bearer ","key":"sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"},
                 "limit":{"initial_rps":20}}""".formatted(f.farm.url());
        HttpResponse<String> created = f.send("POST", "/connectors", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.body()).doesNotContain("sk_test_gauntlet");
        assertThat(json(created).path("limit").path("initial_rps").asDouble()).isEqualTo(20);

        assertRefused(f.send("POST", "/connectors", body), 409, null);

        HttpResponse<String> replaced =
                f.send("PUT", "/connectors/extra_stripe", body.replace("\"initial_rps\":20", "\"initial_rps\":30"));
        assertThat(replaced.statusCode()).as(replaced.body()).isEqualTo(200);
        assertThat(json(f.get("/connectors/extra_stripe"))
                        .path("limit")
                        .path("initial_rps")
                        .asDouble())
                .isEqualTo(30);
        assertThat(f.get("/proxy/extra_stripe/v1/customers?limit=1").statusCode())
                .isEqualTo(200);

        assertRefused(
                f.send("PUT", "/connectors/extra_stripe", body.replace("\"extra_stripe\"", "\"other\"")), 400, "id");
        assertThat(f.send("DELETE", "/connectors/extra_stripe", null).statusCode())
                .isEqualTo(200);
        assertRefused(f.get("/connectors/extra_stripe"), 404, null);
        assertRefused(f.get("/proxy/extra_stripe/v1/customers"), 404, null);
    }

    @Test
    void shouldRefuseABadConnectorNamingTheField() {
        assertRefused(f.send("POST", "/connectors", "{\"id\":\"x\",\"flavor\":\"stripe\"}"), 400, "base_url");
        assertRefused(
                f.send("POST", "/connectors", "{\"id\":\"x\",\"base_url\":\"http://h\",\"bogus\":1}"), 400, "bogus");
        assertRefused(
                f.send("POST", "/connectors", "{\"id\":\"x\",\"base_url\":\"http://h\",\"auth\":{\"type\":\"magic\"}}"),
                400,
                "auth.type");
        HttpResponse<String> limit = f.send(
                "POST", "/connectors", "{\"id\":\"x\",\"base_url\":\"http://h\",\"limit\":{\"initial_rps\":-1}}");
        assertRefused(limit, 400, null);
        assertThat(json(limit).path("message").asText()).contains("initial_rps");
        assertRefused(f.send("POST", "/connectors", "not json"), 400, "body");
        // A farm service with a typo: refused at once, naming the field and what the farm has.
        HttpResponse<String> typo = f.send(
                "POST",
                "/connectors",
                "{\"id\":\"x\",\"base_url\":\"" + f.farm.url()
                        + "/api/stripe\",\"flavor\":\"stripe\",\"service\":\"stripe_mok\"}");
        assertRefused(typo, 400, "service");
        assertThat(json(typo).path("message").asText()).contains("stripe_mok").contains("stripe_mock");
        assertRefused(
                f.send(
                        "PUT",
                        "/connectors/stripe_mock",
                        "{\"base_url\":\"" + f.farm.url() + "/api/stripe\",\"service\":\"nope\"}"),
                400,
                "service");
        assertRefused(f.send("PUT", "/connectors/nope", "{}"), 404, null);
        assertRefused(f.send("DELETE", "/connectors/nope", null), 404, null);
    }

    @Test
    void shouldShowAConnectorsStagesAndRecentErrors() {
        f.get("/proxy/github_mock/repos/gauntlet/demo/issues?per_page=1");
        f.get("/proxy/github_mock/repos/gauntlet/nothing-here/really-not");
        JsonNode s = json(f.get("/connectors/github_mock/status"));
        assertThat(s.path("id").asText()).isEqualTo("github_mock");
        assertThat(s.path("stages").isObject()).isTrue();
        assertThat(s.path("stages").size()).isPositive();
        assertThat(s.path("recent_errors").isArray()).isTrue();
        assertThat(s.path("recent_errors").size()).isPositive();
        assertThat(s.path("recent_errors").get(0).path("error_class").asText()).isEqualTo("client_error");
        assertRefused(f.get("/connectors/nope/status"), 404, null);
    }

    @Test
    void shouldListWorkflowsWithDescriptions() {
        JsonNode w = json(f.get("/workflows"));
        List<String> names = new ArrayList<>();
        w.path("workflows").forEach(x -> {
            names.add(x.path("name").asText());
            assertThat(x.path("description").asText()).isNotBlank();
        });
        assertThat(names).contains("idempotent_write", "high_volume_read", "drift_sensitive");
        assertThat(json(f.get("/scenarios")).path("scenarios").size()).isEqualTo(8);
    }

    @Test
    void shouldRefuseBadRunRequestsNamingTheField() {
        assertRefused(f.send("POST", "/scenarios/run", "{}"), 400, "scenario");
        assertRefused(f.send("POST", "/scenarios/run", "{\"scenario\":\"nope\"}"), 400, "scenario");
        assertRefused(f.send("POST", "/scenarios/run", "{\"scenario\":\"../../etc/passwd\"}"), 400, "scenario");
        assertRefused(
                f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"duration\":\"soon\"}"), 400, "duration");
        assertRefused(f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"seed\":1.5}"), 400, "seed");
        assertRefused(
                f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"compare\":\"smart\"}"), 400, "compare");
        HttpResponse<String> unknown =
                f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"compare\":\"naive,smart\"}");
        assertRefused(unknown, 400, "compare");
        assertThat(json(unknown).path("message").asText())
                .contains("unknown baseline 'smart'; accepted: naive, naive-retry, naive-keyed");
        assertRefused(
                f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"compare\":[\"naive\",\"naive\"]}"),
                400,
                "compare");
        assertRefused(
                f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"compare\":[\"naive\",1]}"), 400, "compare");
        assertRefused(f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"compare\":[]}"), 400, "compare");
        assertRefused(f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"compare\":true}"), 400, "compare");
        assertRefused(f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"colour\":\"red\"}"), 400, "colour");
        assertRefused(f.send("POST", "/workflows/run", "{\"workflow\":\"nope\"}"), 400, "workflow");
        assertRefused(f.send("POST", "/workflows/run", "{\"workflow\":\"idempotent_write\",\"rate\":0}"), 400, "rate");
        assertRefused(
                f.send("POST", "/workflows/run", "{\"workflow\":\"idempotent_write\",\"connectors\":[\"nope\"]}"),
                400,
                "connectors");
        assertRefused(
                f.send("POST", "/workflows/run", "{\"workflow\":\"idempotent_write\",\"connectors\":\"stripe_mock\"}"),
                400,
                "connectors");
        assertRefused(
                f.send("POST", "/workflows/run", "{\"workflow\":\"idempotent_write\",\"duration\":\"2h\"}"),
                400,
                "duration");
        assertRefused(f.get("/runs/nope"), 404, null);
        assertRefused(f.send("POST", "/runs/nope/stop", null), 404, null);
        assertThat(json(f.get("/runs")).path("runs").isArray()).isTrue();
    }

    @Test
    void shouldShowDriftPerConnector() {
        JsonNode d = json(f.get("/drift"));
        assertThat(d.path("connectors").has("salesforce_mock")).isTrue();
        assertThat(d.path("connectors").path("salesforce_mock").path("recent").isArray())
                .isTrue();
        assertThat(d.path("connectors").path("salesforce_mock").has("stage")).isTrue();
    }

    @Test
    void shouldServeAPrometheusScrapeWithTheMeshMeters() {
        f.get("/proxy/stripe_mock/v1/customers?limit=1");
        HttpResponse<String> r = f.get("/prometheus");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(r.body())
                .contains("mesh_calls_total{connector=\"stripe_mock\"}", "mesh_attempts_total", "mesh_call_latency");
    }

    @Test
    void shouldDescribeEveryEndpointInTheOpenApiDocument() {
        JsonNode doc = json(f.get("/openapi.json"));
        assertThat(doc.path("openapi").asText()).isEqualTo("3.1.0");
        JsonNode paths = doc.path("paths");
        for (String[] e : new String[][] {
            {"/health", "get"},
            {"/metrics", "get"},
            {"/connectors", "get"},
            {"/connectors", "post"},
            {"/connectors/{id}", "get"},
            {"/connectors/{id}", "put"},
            {"/connectors/{id}", "delete"},
            {"/connectors/{id}/status", "get"},
            {"/workflows", "get"},
            {"/workflows/run", "post"},
            {"/scenarios/run", "post"},
            {"/runs", "get"},
            {"/runs/{id}", "get"},
            {"/runs/{id}/stop", "post"},
            {"/runs/{id}/{file}", "get"},
            {"/drift", "get"},
            {"/events", "get"},
            {"/prometheus", "get"},
            {"/openapi.json", "get"},
            {"/dlq", "get"},
            {"/dlq/{id}", "get"},
            {"/dlq/{id}/replay", "post"},
            {"/dlq/replay", "post"},
            {"/dlq/{id}", "delete"},
            {"/proxy/{connector}/{path}", "get"},
            {"/proxy/{connector}/{path}", "post"},
            {"/proxy/{connector}/{path}", "delete"}
        }) {
            assertThat(paths.path(e[0]).has(e[1])).as(e[1] + " " + e[0]).isTrue();
        }
    }

    @Test
    void shouldListShowReplayAndDiscardWhatTheDlqHolds() {
        String id = f.parkedWrite("dead_end", "op-dlq-1");

        JsonNode list = json(f.get("/dlq?connector=dead_end"));
        assertThat(list.toString()).contains(id);
        assertThat(json(f.get("/dlq?connector=dead_end&limit=1")).path("entries"))
                .hasSize(1);
        assertRefused(f.get("/dlq?limit=0"), 400, "limit");
        assertRefused(f.get("/dlq?limit=lots"), 400, "limit");
        assertThat(json(f.get("/dlq?connector=dead_end&state=pending&error_class=network_error"))
                        .path("entries")
                        .findValuesAsText("id"))
                .contains(id);
        assertThat(json(f.get("/dlq?connector=dead_end&state=succeeded")).path("entries"))
                .isEmpty();
        assertThat(json(f.get("/dlq?connector=dead_end&error_class=rate_limit")).path("entries"))
                .isEmpty();
        assertRefused(f.get("/dlq?state=lost"), 400, "state");
        assertRefused(f.get("/dlq?error_class=gremlins"), 400, "error_class");
        JsonNode one = json(f.get("/dlq/" + id));
        assertThat(one.path("history")).as(one.toString()).hasSize(1);
        assertThat(one.path("history").get(0).path("error_class").asText()).isEqualTo("network_error");
        assertThat(one.path("connector").asText()).isEqualTo("dead_end");
        assertThat(one.path("path").asText()).isEqualTo("/items");
        assertThat(one.path("state").asText()).isEqualTo("pending");

        HttpResponse<String> replayed = f.send("POST", "/dlq/" + id + "/replay", null);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(json(replayed).toString()).contains(id).containsAnyOf("failed", "dead");
        JsonNode after = json(f.get("/dlq/" + id));
        assertThat(after.path("history")).as("the replay is in the history").hasSize(2);
        assertThat(after.path("history").findValuesAsText("replay"))
                .as(
                        "the live call's attempt is replay 0, the replay's attempt replay 1, each numbered from 1 in its call")
                .containsExactly("0", "1");
        assertThat(after.path("history").findValuesAsText("number")).containsExactly("1", "1");
        assertThat(after.path("attempts").asInt()).isEqualTo(2);
        assertThat(after.path("attempts_omitted").asInt()).isZero();

        HttpResponse<String> discarded = f.send("DELETE", "/dlq/" + id, null);
        assertThat(discarded.statusCode()).as(discarded.body()).isBetween(200, 204);
        assertThat(json(f.get("/dlq/" + id)).path("state").asText()).isEqualTo("discarded");
        assertRefused(f.send("POST", "/dlq/" + id + "/replay", null), 409, "id");
        assertThat(f.get("/dlq/nope").statusCode()).isEqualTo(404);
        assertThat(f.send("POST", "/dlq/replay?connector=dead_end", null).statusCode())
                .as("a background job")
                .isEqualTo(202);
        assertRefused(f.send("POST", "/dlq/replay?connector=nope", null), 400, "connector");
        assertThat(f.send("DELETE", "/connectors/dead_end", null).statusCode()).isBetween(200, 204);
    }
}
