package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API and the generic pipeline answers (auth, limits, bad input) over loopback HTTP. */
class FarmAdminTest {

    @TempDir
    Path dir;

    private TestFarm farm;
    private final FakeClock clock = new FakeClock();

    @BeforeEach
    void start() {
        TestFarm.write(dir, "things.yaml", """
                id: things
                flavor: rest
                base_path: /api/things
                auth: { type: api_key, api_keys: [k-1] }
                rate_limit: { max_rps: 1, burst: 3 }
                max_body_bytes: 1000
                resources:
                  - { name: thing, path: /things, fields: { title: sentence, external_id: uuid }, count: 5 }
                """);
        TestFarm.write(dir, "oauth.yaml", """
                id: oauthy
                flavor: rest
                auth: { type: oauth2_refresh_token, token_ttl_s: 60, clients: [ { id: app, secret: s3cret } ] }
                drift: [ { resource: thing, manual: true, rename: { title: headline } } ]
                resources:
                  - { name: thing, path: /things, fields: { title: sentence }, count: 60 }
                """);
        farm = TestFarm.start(FarmConfig.builder().servicesDir(dir).clock(clock));
    }

    @AfterEach
    void stop() {
        farm.close();
    }

    @Test
    void shouldDescribeEveryServiceInStatusWithTheContractFields() {
        JsonNode status = TestFarm.json(farm.get("/admin/status"));
        assertThat(status.at("/chaos/level").asText()).isEqualTo("calm");
        assertThat(status.get("services")).hasSize(8);
        for (JsonNode s : status.get("services")) {
            assertThat(s.has("id")
                            && s.has("chaos_level")
                            && s.has("requests")
                            && s.has("faults")
                            && s.has("rate_limited")
                            && s.has("tokens_issued")
                            && s.has("drift"))
                    .as(s.toString())
                    .isTrue();
        }
        assertThat(status.findValuesAsText("id"))
                .contains(
                        "salesforce_mock",
                        "mongodb_mock",
                        "stripe_mock",
                        "github_mock",
                        "supabase_mock",
                        "datadog_mock");
        // What the farm's process has cost so far, for a run's resources.
        assertThat(status.at("/process/pid").asLong())
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(status.at("/process/cpu_s").asDouble()).isPositive();
        assertThat(status.at("/process/heap_used_bytes").asLong()).isPositive();
    }

    @Test
    void shouldRefuseBadChaosInputNamingTheField() {
        assertBadRequest(farm.postJson("/admin/chaos", "{\"level\":\"doom\"}"), "level");
        assertBadRequest(farm.postJson("/admin/chaos", "{}"), "level");
        assertBadRequest(farm.postJson("/admin/chaos", "{\"level\":\"storm\",\"services\":[\"ghost\"]}"), "services");
        assertBadRequest(farm.postJson("/admin/chaos", "{\"level\":\"storm\",\"services\":\"things\"}"), "services");
        assertBadRequest(farm.postJson("/admin/chaos", "{\"level\":\"storm\",\"duration_s\":-5}"), "duration_s");
        assertThat(farm.postJson("/admin/chaos", "{\"level\":").statusCode()).isEqualTo(400);
        assertBadRequest(farm.get("/admin/faults?type=meteor"), "type");
        assertBadRequest(farm.get("/admin/faults?limit=0"), "limit");
        assertBadRequest(farm.get("/admin/ledger?service=ghost"), "service");
        assertBadRequest(farm.get("/admin/ledger?duplicates=maybe"), "duplicates");
        assertBadRequest(farm.postJson("/admin/drift", "{\"service\":\"oauthy\",\"rule\":7}"), "rule");
        assertBadRequest(farm.postJson("/admin/drift", "{\"service\":\"things\",\"rule\":0}"), "service");
    }

    private static void assertBadRequest(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("field").asText()).isEqualTo(field);
        assertThat(TestFarm.json(r).get("message").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerRateLimitsWithTheTimeToWait() {
        for (int i = 0; i < 3; i++)
            assertThat(farm.get("/api/things/things/thing_1", "X-API-Key", "k-1")
                            .statusCode())
                    .isEqualTo(200);
        var limited = farm.get("/api/things/things/thing_1", "X-API-Key", "k-1");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(TestFarm.json(farm.get("/admin/status")).findParents("id").stream()
                        .filter(n -> n.get("id").asText().equals("things"))
                        .findFirst()
                        .orElseThrow()
                        .get("rate_limited")
                        .asInt())
                .isEqualTo(1);
        clock.advance(Duration.ofSeconds(1));
        assertThat(farm.get("/api/things/things/thing_1", "X-API-Key", "k-1").statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldAnswerBadRequestsInTheServiceEnvelopeAndNever500() {
        var noKey = farm.get("/api/things/things/thing_1");
        assertThat(noKey.statusCode()).isEqualTo(401);
        assertThat(farm.get("/api/things/things/thing_1", "X-API-Key", "wrong").statusCode())
                .isEqualTo(401);
        var malformed = farm.postJson("/api/things/things", "{\"title\": ", "X-API-Key", "k-1");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(malformed).at("/error/message").asText()).contains("not valid JSON");
        var wrongMethod = farm.send(farm.request("/api/things/things/thing_1")
                .header("X-API-Key", "k-1")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(wrongMethod.headers().firstValue("Allow"))
                .hasValueSatisfying(a -> assertThat(a).contains("GET", "PATCH", "DELETE"));
        assertThat(farm.get("/api/things/nowhere", "X-API-Key", "k-1").statusCode())
                .isEqualTo(404);
        clock.advance(Duration.ofSeconds(10)); // the bucket holds 3; refill before the next requests
        var head = farm.send(farm.request("/api/things/things/thing_1")
                .header("X-API-Key", "k-1")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(farm.get("/api/things/things/ghost", "X-API-Key", "k-1").statusCode())
                .isEqualTo(404);
        var outside = farm.get("/no/such/service");
        assertThat(outside.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(outside).get("message").asText()).contains("/api/things");
        var tooBig =
                farm.postJson("/api/things/things", "{\"title\":\"" + "x".repeat(2000) + "\"}", "X-API-Key", "k-1");
        assertThat(tooBig.statusCode()).isEqualTo(413);
        var badPage = farm.get("/api/things/things?per_page=abc", "X-API-Key", "k-1");
        assertThat(badPage.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(badPage).at("/error/field").asText()).isEqualTo("per_page");
    }

    @Test
    void shouldIssueExpireAndRotateTokens() {
        var wrong = farm.postForm("/oauth2/token", "grant_type=client_credentials&client_id=app&client_secret=nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(wrong).get("error").asText()).isEqualTo("invalid_client");
        JsonNode issued = TestFarm.json(
                farm.postForm("/oauth2/token", "grant_type=client_credentials&client_id=app&client_secret=s3cret"));
        String token = issued.get("access_token").asText();
        assertThat(issued.get("expires_in").asInt()).isEqualTo(60);
        assertThat(farm.get("/api/oauthy/things/thing_1", "Authorization", "Bearer " + token)
                        .statusCode())
                .isEqualTo(200);
        clock.advance(Duration.ofSeconds(60));
        var expired = farm.get("/api/oauthy/things/thing_1", "Authorization", "Bearer " + token);
        assertThat(expired.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(expired).at("/error/code").asText()).isEqualTo("token_expired");

        String refresh = issued.get("refresh_token").asText();
        var rotated = farm.postForm("/api/oauthy/oauth/token", "grant_type=refresh_token&refresh_token=" + refresh);
        assertThat(rotated.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(rotated).get("refresh_token").asText()).isNotEqualTo(refresh);
        var reused = farm.postForm("/api/oauthy/oauth/token", "grant_type=refresh_token&refresh_token=" + refresh);
        assertThat(reused.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(reused).get("error").asText()).isEqualTo("refresh_token_already_used");
        assertThat(TestFarm.json(farm.get("/admin/status")).findParents("id").stream()
                        .filter(n -> n.get("id").asText().equals("oauthy"))
                        .findFirst()
                        .orElseThrow()
                        .get("tokens_issued")
                        .asInt())
                .isEqualTo(2);
    }

    @Test
    void shouldFireADriftRuleOnDemandAndShowItInStatus() {
        String token = farm.token("oauthy", "app", "s3cret");
        assertThat(TestFarm.json(farm.get("/api/oauthy/things/thing_1", "Authorization", "Bearer " + token))
                        .has("title"))
                .isTrue();
        var fired = farm.postJson("/admin/drift", "{\"service\":\"oauthy\",\"rule\":0}");
        assertThat(fired.statusCode()).isEqualTo(200);
        JsonNode record = TestFarm.json(farm.get("/api/oauthy/things/thing_1", "Authorization", "Bearer " + token));
        assertThat(record.has("title")).isFalse();
        assertThat(record.has("headline")).isTrue();
        assertThat(TestFarm.json(farm.get("/admin/drift")).toString()).contains("\"active\":true");
    }

    @Test
    void shouldGzipLargeAnswersWhenTheClientAcceptsIt() throws Exception {
        String token = farm.token("oauthy", "app", "s3cret");
        var plain = farm.get("/api/oauthy/things?per_page=100", "Authorization", "Bearer " + token);
        var zipped = farm.http.send(
                farm.request("/api/oauthy/things?per_page=100")
                        .header("Authorization", "Bearer " + token)
                        .header("Accept-Encoding", "gzip")
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.body().length()).isGreaterThan(1500);
        assertThat(plain.headers().firstValue("Content-Encoding")).isEmpty();
        assertThat(zipped.headers().firstValue("Content-Encoding")).hasValue("gzip");
        try (var in = new GZIPInputStream(new ByteArrayInputStream(zipped.body()))) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(plain.body());
        }
    }

    @Test
    void shouldStartOverOnReset() {
        farm.postJson("/api/things/things", "{\"external_id\":\"op-1\"}", "X-API-Key", "k-1");
        assertThat(TestFarm.json(farm.get("/admin/ledger")).get("total").asInt())
                .isEqualTo(1);
        assertThat(farm.postJson("/admin/reset", "").statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(farm.get("/admin/ledger")).get("total").asInt())
                .isZero();
        assertThat(TestFarm.json(farm.get("/admin/status"))
                        .at("/services/0/requests")
                        .asInt())
                .isZero();
    }

    @Test
    void shouldStartOverUnderAnotherSeedOnReset() {
        String before =
                farm.get("/api/things/things/thing_1", "X-API-Key", "k-1").body();
        assertThat(TestFarm.json(farm.postJson("/admin/reset", "{\"seed\": 7}"))
                        .get("seed")
                        .asLong())
                .isEqualTo(7);
        assertThat(TestFarm.json(farm.get("/admin/status")).get("seed").asLong())
                .isEqualTo(7);
        String after =
                farm.get("/api/things/things/thing_1", "X-API-Key", "k-1").body();
        assertThat(after).as("records are regenerated from the new seed").isNotEqualTo(before);
        farm.postJson("/admin/reset", "{\"seed\": 42}");
        var refused = farm.postJson("/admin/reset", "{\"seed\": \"soon\"}");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("seed must be a whole number");
    }

    @Test
    void shouldDescribeAdminAndServiceRoutesInOpenApi() {
        JsonNode doc = TestFarm.json(farm.get("/openapi.json"));
        assertThat(doc.get("openapi").asText()).startsWith("3.1");
        assertThat(doc.get("paths").has("/admin/chaos")).isTrue();
        assertThat(doc.get("paths").has("/api/things/things/{id}")).isTrue();
        assertThat(doc.at("/paths/~1api~1things~1things/post/x-gauntlet-write").asBoolean())
                .isTrue();
    }
}
