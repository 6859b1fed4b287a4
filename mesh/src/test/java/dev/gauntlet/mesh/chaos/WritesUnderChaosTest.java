package dev.gauntlet.mesh.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes at every chaos level, proved against the farm's ledger: each one is committed exactly once, or waits in the
 * DLQ - never lost, never twice. Stripe (idempotency keys), MongoDB (a flaky network, keys) and Datadog (no keys: an
 * ambiguous failure must wait as "unknown outcome" rather than be retried blind).
 */
class WritesUnderChaosTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static FarmFixture farm;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start();
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    static Map<String, ConnectorSpec> connectors() {
        var fast = Timeouts.builder()
                .attempt(Duration.ofSeconds(3))
                .total(Duration.ofSeconds(15))
                .build();
        var retry = RetryConfig.builder()
                .maxAttempts(4)
                .baseDelay(Duration.ofMillis(20))
                .maxDelay(Duration.ofMillis(300))
                .budgetRatio(0.5)
                .build();
        return Map.of(
                "stripe_mock",
                        ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                                .flavor("stripe")
                                .auth(AuthConfig.ApiKey.bearer("sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"))
                                .timeouts(fast)
                                .retry(retry)
                                .build(),
                "mongodb_mock",
                        ConnectorSpec.builder("mongodb_mock", farm.serviceUrl("mongodb_mock"))
                                .flavor("mongodb")
                                .auth(AuthConfig.ApiKey.builder()
                                        .header("apiKey")
                                        .key("mdb-gauntlet-key")
                                        .build())
                                .timeouts(fast)
                                .retry(retry)
                                .build(),
                "datadog_mock",
                        ConnectorSpec.builder("datadog_mock", farm.serviceUrl("datadog_mock"))
                                .flavor("datadog")
                                .auth(AuthConfig.ApiKey.builder()
                                        .header("DD-API-KEY")
                                        .key("dd-gauntlet-api-key")
                                        .build())
                                .idempotency(IdempotencyConfig.builder()
                                        .enabled(false)
                                        .build())
                                .timeouts(fast)
                                .retry(retry)
                                .build());
    }

    static Object body(String service, String op) {
        return switch (service) {
            case "stripe_mock" -> Map.of("name", "Ada " + op, "metadata", Map.of("op_id", op));
            case "mongodb_mock" ->
                Map.of(
                        "dataSource",
                        "Cluster0",
                        "database",
                        "gauntlet",
                        "collection",
                        "accounts",
                        "document",
                        Map.of("name", "Ada " + op, "external_id", op));
            default ->
                Map.of(
                        "series",
                        List.of(Map.of(
                                "metric",
                                "gauntlet.ops",
                                "type",
                                1,
                                "points",
                                List.of(Map.of("timestamp", 1_700_000_000L, "value", 1)),
                                "tags",
                                List.of("op_id:" + op))));
        };
    }

    static String path(String service) {
        return switch (service) {
            case "stripe_mock" -> "/v1/customers";
            case "mongodb_mock" -> "/app/data-gauntlet/endpoint/data/v1/action/insertOne";
            default -> "/api/v2/series";
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"calm", "mild", "storm", "hell"})
    void shouldCommitEveryWriteExactlyOnceOrHoldItInTheDlq(String level) throws Exception {
        farm.post("/admin/reset", "{}");
        farm.chaos("{\"level\":\"" + level + "\"}");
        try (Mesh mesh = Mesh.builder().background(false).build();
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Map<String, Connector> cs = new HashMap<>();
            connectors().forEach((id, spec) -> cs.put(id, mesh.register(spec)));
            var futures = new ArrayList<Future<?>>();
            Map<String, List<String>> intended = new HashMap<>();
            for (String service : cs.keySet()) {
                List<String> ops = new ArrayList<>();
                intended.put(service, ops);
                for (int i = 0; i < 40; i++) {
                    String op = level + "-" + service + "-" + i;
                    ops.add(op);
                    futures.add(pool.submit(() -> {
                        try {
                            cs.get(service).post(path(service), body(service, op), op);
                        } catch (MeshException.DeadLettered parked) {
                            // Waits in the DLQ: checked below.
                        }
                        return null;
                    }));
                }
            }
            for (Future<?> f : futures) f.get();

            farm.chaos("{\"level\":\"calm\"}");
            for (var e : intended.entrySet()) {
                String service = e.getKey();
                Map<String, Integer> commits = new HashMap<>();
                for (JsonNode entry : JSON.readTree(farm.get("/admin/ledger?service=" + service))
                        .path("entries")) {
                    commits.merge(
                            entry.path("op_id").asText(), entry.path("commits").asInt(), Integer::sum);
                }
                Set<String> held = new HashSet<>();
                for (DlqEntry d : mesh.deadLetters().list(new DlqFilter(service, null, 10_000))) {
                    if (d.state() != DlqState.discarded && d.state() != DlqState.succeeded) held.add(d.opId());
                }
                for (String op : e.getValue()) {
                    int n = commits.getOrDefault(op, 0);
                    assertThat(n)
                            .as(level + " " + op + " committed at most once")
                            .isLessThanOrEqualTo(1);
                    assertThat(n == 1 || held.contains(op))
                            .as(level + " " + op + " committed or held in the DLQ")
                            .isTrue();
                }
                if (level.equals("calm"))
                    assertThat(held).as("calm: nothing parked").isEmpty();
            }
            // What the DLQ holds is finished once the farm is calm: replayed with its key, still committed once.
            mesh.replayer().replayDue();
            for (String service : intended.keySet()) {
                Map<String, Integer> commits = new HashMap<>();
                for (JsonNode entry : JSON.readTree(farm.get("/admin/ledger?service=" + service))
                        .path("entries")) {
                    commits.merge(
                            entry.path("op_id").asText(), entry.path("commits").asInt(), Integer::sum);
                }
                assertThat(commits.values())
                        .as(level + " " + service + ": no duplicate after replay")
                        .allMatch(n -> n == 1);
            }
        }
    }
}
