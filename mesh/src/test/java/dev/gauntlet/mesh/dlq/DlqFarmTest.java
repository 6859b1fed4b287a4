package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.ReplaySucceeded;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays against the real farm's Stripe: the same key, so the ledger shows each operation committed once. */
class DlqFarmTest {

    /** Every profile made to inject server errors only, and a level that injects them always. */
    static final String CHAOS = FarmFixture.chaos(Map.of("all_errors", 1.0), "server_error", Map.of());

    static final String KEY = "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path chaosDir;

    @TempDir
    Path dataDir;

    static FarmFixture farm;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start(FarmConfig.builder().chaosFile(FarmFixture.write(chaosDir, "chaos.yaml", CHAOS)));
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    @BeforeEach
    void calm() {
        farm.chaos("{\"level\":\"calm\"}");
    }

    ConnectorSpec.Builder stripe() {
        return ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                .flavor("stripe")
                .header("Authorization", KEY)
                .retry(RetryConfig.builder()
                        .maxAttempts(1)
                        .baseDelay(Duration.ofMillis(1))
                        .maxDelay(Duration.ofMillis(1))
                        .budgetRatio(0.1)
                        .build());
    }

    static Map<String, Object> customer(String opId) {
        return Map.of("name", "Ada " + opId, "metadata", Map.of("op_id", opId));
    }

    /** The farm's ledger entry for an operation id. */
    static JsonNode ledger(String opId) throws Exception {
        for (JsonNode e :
                JSON.readTree(farm.get("/admin/ledger?service=stripe_mock")).path("entries")) {
            if (opId.equals(e.path("op_id").asText())) return e;
        }
        return null;
    }

    @Test
    void shouldCommitOnceWhenAWriteLeftInFlightByACrashIsReplayedWithItsKey() throws Exception {
        FakeTime time = new FakeTime();
        String op = "crash-" + System.nanoTime();
        String key;
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            Connector c = mesh.register(stripe().build());
            MeshResponse first = c.post("/v1/customers", customer(op), op);
            assertThat(first.status()).isEqualTo(200);
            // The process "dies" after the upstream committed but before the intent was completed.
            // With an opId the key is derived from the operation alone (not the form body).
            key = IdempotencyKeys.derive(
                    "stripe_mock", new MeshRequest("POST", "/v1/customers", null, null, null, op, null));
            Intent done = mesh.context().store().intents().intent(key).orElseThrow();
            assertThat(done.state()).isEqualTo(IntentState.succeeded);
            mesh.context().store().intents().recordIntent(done);
        }
        time.advance(Duration.ofMinutes(5));

        // The next process opens the store: the stale intent goes to the DLQ with its key, and is replayed.
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            mesh.events().subscribe(events::add);
            mesh.register(stripe().build());
            DlqEntry recovered = mesh.deadLetters().list().getFirst();
            assertThat(recovered.idempotencyKey()).isEqualTo(key);
            assertThat(recovered.state()).isEqualTo(DlqState.pending);
            assertThat(mesh.context()
                            .store()
                            .intents()
                            .intent(key)
                            .orElseThrow()
                            .state())
                    .isEqualTo(IntentState.parked);

            assertThat(mesh.replayer().replayDue()).isEqualTo(1);

            DlqEntry after = mesh.deadLetters().entry(recovered.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(DlqState.succeeded);
            assertThat(events).filteredOn(ReplaySucceeded.class::isInstance).hasSize(1);
            assertThat(mesh.context()
                            .store()
                            .intents()
                            .intent(key)
                            .orElseThrow()
                            .state())
                    .isEqualTo(IntentState.succeeded);
        }
        JsonNode entry = ledger(op);
        assertThat(entry).isNotNull();
        assertThat(entry.path("commits").asInt())
                .as("the replay was answered from the first commit")
                .isEqualTo(1);
        assertThat(entry.path("idempotency_key").asText()).isEqualTo(key);
    }

    /**
     * A keyed write left in flight by a crash whose first send got a 500 the upstream saved under its key (Stripe
     * saves keyed 500s, marked Stripe-Should-Retry: false): replayed with that key it gets the same 500 for ever. The
     * replay reads it back and, not there, sends it under a fresh key - once - and the DLQ drains. (A full
     * CrashDurabilityTest run once left such an entry pending, replayed 29 times with its spent key.)
     */
    @Test
    void shouldCommitOnceWhenAWriteLeftInFlightByACrashHadItsFirstAnswerSavedAsA500() throws Exception {
        FakeTime time = new FakeTime();
        String op = "crash-500-" + System.nanoTime();
        String key = IdempotencyKeys.derive(
                "stripe_mock", new MeshRequest("POST", "/v1/customers", null, null, null, op, null));
        byte[] form =
                dev.gauntlet.mesh.Forms.encode(JSON.valueToTree(customer(op))).getBytes(StandardCharsets.UTF_8);
        // The crashed process's only send: the farm fails it and saves the 500 under the key.
        farm.chaos("{\"level\":\"all_errors\",\"services\":[\"stripe_mock\"]}");
        try (var http = HttpClient.newHttpClient()) {
            var send = HttpRequest.newBuilder(URI.create(farm.serviceUrl("stripe_mock") + "/v1/customers"))
                    .header("Authorization", KEY)
                    .header("Idempotency-Key", key)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form))
                    .build();
            HttpResponse<String> sent = null;
            // The injected server error is a 500, 502 or 503; only a 500 is saved under the key (bounded: 200 sends).
            for (int i = 0; i < 200 && (sent == null || sent.statusCode() != 500); i++) {
                sent = http.send(send, HttpResponse.BodyHandlers.ofString());
            }
            assertThat(sent.statusCode()).isEqualTo(500);
            assertThat(sent.headers().firstValue("Stripe-Should-Retry")).hasValue("false");
        }
        farm.chaos("{\"level\":\"calm\"}");
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            mesh.context()
                    .store()
                    .intents()
                    .recordIntent(new Intent(
                            key,
                            "stripe_mock",
                            "default",
                            "POST",
                            "/v1/customers",
                            Map.of("Idempotency-Key", key, "Content-Type", "application/x-www-form-urlencoded"),
                            form,
                            "application/x-www-form-urlencoded",
                            op,
                            IntentState.in_flight,
                            time.instant(),
                            time.instant()));
        }
        time.advance(Duration.ofMinutes(5));

        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            mesh.register(stripe().dlq(DlqConfig.builder()
                            .replayRps(100)
                            .baseDelay(Duration.ofSeconds(1))
                            .maxReplays(30)
                            .readBackAfter(Duration.ZERO)
                            .inFlightFor(Duration.ofSeconds(10))
                            .build())
                    .build());
            DlqEntry recovered = mesh.deadLetters().list().getFirst();
            assertThat(recovered.idempotencyKey()).isEqualTo(key);
            for (int pass = 0; pass < 5 && mesh.deadLetters().stats().pending() > 0; pass++) {
                mesh.replayer().replayDue();
                time.advance(Duration.ofSeconds(15));
            }
            DlqEntry after = mesh.deadLetters().entry(recovered.id()).orElseThrow();
            assertThat(after.state()).as(after.toString()).isEqualTo(DlqState.succeeded);
        }
        assertThat(commits("stripe_mock", op))
                .as("sent again under a fresh key, once")
                .isEqualTo(1);
    }

    @Test
    void shouldDrainParkedWritesInTheBackgroundWhenTheUpstreamRecovers() throws Exception {
        farm.chaos("{\"level\":\"all_errors\",\"services\":[\"stripe_mock\"]}");
        String run = "drain-" + System.nanoTime();
        try (Mesh mesh = Mesh.builder().store(SqliteStore.open(dataDir)).build()) {
            // The farm shows a commit at once: a read-back that misses a write is final at once (read_back_after 0).
            // Stripe saves a keyed 500 and marks it Stripe-Should-Retry: false; those writes are read back and sent
            // again under a fresh key, the others replayed with theirs.
            Connector c = mesh.register(stripe().dlq(DlqConfig.builder()
                            .replayRps(200)
                            .baseDelay(Duration.ofMillis(300))
                            .maxReplays(50)
                            .readBackAfter(Duration.ZERO)
                            .build())
                    .build());
            var ids = new ArrayList<String>();
            for (int i = 0; i < 20; i++) {
                try {
                    c.post("/v1/customers", customer(run + "-" + i), run + "-" + i);
                } catch (MeshException.DeadLettered e) {
                    ids.add(e.dlqId());
                }
            }
            assertThat(ids).hasSize(20);
            farm.chaos("{\"level\":\"calm\"}");

            // A deadline, not a speed target: on a loaded 2-core machine the drain took more than 10 s now and then.
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> mesh.deadLetters().stats().succeeded() == 20);
            assertThat(mesh.deadLetters().stats().pending()).isZero();
        }
        for (int i = 0; i < 20; i++)
            assertThat(ledger(run + "-" + i).path("commits").asInt()).isEqualTo(1);
    }

    @Test
    void shouldReadBackAndNotResendAKeylessWriteLeftInFlightByACrashWhenRecoveredAtStart() throws Exception {
        FakeTime time = new FakeTime();
        String op = "crash-dd-" + System.nanoTime();
        var body = datadogPoint(op);
        var datadog = datadog(3);
        String key = IdempotencyKeys.derive(
                "datadog_mock", new MeshRequest("POST", "/api/v2/series", null, null, null, op, null));
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            Connector c = mesh.register(datadog.build());
            assertThat(c.post("/api/v2/series", body, op).status()).isEqualTo(202);
            // The process "dies" after Datadog committed the point but before the intent was completed: no key exists
            // upstream, so replaying it as it is would submit the point twice.
            mesh.context()
                    .store()
                    .intents()
                    .recordIntent(mesh.context().store().intents().intent(key).orElseThrow());
        }
        time.advance(Duration.ofMinutes(5));

        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            mesh.register(datadog.build()); // after the recovery at build, as a server registers its connectors
            DlqEntry recovered = mesh.deadLetters().list().getFirst();
            assertThat(recovered.opId()).isEqualTo(op);

            mesh.replayer().replayDue();
            assertThat(mesh.deadLetters().entry(recovered.id()).orElseThrow().unknownOutcome())
                    .as("read back first, not replayed")
                    .isTrue();
            assertThat(commits("datadog_mock", op)).isEqualTo(1);

            time.advance(Duration.ofSeconds(11)); // dlq.in_flight_for: the read is conclusive now
            mesh.replayer().replayDue();

            DlqEntry after = mesh.deadLetters().entry(recovered.id()).orElseThrow();
            assertThat(after.state()).as(after.lastError()).isEqualTo(DlqState.succeeded);
            assertThat(after.lastError()).contains("read back");
            assertThat(mesh.context()
                            .store()
                            .intents()
                            .intent(key)
                            .orElseThrow()
                            .state())
                    .as("its first intent says committed")
                    .isEqualTo(IntentState.succeeded);
        }
        assertThat(commits("datadog_mock", op))
                .as("found upstream: never sent a second time")
                .isEqualTo(1);
    }

    /**
     * A replay that timed out may still be carried out upstream (the farm works on a request up to its processing
     * deadline): a read-back that misses it is conclusive only {@code dlq.in_flight_for} after that last send, not
     * after the entry was first parked. Counted from the parking, a crash run read back a Datadog point too early,
     * replayed it, and the late first send landed too (two commits).
     */
    @Test
    void shouldNotTakeAMissedReadBackAsFinalUntilInFlightForAfterTheLastSendTimedOut() throws Exception {
        FakeTime time = new FakeTime();
        String op = "late-dd-" + System.nanoTime();
        byte[] body = JSON.writeValueAsBytes(datadogPoint(op));
        var datadog = datadog(30);
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            mesh.register(datadog.build());
            Instant parked = time.instant();
            time.advance(Duration.ofMinutes(5));
            // Parked five minutes ago; its last replay was sent just now and timed out.
            var replay = new dev.gauntlet.mesh.call.Attempt(
                    2, time.instant(), 2000, 0, ErrorClass.timeout, "attempt timed out");
            String id = "dlq_late_" + System.nanoTime();
            mesh.deadLetters()
                    .repository()
                    .insertEntry(new DlqEntry(
                            id,
                            "datadog_mock",
                            "default",
                            "POST",
                            "/api/v2/series",
                            Map.of(),
                            body,
                            "application/json",
                            "key-" + op,
                            op,
                            List.of(replay),
                            ErrorClass.timeout,
                            "attempt timed out",
                            DlqEntry.SCHEMA_VERSION,
                            DlqState.pending,
                            true,
                            1,
                            time.instant(),
                            parked,
                            time.instant()));

            mesh.replayer().replayDue();
            DlqEntry young = mesh.deadLetters().entry(id).orElseThrow();
            assertThat(young.unknownOutcome())
                    .as("not there yet, but the timed-out send may still land: " + young)
                    .isTrue();
            assertThat(young.nextReplayAt()).isEqualTo(replay.at().plus(Duration.ofSeconds(10)));

            assertThat(commits("datadog_mock", op))
                    .as("not sent again meanwhile")
                    .isZero();

            time.advance(Duration.ofSeconds(11)); // in_flight_for after the last send: a miss is conclusive now
            mesh.replayer().replayDue();
            DlqEntry sent = mesh.deadLetters().entry(id).orElseThrow();
            assertThat(sent.state()).as("not there, so sent again: " + sent).isEqualTo(DlqState.succeeded);
        }
        assertThat(commits("datadog_mock", op)).isEqualTo(1);
    }

    /**
     * A read-back is answered by the upstream, never from the last good answer of the same read. Hell's duplicate
     * (Datadog; GitHub's issue list is read back the same way): a send's connection was reset before the commit and the read-back found
     * nothing (an answer {@code stale_reads} remembered); the write was parked, and its replay committed but lost the
     * answer; that read-back was refused 429 with a wait longer than {@code retry.max_wait}, was answered with the
     * remembered "nothing there", and the replay sent the point a second time.
     */
    @Test
    void shouldNotTakeARememberedAnswerForAReadBackWhenTheUpstreamRefusesIt() throws Exception {
        FakeTime time = new FakeTime();
        String op = "stale-dd-" + System.nanoTime();
        var body = datadogPoint(op);
        var datadog = datadog(5)
                .staleReads(true)
                .retry(twoQuickAttempts().maxWait(Duration.ofMillis(250)).build());
        String series = "\"service\":\"datadog_mock\",\"method\":\"POST\",\"path\":\"/api/v2/series\"";
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .build()) {
            Connector c = mesh.register(datadog.build());
            // The first send is reset before Datadog carries it out: read back, not there (remembered as the read's
            // last good answer); the second send is refused 503 and the write is parked.
            farm.post("/admin/faults/script", "{" + series + ",\"type\":\"reset\"}");
            farm.post("/admin/faults/script", "{" + series + ",\"type\":\"server_error\",\"status\":503}");
            MeshException.DeadLettered parked =
                    catchThrowableOfType(MeshException.DeadLettered.class, () -> c.post("/api/v2/series", body, op));
            assertThat(parked).as("parked after the 503").isNotNull();
            assertThat(commits("datadog_mock", op)).isZero();

            // The replay is committed but its answer is lost; its read-back is refused 429 (X-RateLimit-Reset of a
            // second or more, past retry.max_wait).
            farm.post("/admin/faults/script", "{" + series + ",\"type\":\"reset\",\"after_commit\":true}");
            farm.post(
                    "/admin/faults/script",
                    "{\"service\":\"datadog_mock\",\"method\":\"GET\",\"path\":\"/api/v1/query\","
                            + "\"type\":\"rate_limit\"}");
            time.advance(Duration.ofSeconds(2));
            mesh.replayer().replayDue();
            assertThat(commits("datadog_mock", op))
                    .as("the replay's read-back could not tell: not sent again")
                    .isEqualTo(1);

            // Later the read-back is answered: committed, nothing sent again.
            time.advance(Duration.ofMinutes(1));
            mesh.replayer().replayDue();
            DlqEntry after = mesh.deadLetters().entry(parked.dlqId()).orElseThrow();
            assertThat(after.state()).as(after.lastError()).isEqualTo(DlqState.succeeded);
            assertThat(after.lastError()).contains("read back");
            assertThat(commits("datadog_mock", op)).isEqualTo(1);
        } finally {
            farm.post("/admin/reset", "{}"); // drops any scripted fault left unused
        }
    }

    /**
     * A write that waits between its attempts long enough for crash recovery to take it (a long Retry-After, a queue,
     * a node frozen by SIGSTOP) is not sent again by its own call once the DLQ holds it: the multi-node run's
     * duplicate - a plain create committed at the load's start and again as its node resumed from SIGSTOP. Here the
     * first send is refused 503 before Datadog carries it out; while the call waits for its retry, recovery moves it
     * to the DLQ, reads it back (not there) and replays it, committed once. Without the send fence the call's own retry
     * then sent it a second time.
     */
    @Test
    void shouldNotSendAWriteThatRecoveryTookWhileItWaitedForItsRetry() throws Exception {
        FakeTime time = new FakeTime();
        String op = "fence-dd-" + System.nanoTime();
        var body = datadogPoint(op);
        var datadog = datadog(5)
                // A budget longer than the wait, so the retry is not refused by its own deadline.
                .timeouts(Timeouts.builder().total(Duration.ofMinutes(5)).build())
                .retry(twoQuickAttempts().build());
        String series = "\"service\":\"datadog_mock\",\"method\":\"POST\",\"path\":\"/api/v2/series\"";
        try (Mesh mesh = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dataDir))
                .background(false)
                .staleIntentAge(Duration.ofSeconds(35))
                .build()) {
            Connector c = mesh.register(datadog.build());
            farm.post("/admin/faults/script", "{" + series + ",\"type\":\"server_error\",\"status\":503}");
            var replayed = new java.util.concurrent.atomic.AtomicInteger(-1);
            time.onNextSleep(() -> {
                time.advance(Duration.ofSeconds(36));
                assertThat(mesh.recoverInFlight(time.instant().minusSeconds(35)))
                        .isOne();
                time.advance(Duration.ofSeconds(11)); // dlq.in_flight_for: a miss is conclusive now
                mesh.replayer().replayDue();
                try {
                    replayed.set(commits("datadog_mock", op));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });

            Throwable answer = catchThrowable(() -> c.post("/api/v2/series", body, op));

            assertThat(replayed.get())
                    .as("committed by the DLQ's replay while the call waited")
                    .isEqualTo(1);
            assertThat(commits("datadog_mock", op))
                    .as("not sent again by the call's own retry")
                    .isEqualTo(1);
            assertThat(answer)
                    .isInstanceOf(MeshException.CallFailed.class)
                    .hasMessageContaining("not sent by this call");
        } finally {
            farm.post("/admin/reset", "{}");
        }
    }

    /** The farm's Datadog (no idempotency keys): read back at once, a miss conclusive 10 s after the last send. */
    static ConnectorSpec.Builder datadog(int maxReplays) {
        return ConnectorSpec.builder("datadog_mock", farm.serviceUrl("datadog_mock"))
                .flavor("datadog")
                .header("DD-API-KEY", "dd-gauntlet-api-key")
                .dlq(DlqConfig.builder()
                        .replayRps(100)
                        .baseDelay(Duration.ofSeconds(1))
                        .maxReplays(maxReplays)
                        .readBackAfter(Duration.ZERO)
                        .inFlightFor(Duration.ofSeconds(10))
                        .build());
    }

    /** A second attempt at once, whatever the budget. */
    static RetryConfig.Builder twoQuickAttempts() {
        return RetryConfig.builder()
                .maxAttempts(2)
                .baseDelay(Duration.ofMillis(1))
                .maxDelay(Duration.ofMillis(1))
                .budgetRatio(1.0);
    }

    static int commits(String service, String opId) throws Exception {
        int n = 0;
        for (JsonNode e :
                JSON.readTree(farm.get("/admin/ledger?service=" + service)).path("entries")) {
            if (opId.equals(e.path("op_id").asText())) n += e.path("commits").asInt();
        }
        return n;
    }

    /** One Datadog series point tagged with its op id (what the farm's ledger and the read-back match on). */
    static Map<String, Object> datadogPoint(String op) {
        return Map.of(
                "series",
                List.of(Map.of(
                        "metric",
                        "gauntlet.ops",
                        "type",
                        1,
                        "points",
                        List.of(Map.of("timestamp", System.currentTimeMillis() / 1000, "value", 1)),
                        "tags",
                        List.of("op_id:" + op))));
    }
}
