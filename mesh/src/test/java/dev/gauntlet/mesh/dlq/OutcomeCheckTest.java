package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.OutcomeSettled;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unkeyed writes of unknown outcome read back from the real farm's Datadog: committed ones settle, the rest replay once. */
class OutcomeCheckTest {

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

    @BeforeEach
    void reset() {
        farm.post("/admin/reset", "{}");
    }

    /** The farm's query sees a commit at once: "not found" is final at once. */
    static ConnectorSpec datadog() {
        return datadog(Duration.ZERO);
    }

    static ConnectorSpec datadog(Duration readBackAfter) {
        return ConnectorSpec.builder("datadog_mock", farm.serviceUrl("datadog_mock"))
                .flavor("datadog")
                .auth(AuthConfig.ApiKey.builder()
                        .header("DD-API-KEY")
                        .key("dd-gauntlet-api-key")
                        .build())
                .idempotency(IdempotencyConfig.builder().enabled(false).build())
                .dlq(DlqConfig.builder()
                        .replayRps(20)
                        .baseDelay(Duration.ofMillis(500))
                        .maxReplays(10)
                        .readBackAfter(readBackAfter)
                        .build())
                .build();
    }

    static byte[] series(String op, long ts) {
        return ("{\"series\":[{\"metric\":\"gauntlet.ops\",\"type\":1,\"points\":[{\"timestamp\":" + ts
                        + ",\"value\":1}]," + "\"tags\":[\"op_id:" + op + "\"]}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    /** What the retry stage parks when the answer to an unkeyed write was lost: due now. */
    static DlqEntry unknown(String id, String connector, String op, byte[] body, Instant now) {
        return new DlqEntry(
                id,
                connector,
                "default",
                "POST",
                "/api/v2/series",
                Map.of(),
                body,
                "application/json",
                null,
                op,
                List.of(),
                ErrorClass.network_error,
                "connection reset",
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                true,
                0,
                now,
                now,
                now);
    }

    static Map<String, Integer> commits() throws Exception {
        Map<String, Integer> out = new HashMap<>();
        for (JsonNode e :
                JSON.readTree(farm.get("/admin/ledger?service=datadog_mock")).path("entries")) {
            out.merge(e.path("op_id").asText(), e.path("commits").asInt(), Integer::sum);
        }
        return out;
    }

    @Test
    void shouldSettleACommittedWriteWithoutSendingItAgainAndReplayOneThatWasNot() throws Exception {
        FakeTime time = new FakeTime();
        try (Mesh mesh = Mesh.builder().time(time).background(false).build()) {
            Connector dd = mesh.register(datadog());
            List<MeshEvent> events = new CopyOnWriteArrayList<>();
            mesh.events().subscribe(events::add);
            long ts = Instant.now().getEpochSecond();
            // "landed": committed upstream, then its answer was lost. "lost": never reached the upstream.
            dd.post("/api/v2/series", JSON.readTree(series("landed", ts)), "landed");
            DlqRepository repo = mesh.deadLetters().repository();
            repo.insertEntry(unknown("dlq-landed", "datadog_mock", "landed", series("landed", ts), time.instant()));
            repo.insertEntry(unknown("dlq-lost", "datadog_mock", "lost", series("lost", ts), time.instant()));

            mesh.replayer().replayDue();

            DlqEntry landed = repo.entry("dlq-landed").orElseThrow();
            assertThat(landed.state()).isEqualTo(DlqState.succeeded);
            assertThat(landed.unknownOutcome()).isFalse();
            assertThat(landed.replays()).isZero();
            assertThat(landed.lastError()).contains("read back");
            DlqEntry lost = repo.entry("dlq-lost").orElseThrow();
            assertThat(lost.state()).isEqualTo(DlqState.succeeded);
            assertThat(lost.replays()).isEqualTo(1);
            assertThat(commits()).containsEntry("landed", 1).containsEntry("lost", 1);
            assertThat(events)
                    .filteredOn(e -> e instanceof OutcomeSettled)
                    .extracting(e -> ((OutcomeSettled) e).id() + "=" + ((OutcomeSettled) e).committed())
                    .containsExactlyInAnyOrder("dlq-landed=true", "dlq-lost=false");
        }
    }

    @Test
    void shouldWaitForReadBackAfterBeforeTakingNotFoundAsNotCommitted() throws Exception {
        FakeTime time = new FakeTime();
        try (Mesh mesh = Mesh.builder().time(time).background(false).build()) {
            mesh.register(datadog(DlqConfig.READ_BACK_AFTER));
            DlqRepository repo = mesh.deadLetters().repository();
            Instant parked = time.instant();
            repo.insertEntry(unknown(
                    "dlq-young",
                    "datadog_mock",
                    "young",
                    series("young", Instant.now().getEpochSecond()),
                    parked));

            mesh.replayer().replayDue();

            DlqEntry young = repo.entry("dlq-young").orElseThrow();
            assertThat(young.unknownOutcome())
                    .as("not found, but it may not show yet")
                    .isTrue();
            assertThat(young.nextReplayAt()).isEqualTo(parked.plus(DlqConfig.READ_BACK_AFTER));
            assertThat(commits()).doesNotContainKey("young");

            time.advance(DlqConfig.READ_BACK_AFTER);
            mesh.replayer().replayDue();

            assertThat(repo.entry("dlq-young").orElseThrow().state()).isEqualTo(DlqState.succeeded);
            assertThat(commits()).containsEntry("young", 1);
        }
    }

    @Test
    void shouldLeaveToAPersonWhatTheReadCannotTell() throws Exception {
        FakeTime time = new FakeTime();
        try (Mesh mesh = Mesh.builder().time(time).background(false).build()) {
            mesh.register(datadog());
            DlqRepository repo = mesh.deadLetters().repository();
            // No op_id tag in the body: the read would not know which point is this write's.
            byte[] untagged =
                    "{\"series\":[{\"metric\":\"gauntlet.ops\",\"points\":[{\"timestamp\":1,\"value\":1}],\"tags\":[]}]}"
                            .getBytes(StandardCharsets.UTF_8);
            repo.insertEntry(unknown("dlq-untagged", "datadog_mock", "untagged", untagged, time.instant()));

            mesh.replayer().replayDue();

            DlqEntry e = repo.entry("dlq-untagged").orElseThrow();
            assertThat(e.state()).isEqualTo(DlqState.pending);
            assertThat(e.unknownOutcome()).isTrue();
            assertThat(e.nextReplayAt())
                    .as("nothing scheduled: a person decides")
                    .isNull();
            time.advance(Duration.ofHours(2));
            mesh.replayer().replayDue();
            assertThat(repo.entry("dlq-untagged").orElseThrow().updatedAt())
                    .as("not claimed again")
                    .isEqualTo(e.updatedAt());
            assertThat(commits()).doesNotContainKey("untagged");
        }
    }

    @Test
    void shouldAskAgainLaterAndLessOftenWhenTheReadFails() throws Exception {
        FakeTime time = new FakeTime();
        String closedPort;
        try (var s = new ServerSocket(0)) {
            closedPort = "http://127.0.0.1:" + s.getLocalPort();
        }
        try (Mesh mesh = Mesh.builder().time(time).background(false).build()) {
            mesh.register(ConnectorSpec.builder("datadog_mock", closedPort)
                    .flavor("datadog")
                    .auth(AuthConfig.ApiKey.builder()
                            .header("DD-API-KEY")
                            .key("dd-gauntlet-api-key")
                            .build())
                    .idempotency(IdempotencyConfig.builder().enabled(false).build())
                    .build());
            DlqRepository repo = mesh.deadLetters().repository();
            Instant parked = time.instant();
            repo.insertEntry(unknown("dlq-down", "datadog_mock", "down", series("down", 1_700_000_000L), parked));
            time.advance(Duration.ofMinutes(10));

            mesh.replayer().replayDue();

            DlqEntry e = repo.entry("dlq-down").orElseThrow();
            assertThat(e.state()).isEqualTo(DlqState.pending);
            assertThat(e.unknownOutcome()).isTrue();
            assertThat(e.nextReplayAt())
                    .as("half its age from now, not base_delay")
                    .isEqualTo(time.instant().plus(Duration.ofMinutes(5)));
        }
    }

    @Test
    void shouldNotReadBackForVendorsWithoutAWayToTell() {
        FakeTime time = new FakeTime();
        try (Mesh mesh = Mesh.builder().time(time).background(false).build()) {
            mesh.register(ConnectorSpec.builder("things", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .auth(AuthConfig.ApiKey.bearer("sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"))
                    .build());
            DlqRepository repo = mesh.deadLetters().repository();
            repo.insertEntry(unknown("dlq-stripe", "things", "s-1", series("s-1", 1), time.instant()));

            mesh.replayer().replayDue();
            time.advance(Duration.ofMinutes(1));
            mesh.replayer().replayDue();

            DlqEntry e = repo.entry("dlq-stripe").orElseThrow();
            assertThat(e.state()).isEqualTo(DlqState.pending);
            assertThat(e.unknownOutcome()).as("a person decides").isTrue();
            assertThat(e.attempts()).isEmpty();
        }
    }
}
