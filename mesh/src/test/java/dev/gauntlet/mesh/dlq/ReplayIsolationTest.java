package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.event.CircuitTransition;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.ReplayCircuitTransition;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 5: poison DLQ entries (writes the upstream always answers 500) replayed while valid live reads go
 * through on a calm farm. Replays shared the live breaker once, and held it open: 35 of 45 reads were refused.
 */
class ReplayIsolationTest {

    static final String ACTIONS = "/app/data-gauntlet/endpoint/data/v1/action/";
    static FarmFixture farm;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start();
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    ConnectorSpec mongo() {
        return ConnectorSpec.builder("mongodb_mock", farm.serviceUrl("mongodb_mock"))
                .flavor("mongodb")
                .auth(AuthConfig.ApiKey.builder()
                        .header("apiKey")
                        .key("mdb-gauntlet-key")
                        .build())
                .timeouts(Timeouts.builder()
                        .attempt(Duration.ofSeconds(3))
                        .total(Duration.ofSeconds(10))
                        .build())
                .retry(RetryConfig.builder()
                        .maxAttempts(2)
                        .baseDelay(Duration.ofMillis(5))
                        .maxDelay(Duration.ofMillis(20))
                        .budgetRatio(0.5)
                        .build())
                // Opens easily, so that replays sharing it would surely refuse the reads.
                .circuit(CircuitConfig.builder()
                        .failureRatePercent(50)
                        .windowCalls(10)
                        .minimumCalls(5)
                        .openFor(Duration.ofMillis(50))
                        .halfOpenCalls(10)
                        .build())
                .dlq(DlqConfig.builder()
                        .replayRps(500)
                        .baseDelay(Duration.ofMillis(10))
                        .maxReplays(2)
                        .readBackAfter(Duration.ZERO)
                        .build())
                .build();
    }

    static DlqEntry poison(int i) {
        Instant now = Instant.now();
        String body =
                "{\"dataSource\":\"Cluster0\",\"database\":\"gauntlet\",\"collection\":\"events\",\"document\":{\"n\":"
                        + i + "}}";
        return new DlqEntry(
                "dlq_poison_" + i,
                "mongodb_mock",
                "default",
                "POST",
                ACTIONS + "insertOne",
                Map.of(),
                body.getBytes(StandardCharsets.UTF_8),
                "application/json",
                "key-poison-" + i,
                "op-poison-" + i,
                List.of(),
                ErrorClass.server_error,
                "500",
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                false,
                0,
                now,
                now,
                now);
    }

    static MeshRequest read(int i) {
        // A filter of its own each time: a stale answer from the cache cannot pass for a live read.
        String body =
                "{\"dataSource\":\"Cluster0\",\"database\":\"gauntlet\",\"collection\":\"accounts\",\"filter\":{\"external_id\":\"r-"
                        + i + "\"}}";
        return new MeshRequest(
                "POST",
                ACTIONS + "find",
                Map.of(),
                body.getBytes(StandardCharsets.UTF_8),
                "application/json",
                null,
                null);
    }

    @Test
    void shouldServeLiveReadsWhilePoisonEntriesAreReplayedToDeath() throws Exception {
        farm.post("/admin/reset", "{}");
        farm.chaos("{\"level\":\"calm\"}");
        // Every insertOne answers 500: the parked writes can never succeed.
        farm.post(
                "/admin/faults/script",
                "{\"service\":\"mongodb_mock\",\"type\":\"server_error\",\"method\":\"POST\",\"path\":\"" + ACTIONS
                        + "insertOne\",\"count\":10000}");
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = Mesh.builder()
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            mesh.events().subscribe(events::add);
            Connector c = mesh.register(mongo());
            for (int i = 0; i < 20; i++) mesh.deadLetters().repository().insertEntry(poison(i));

            AtomicBoolean done = new AtomicBoolean();
            Thread replays = Thread.ofVirtual().start(() -> {
                while (!done.get()) {
                    mesh.replayer().replayDue();
                    LockSupport.parkNanos(2_000_000); // pacing the passes, not waiting for a state
                }
            });
            var failures = new ArrayList<String>();
            int reads = 0;
            try {
                // Reads go on until every poison entry is dead (and at least 45 of them, as in the report).
                while (reads < 45 || mesh.deadLetters().stats().dead() < 20) {
                    try {
                        MeshResponse r = c.call(read(reads));
                        if (r.status() != 200) failures.add("read " + reads + ": " + r.status());
                    } catch (MeshException e) {
                        failures.add("read " + reads + ": " + e.getMessage());
                    }
                    reads++;
                    assertThat(reads).as("poison entries should be dead by now").isLessThan(5_000);
                }
            } finally {
                done.set(true);
                replays.join();
            }
            assertThat(failures.size())
                    .as(
                            "live reads refused (of %d) while poison entries were replayed; first: %s",
                            reads, failures.stream().limit(3).toList())
                    .isZero();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> mesh.deadLetters().stats().dead() == 20);
            for (int i = 0; i < 20; i++) {
                DlqEntry e = mesh.deadLetters().entry("dlq_poison_" + i).orElseThrow();
                assertThat(e.state()).isEqualTo(DlqState.dead);
                assertThat(e.replays()).isEqualTo(2);
            }
            assertThat(events).as("the live breaker never moved").noneMatch(CircuitTransition.class::isInstance);
            assertThat(events)
                    .as("the replays' breaker opened")
                    .anyMatch(e -> e instanceof ReplayCircuitTransition t && t.to().equals("open"));
            @SuppressWarnings("unchecked")
            var replayCircuit = (Map<String, Object>) c.status().get("replays").get("circuit");
            assertThat(replayCircuit).isNotNull();
        } finally {
            farm.post("/admin/reset", "{}");
        }
    }

    @Test
    void shouldKeepAnEntryPendingAndUncountedWhenItsReplayIsAnsweredInProgress() throws Exception {
        // Stripe's answer while another request with the same key is being carried out
        // (docs.stripe.com/error-low-level).
        var upstream = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            byte[] body =
                    "{\"error\":{\"type\":\"idempotency_error\",\"code\":\"idempotency_key_in_use\",\"message\":\"in progress\"}}"
                            .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(409, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        try (Mesh mesh = Mesh.builder()
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            String url = "http://127.0.0.1:" + upstream.getAddress().getPort() + "/api";
            Connector c = mesh.register(ConnectorSpec.builder("shop", url)
                    .flavor("stripe")
                    .retry(RetryConfig.builder()
                            .maxAttempts(1)
                            .baseDelay(Duration.ofMillis(1))
                            .maxDelay(Duration.ofMillis(1))
                            .budgetRatio(0.5)
                            .build())
                    .dlq(DlqConfig.builder()
                            .replayRps(100)
                            .baseDelay(Duration.ofMillis(10))
                            .maxReplays(1)
                            .readBackAfter(Duration.ZERO)
                            .build())
                    .build());
            Instant now = Instant.now();
            mesh.deadLetters()
                    .repository()
                    .insertEntry(new DlqEntry(
                            "dlq_busy",
                            "shop",
                            "default",
                            "POST",
                            "/v1/customers",
                            Map.of(),
                            "name=a".getBytes(StandardCharsets.UTF_8),
                            "application/x-www-form-urlencoded",
                            "key-busy",
                            "op-busy",
                            List.of(),
                            ErrorClass.server_error,
                            "500",
                            DlqEntry.SCHEMA_VERSION,
                            DlqState.pending,
                            false,
                            0,
                            now,
                            now,
                            now));

            for (int i = 0; i < 3; i++) {
                DlqEntry after = mesh.deadLetters().replay("dlq_busy");
                // max_replays is 1: one counted failure would have made it dead.
                assertThat(after.state()).isEqualTo(DlqState.pending);
                assertThat(after.replays()).isZero();
                assertThat(after.nextReplayAt()).isNotNull();
            }
            @SuppressWarnings("unchecked")
            var replayCircuit = (Map<String, Object>) c.status().get("replays").get("circuit");
            assertThat(replayCircuit.get("failed_calls")).isEqualTo(0);
        } finally {
            upstream.stop(0);
        }
    }
}
