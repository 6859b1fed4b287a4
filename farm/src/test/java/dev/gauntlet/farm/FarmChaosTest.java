package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chaos dial over real HTTP: shares per level, reproducibility by seed, timed levels, faults after commit. */
class FarmChaosTest {

    @TempDir
    Path dir;

    static final String SERVICE = """
            id: things
            flavor: rest
            base_path: /api/things
            auth: { type: api_key, api_keys: [k-1] }
            rate_limit: { max_rps: 1000000, burst: 1000000 }
            error_profile: %s
            idempotency: { header: Idempotency-Key }
            resources:
              - { name: thing, path: /things, fields: { title: sentence, external_id: uuid }, count: 20 }
            """;

    private TestFarm farm(String profile, long seed, boolean builtInChaos) {
        TestFarm.write(dir.resolve("svc"), "things.yaml", SERVICE.formatted(profile));
        FarmConfig.Builder b = FarmConfig.builder().builtIns(false).seed(seed).servicesDir(dir.resolve("svc"));
        if (!builtInChaos) b.chaosFile(TestFarm.chaosWithOnly(dir));
        return TestFarm.start(b);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mild", "storm", "hell"})
    void shouldInjectEachLevelsShareOfFaultsOverHttp(String level) throws Exception {
        try (TestFarm farm = farm("mostly_ok", 11, true)) {
            farm.chaos("{\"level\":\"" + level + "\"}");
            int n = 400;
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            try (var pool = Executors.newFixedThreadPool(32)) {
                List<Future<?>> all = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i;
                    all.add(pool.submit(() -> {
                        HttpRequest r = farm.request("/api/things/things")
                                .header("X-API-Key", "k-1")
                                .timeout(Duration.ofSeconds(1))
                                .POST(HttpRequest.BodyPublishers.ofString("{\"external_id\":\"op-" + k + "\"}"))
                                .header("Content-Type", "application/json")
                                .build();
                        try {
                            client.send(r, HttpResponse.BodyHandlers.discarding());
                        } catch (IOException | InterruptedException expected) {
                            // socket faults and hangs are the point
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) f.get();
            }
            JsonNode svc =
                    TestFarm.json(farm.get("/admin/status")).get("services").get(0);
            long requests = svc.get("requests").asLong();
            long faults = svc.get("faults_total").asLong();
            var chaosLevel = farm.farm().chaos().catalog().level(level);
            double p = chaosLevel.errorRate() + chaosLevel.networkRate();
            double sd = Math.sqrt(requests * p * (1 - p));
            assertThat(svc.get("chaos_level").asText()).isEqualTo(level);
            assertThat((double) faults)
                    .as("%d faults in %d requests at %s", faults, requests, level)
                    .isBetween(requests * p - 5 * sd, requests * p + 5 * sd);
        }
    }

    @Test
    void shouldReplayTheSameFaultSequenceWhenTheSeedIsTheSame() {
        List<String> first = faultSequence(5);
        List<String> second = faultSequence(5);
        assertThat(first).isNotEmpty().isEqualTo(second);
        assertThat(faultSequence(6)).isNotEqualTo(first);
    }

    private List<String> faultSequence(long seed) {
        Path sub = dir.resolve("seed" + seed + "-" + System.nanoTime());
        TestFarm.write(sub.resolve("svc"), "things.yaml", SERVICE.formatted("mostly_ok"));
        try (TestFarm farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .seed(seed)
                .servicesDir(sub.resolve("svc"))
                .chaosFile(TestFarm.chaosWithOnly(sub)))) {
            farm.chaos("{\"level\":\"hell\"}");
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            for (int i = 0; i < 60; i++) {
                HttpRequest r = farm.request("/api/things/things")
                        .header("X-API-Key", "k-1")
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofMillis(500))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"external_id\":\"op-" + i + "\"}"))
                        .build();
                try {
                    client.send(r, HttpResponse.BodyHandlers.discarding());
                } catch (IOException | InterruptedException expected) {
                    // part of the sequence
                }
            }
            List<String> out = new ArrayList<>();
            for (JsonNode e :
                    TestFarm.json(farm.get("/admin/faults?service=things")).get("entries")) {
                out.add(e.get("ordinal").asLong() + ":" + e.get("type").asText() + ":"
                        + e.path("status").asInt());
            }
            return out;
        }
    }

    @Test
    void shouldReturnToThePreviousLevelWhenATimedLevelEnds() {
        FakeClock clock = new FakeClock();
        TestFarm.write(dir.resolve("svc"), "things.yaml", SERVICE.formatted("mostly_ok"));
        try (TestFarm farm =
                TestFarm.start(FarmConfig.builder().builtIns(false).clock(clock).servicesDir(dir.resolve("svc")))) {
            farm.chaos("{\"level\":\"storm\",\"services\":[\"things\"],\"duration_s\":60}");
            JsonNode svc =
                    TestFarm.json(farm.get("/admin/status")).get("services").get(0);
            assertThat(svc.get("chaos_level").asText()).isEqualTo("storm");
            assertThat(svc.get("chaos_expires_at").asText())
                    .isEqualTo(clock.instant().plusSeconds(60).toString());
            clock.advance(Duration.ofSeconds(60));
            assertThat(TestFarm.json(farm.get("/admin/status"))
                            .at("/services/0/chaos_level")
                            .asText())
                    .isEqualTo("calm");
        }
    }

    @Test
    void shouldCommitTheWriteWhenOnlyTheAnswerIsLost() {
        try (TestFarm farm = farm("only_truncate", 1, false)) {
            farm.chaos("{\"level\":\"all_network\"}");
            String body = "{\"external_id\":\"op-42\",\"title\":\"x\"}";
            for (int attempt = 0; attempt < 2; attempt++) {
                HttpRequest r = farm.request("/api/things/things")
                        .header("X-API-Key", "k-1")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build();
                try {
                    farm.http.send(r, HttpResponse.BodyHandlers.ofString());
                    throw new AssertionError("a truncated body must fail the client");
                } catch (IOException expected) {
                    // the body was cut short after the commit
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=things"));
            assertThat(ledger.get("total").asInt()).isEqualTo(1);
            assertThat(ledger.at("/entries/0/op_id").asText()).isEqualTo("op-42");
            assertThat(ledger.at("/entries/0/commits").asInt())
                    .as("a blind retry duplicates the write")
                    .isEqualTo(2);
            assertThat(ledger.get("duplicates").asInt()).isEqualTo(1);
            assertThat(TestFarm.json(farm.get("/admin/faults?service=things"))
                            .at("/entries/0/after_commit")
                            .asBoolean())
                    .isTrue();
        }
    }

    @Test
    void shouldCommitOnceWhenRetriesCarryTheSameIdempotencyKey() {
        try (TestFarm farm = farm("only_truncate", 1, false)) {
            farm.chaos("{\"level\":\"all_network\"}");
            for (int attempt = 0; attempt < 3; attempt++) {
                HttpRequest r = farm.request("/api/things/things")
                        .header("X-API-Key", "k-1")
                        .header("Content-Type", "application/json")
                        .header("Idempotency-Key", "key-1")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"external_id\":\"op-7\"}"))
                        .build();
                try {
                    farm.http.send(r, HttpResponse.BodyHandlers.ofString());
                } catch (IOException | InterruptedException expected) {
                    // every answer is cut short
                }
            }
            JsonNode entry =
                    TestFarm.json(farm.get("/admin/ledger?service=things")).at("/entries/0");
            assertThat(entry.get("commits").asInt()).isEqualTo(1);
            assertThat(entry.get("idempotency_key").asText()).isEqualTo("key-1");
        }
        try (TestFarm farm = farm("mostly_ok", 1, false)) {
            var first = farm.postJson(
                    "/api/things/things", "{\"external_id\":\"op-8\"}", "X-API-Key", "k-1", "Idempotency-Key", "key-2");
            var replay = farm.postJson(
                    "/api/things/things", "{\"external_id\":\"op-8\"}", "X-API-Key", "k-1", "Idempotency-Key", "key-2");
            assertThat(replay.body()).isEqualTo(first.body());
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            var mismatch = farm.postJson(
                    "/api/things/things",
                    "{\"external_id\":\"other\"}",
                    "X-API-Key",
                    "k-1",
                    "Idempotency-Key",
                    "key-2");
            assertThat(mismatch.statusCode()).isEqualTo(400);
            assertThat(TestFarm.json(mismatch).at("/error/code").asText()).isEqualTo("idempotency_key_mismatch");
        }
    }

    @Test
    void shouldAnswerInjectedHttpFaultsInTheEnvelope() {
        try (TestFarm farm = farm("only_server_error", 3, false)) {
            farm.chaos("{\"level\":\"all_errors\"}");
            var r = farm.get("/api/things/things/thing_1", "X-API-Key", "k-1");
            assertThat(r.statusCode()).isIn(500, 502, 503, 504);
            assertThat(TestFarm.json(r).at("/error/code").asText()).isEqualTo("internal_error");
            assertThat(r.headers().firstValue("X-RateLimit-Remaining"))
                    .as("the bucket's headers ride on a 5xx too")
                    .isPresent();
            assertThat(TestFarm.json(farm.get("/admin/status"))
                            .at("/services/0/faults/server_error")
                            .asInt())
                    .isEqualTo(1);
        }
        try (TestFarm farm = farm("only_rate_limit", 3, false)) {
            farm.chaos("{\"level\":\"all_errors\"}");
            var r = farm.get("/api/things/things/thing_1", "X-API-Key", "k-1");
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        }
    }

    @Test
    void shouldSpareTokenEndpointsTheApisHttpFaults() {
        var profiles = new StringBuilder();
        for (String p : List.of(
                "mostly_ok",
                "aggressive_limits",
                "network_flakiness",
                "server_errors",
                "rate_limits",
                "token_rotation",
                "schema_drift")) {
            profiles.append("  ")
                    .append(p)
                    .append(": { errors: { server_error: 1, rate_limit: 1, slow: 1, auth_revoke: 1 }, slow_ms: 50 }\n");
        }
        Path chaos = TestFarm.write(dir, "all-http.yaml", """
                levels:
                  calm: { error_rate: 0, network_rate: 0 }
                  mild: { error_rate: 0, network_rate: 0 }
                  storm: { error_rate: 0, network_rate: 0 }
                  hell: { error_rate: 0, network_rate: 0 }
                  all_errors: { error_rate: 1.0, network_rate: 0 }
                profiles:
                """ + profiles);
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().chaosFile(chaos))) {
            farm.chaos("{\"level\":\"all_errors\",\"services\":[\"salesforce_mock\"]}");
            for (int i = 0; i < 5; i++) {
                var token = farm.postForm(
                        "/api/salesforce/services/oauth2/token",
                        "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret");
                assertThat(token.statusCode())
                        .as("the login service answers whatever the API's chaos")
                        .isEqualTo(200);
            }
            String t = TestFarm.json(farm.postForm(
                            "/api/salesforce/services/oauth2/token",
                            "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret"))
                    .get("access_token")
                    .asText();
            var call = farm.get("/api/salesforce/services/data/v59.0/sobjects/Account", "Authorization", "Bearer " + t);
            assertThat(call.statusCode())
                    .as("the API itself still fails every time")
                    .isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void shouldAnswer409WhenAKeyIsReusedWhileSlowProcessingHoldsIt() throws Exception {
        try (TestFarm farm = farm("only_slow", 3, false)) {
            farm.chaos("{\"level\":\"all_errors\"}");
            HttpRequest first = farm.request("/api/things/things")
                    .header("X-API-Key", "k-1")
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", "busy")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"external_id\":\"op-9\"}"))
                    .build();
            var pending = farm.http.sendAsync(first, HttpResponse.BodyHandlers.ofString());
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> farm.farm().service("things").idempotency().size() == 1);
            var second = farm.postJson(
                    "/api/things/things", "{\"external_id\":\"op-9\"}", "X-API-Key", "k-1", "Idempotency-Key", "busy");
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(pending.get().statusCode()).isEqualTo(201);
            assertThat(TestFarm.json(farm.get("/admin/ledger?service=things"))
                            .at("/entries/0/commits")
                            .asInt())
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldAnswerTheBucketsLimitBeforeAnyInjectedError() {
        TestFarm.write(
                dir.resolve("svc"),
                "things.yaml",
                SERVICE.formatted("only_server_error")
                        .replace("max_rps: 1000000, burst: 1000000", "max_rps: 1, burst: 1"));
        try (TestFarm farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .clock(new FakeClock())
                .servicesDir(dir.resolve("svc"))
                .chaosFile(TestFarm.chaosWithOnly(dir)))) {
            farm.chaos("{\"level\":\"all_errors\"}");
            assertThat(farm.get("/api/things/things/thing_1", "X-API-Key", "k-1")
                            .statusCode())
                    .isGreaterThanOrEqualTo(500);
            assertThat(farm.get("/api/things/things/thing_1", "X-API-Key", "k-1")
                            .statusCode())
                    .isEqualTo(429);
            JsonNode svc = TestFarm.json(farm.get("/admin/status")).at("/services/0");
            assertThat(svc.get("faults_total").asInt())
                    .as("a fault that did not strike is not logged")
                    .isEqualTo(1);
            assertThat(svc.get("rate_limited").asInt()).isEqualTo(1);
        }
    }

    @Test
    void shouldDelayASlowAnswerWithoutFailingIt() {
        try (TestFarm farm = farm("only_slow", 3, false)) {
            farm.chaos("{\"level\":\"all_errors\"}");
            long start = System.nanoTime();
            var r = farm.get("/api/things/things/thing_1", "X-API-Key", "k-1");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(ms).isGreaterThanOrEqualTo(300);
        }
    }
}
