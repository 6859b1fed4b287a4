package dev.gauntlet.harness.workflow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.check.LedgerEntry;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.time.Sleeper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hand-written retry loop ({@code --compare naive-retry}) against the real farm over loopback: it resends what
 * failed, writes included, so an answer lost after the commit becomes a duplicate in the farm's ledger.
 */
class NaiveRetryTest {

    @TempDir
    static Path dir;

    static FarmServer farm;
    static FarmControl control;
    static HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static Map<String, ConnectorSpec> specs;

    /** The waits the loop asked for, instantly; {@link #onWait} runs at each (the test's hand on the farm between attempts). */
    final List<Duration> waits = new CopyOnWriteArrayList<>();

    Runnable onWait = () -> {};
    final Sleeper sleeper = d -> {
        waits.add(d);
        onWait.run();
    };

    @BeforeAll
    static void start() throws IOException {
        // The farm wants its four named levels in any chaos file. Each service's error profile decides what a chaos
        // level injects there: socket cuts or 5xx, 429s, revoked tokens.
        Path services = Files.createDirectories(dir.resolve("services"));
        Files.writeString(
                services.resolve("things.yaml"),
                service("things", "cut_or_fail", "{ type: api_key, api_keys: [k-1] }"));
        Files.writeString(
                services.resolve("limited.yaml"),
                service("limited", "only_rate_limit", "{ type: api_key, api_keys: [k-1] }"));
        Files.writeString(
                services.resolve("sessions.yaml"),
                service(
                        "sessions",
                        "only_auth_revoke",
                        "{ type: oauth2_client_credentials, clients: [{ id: tiny, secret: tiny-secret }] }"));
        Path chaos = Files.writeString(dir.resolve("chaos.yaml"), """
                levels:
                  calm: { error_rate: 0, network_rate: 0 }
                  mild: { error_rate: 0.05, network_rate: 0.005 }
                  storm: { error_rate: 0.2, rate_limit_factor: 0.5, network_rate: 0.03 }
                  hell: { error_rate: 0.5, rate_limit_factor: 0.2, network_rate: 0.08 }
                  all_network: { error_rate: 0, network_rate: 1.0 }
                  all_errors: { error_rate: 1.0, network_rate: 0 }
                profiles:
                  cut_or_fail: { errors: { server_error: 1 }, network: { truncate: 1 } }
                  only_rate_limit: { errors: { rate_limit: 1 } }
                  only_auth_revoke: { errors: { auth_revoke: 1 } }
                """);
        farm = FarmServer.start(FarmConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .builtIns(false)
                .servicesDir(services)
                .chaosFile(chaos)
                .build());
        control = new FarmControl(farm.url(), http);
        specs = new HashMap<>();
        for (ConnectorsFile.Entry e : ConnectorsFile.parse("""
                connectors:
                  - { id: things, base_url: "${farm_url}/api/things", flavor: rest, auth: { type: api_key, header: X-API-Key, key: k-1 } }
                  - { id: limited, base_url: "${farm_url}/api/limited", flavor: rest, auth: { type: api_key, header: X-API-Key, key: k-1 } }
                  - id: sessions
                    base_url: "${farm_url}/api/sessions"
                    flavor: rest
                    auth: { type: oauth2, token_url: "${farm_url}/api/sessions/oauth/token", client_id: tiny, client_secret: tiny-secret }
                """, farm.url(), "test connectors")) {
            specs.put(e.spec().id(), e.spec());
        }
    }

    private static String service(String id, String profile, String auth) {
        return """
                id: %s
                flavor: rest
                base_path: /api/%s
                auth: %s
                rate_limit: { max_rps: 100000, burst: 100000 }
                error_profile: %s
                resources:
                  - { name: thing, path: /things, fields: { title: sentence, external_id: uuid }, count: 5 }
                """.formatted(id, id, auth, profile);
    }

    @AfterAll
    static void stop() {
        farm.close();
        http.close();
    }

    @BeforeEach
    void calm() {
        control.reset(7);
        control.chaos("calm", List.of());
    }

    private NaiveApi retrying(String connector) {
        return NaiveApi.retrying(
                specs.get(connector), http, NaiveApi.Retries.HAND_WRITTEN, sleeper, InstantSource.system());
    }

    private static ApiResult write(Api api, String opId) {
        return api.call("POST", "/things", Map.of("title", "a thing", "external_id", opId), opId);
    }

    private static int commits(String service, String opId) {
        return control.ledger().ledger(service).stream()
                .filter(e -> e.opId().equals(opId))
                .mapToInt(LedgerEntry::commits)
                .sum();
    }

    @Test
    void shouldResendAWriteWhoseAnswerWasCutAfterTheCommitAndLeaveADuplicateInTheLedger() {
        control.chaos("all_network", List.of("things"));
        // The first answer is cut after the farm committed; the farm is calm again for the second attempt.
        onWait = () -> control.chaos("calm", List.of());
        ApiResult r = write(retrying("things"), "op-dup");
        assertThat(r.ok()).as("the caller sees success").isTrue();
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ofMillis(100));
        assertThat(commits("things", "op-dup"))
                .as("but the write was committed twice")
                .isEqualTo(2);
    }

    @Test
    void shouldGiveUpAfterFourAttemptsEachOneCommittedWhenEveryAnswerIsCut() {
        control.chaos("all_network", List.of("things"));
        ApiResult r = write(retrying("things"), "op-four");
        assertThat(r.ok()).isFalse();
        assertThat(r.errorClass()).isEqualTo("network_error");
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(waits).as("no wait after the last attempt").hasSize(3).containsOnly(Duration.ofMillis(100));
        assertThat(farm.farm().faults().total("things")).isEqualTo(4);
        assertThat(commits("things", "op-four")).isEqualTo(4);
    }

    @Test
    void shouldRetryServerErrorsFourTimesAtMost() {
        control.chaos("all_errors", List.of("things"));
        ApiResult r = write(retrying("things"), "op-5xx");
        assertThat(r.errorClass()).isEqualTo("server_error");
        assertThat(r.status()).isBetween(500, 504);
        assertThat(r.attempts()).isEqualTo(4);
        assertThat(commits("things", "op-5xx"))
                .as("a 5xx answered instead of the request: nothing committed")
                .isZero();
    }

    @Test
    void shouldNotRetryABadRequest() {
        // The farm's JSON REST API refuses a body that is not an object with a 400.
        ApiResult r = retrying("things").call("POST", "/things", List.of(1, 2), "op-bad");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.errorClass()).isEqualTo("client_error");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(waits).isEmpty();
    }

    @Test
    void shouldWaitOutTheRetryAfterOfA429WhenItIsShort() {
        control.chaos("all_errors", List.of("limited"));
        ApiResult r = retrying("limited").get("/things");
        assertThat(r.errorClass()).isEqualTo("rate_limit");
        assertThat(r.attempts()).isEqualTo(4);
        // The farm's injected limit says Retry-After: 1 (its bucket's next second).
        assertThat(waits).hasSize(3).containsOnly(Duration.ofSeconds(1));
    }

    @Test
    void shouldFetchATokenAgainOnceOnA401() throws Exception {
        control.chaos("all_errors", List.of("sessions"));
        NaiveApi api = retrying("sessions");
        ApiResult r = api.get("/things");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.errorClass()).isEqualTo("auth_expired");
        assertThat(r.attempts())
                .as("one more attempt with a new token, not four")
                .isEqualTo(2);
        assertThat(waits).containsExactly(Duration.ZERO);
        assertThat(tokensIssued("sessions")).isEqualTo(2);

        // Calm again: the token the last 401 revoked is fetched again once more, and the call goes through.
        control.chaos("calm", List.of());
        ApiResult after = api.get("/things");
        assertThat(after.ok()).isTrue();
        assertThat(after.attempts()).isEqualTo(2);
        assertThat(tokensIssued("sessions")).isEqualTo(3);
    }

    @Test
    void shouldKeepThePlainNaiveClientToOneAttempt() {
        control.chaos("all_network", List.of("things"));
        ApiResult r = write(new NaiveApi(specs.get("things"), http), "op-once");
        assertThat(r.errorClass()).isEqualTo("network_error");
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(commits("things", "op-once"))
                .as("committed, its answer lost, never resent")
                .isEqualTo(1);
    }

    private static long tokensIssued(String service) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(farm.url() + "/admin/status")).build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode s : new ObjectMapper().readTree(r.body()).path("services")) {
            if (s.path("id").asText().equals(service))
                return s.path("tokens_issued").asLong();
        }
        throw new AssertionError("no service " + service + " in " + r.body());
    }

    /** Answers from a script, one status (and Retry-After) per request; what the farm cannot be asked to say. */
    @Test
    void shouldRetryA408AndFallBackToTheFixedBackoffWhenRetryAfterIsLongOrADate() throws Exception {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        String inOneSecond =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(1).atOffset(ZoneOffset.UTC));
        Deque<String[]> script = new ArrayDeque<>(List.of(
                new String[] {"408", null},
                new String[] {"429", "30"},
                new String[] {"429", inOneSecond},
                new String[] {"200", null}));
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            requests.incrementAndGet();
            String[] next = script.poll();
            if (next[1] != null) ex.getResponseHeaders().add("Retry-After", next[1]);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = "{}".getBytes();
            ex.sendResponseHeaders(Integer.parseInt(next[0]), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            ConnectorSpec spec = ConnectorsFile.parse(
                            "connectors:\n  - { id: scripted, base_url: 'http://127.0.0.1:"
                                    + server.getAddress().getPort() + "', flavor: rest }\n",
                            "",
                            "scripted")
                    .getFirst()
                    .spec();
            NaiveApi api =
                    NaiveApi.retrying(spec, http, NaiveApi.Retries.HAND_WRITTEN, sleeper, InstantSource.fixed(now));
            ApiResult r = api.get("/x");
            assertThat(r.ok()).isTrue();
            assertThat(r.attempts()).isEqualTo(4);
            assertThat(requests.get()).isEqualTo(4);
            // 408: the fixed backoff; Retry-After 30 s: longer than a hand-written loop waits, the fixed backoff; a
            // date 1 s ahead: 1 s.
            assertThat(waits).containsExactly(Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(1));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseALoopWithoutAnAttempt() {
        assertThatThrownBy(() -> new NaiveApi.Retries(0, Duration.ZERO, Duration.ZERO))
                .hasMessage("retries.max_attempts must be ≥ 1, was 0");
        assertThatThrownBy(() -> new NaiveApi.Retries(2, Duration.ofMillis(-1), Duration.ZERO))
                .hasMessageContaining("retries.backoff must be ≥ 0");
    }
}
