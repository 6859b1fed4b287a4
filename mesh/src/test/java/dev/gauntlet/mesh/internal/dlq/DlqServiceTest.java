package dev.gauntlet.mesh.internal.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.dlq.DlqStats;
import dev.gauntlet.mesh.event.DeadLettered;
import dev.gauntlet.mesh.event.EntryDead;
import dev.gauntlet.mesh.event.EntryDiscarded;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.ReplayFailed;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable DLQ on a fake clock against an upstream that is down (a loopback port nobody listens on): parking,
 * backoff, dead after the maximum, unknown outcomes left to a person, the replay rate, and the file surviving a restart.
 */
class DlqServiceTest {

    @TempDir
    Path dir;

    final FakeTime time = new FakeTime();
    final List<MeshEvent> events = new CopyOnWriteArrayList<>();
    String downUrl;
    Mesh mesh;

    @BeforeEach
    void setUp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            downUrl = "http://127.0.0.1:" + s.getLocalPort() + "/api";
        }
        mesh = open();
    }

    @AfterEach
    void tearDown() {
        mesh.close();
    }

    Mesh open() {
        Mesh m = Mesh.builder()
                .time(time)
                .store(SqliteStore.open(dir))
                .background(false)
                .replayParallelism(1)
                .build();
        m.events().subscribe(events::add);
        return m;
    }

    Connector down(DlqConfig dlq, boolean keyed) {
        return mesh.register(ConnectorSpec.builder("shop", downUrl)
                .retry(RetryConfig.builder()
                        .maxAttempts(1)
                        .baseDelay(Duration.ofMillis(10))
                        .maxDelay(Duration.ofMillis(10))
                        .budgetRatio(0.1)
                        .build())
                .idempotency(IdempotencyConfig.builder().enabled(keyed).build())
                .dlq(dlq)
                .build());
    }

    static MeshRequest write(String opId) {
        return new MeshRequest(
                "POST",
                "/v1/customers",
                Map.of("Authorization", "Bearer sk_live_secret", "X-Client-Token", "t", "X-Trace", "trace-1"),
                "{\"name\":\"a\"}".getBytes(),
                "application/json",
                opId,
                null);
    }

    String park(Connector c, String opId) {
        try {
            c.call(write(opId));
            throw new AssertionError("the upstream is down; the call cannot succeed");
        } catch (MeshException.DeadLettered e) {
            return e.dlqId();
        }
    }

    @Test
    void shouldParkTheWriteWithEverythingNeededToReplayItAndNoSecrets() {
        Connector c = down(DlqConfig.DEFAULT, true);

        String id = park(c, "op-1");

        DlqEntry e = mesh.deadLetters().entry(id).orElseThrow();
        assertThat(e.connector()).isEqualTo("shop");
        assertThat(e.method()).isEqualTo("POST");
        assertThat(e.path()).isEqualTo("/v1/customers");
        assertThat(e.headers())
                .containsEntry("X-Trace", "trace-1")
                .doesNotContainKeys("Authorization", "X-Client-Token")
                .containsEntry("Idempotency-Key", e.idempotencyKey());
        assertThat(e.idempotencyKey()).startsWith("mesh_");
        assertThat(e.opId()).isEqualTo("op-1");
        assertThat(e.contentType()).isEqualTo("application/json");
        assertThat(e.attempts())
                .singleElement()
                .satisfies(a -> assertThat(a.errorClass()).isEqualTo(ErrorClass.network_error));
        assertThat(e.state()).isEqualTo(DlqState.pending);
        assertThat(e.unknownOutcome()).isFalse();
        assertThat(e.nextReplayAt()).isEqualTo(time.instant().plus(DlqConfig.DEFAULT.baseDelay()));
        assertThat(e.schemaVersion()).isEqualTo(DlqEntry.SCHEMA_VERSION);
        assertThat(events)
                .filteredOn(DeadLettered.class::isInstance)
                .singleElement()
                .satisfies(ev -> assertThat(((DeadLettered) ev).id()).isEqualTo(id));
    }

    @Test
    void shouldBackOffBetweenReplaysAndDeclareTheEntryDeadAfterTheMaximum() {
        Connector c = down(
                DlqConfig.builder()
                        .replayRps(100)
                        .baseDelay(Duration.ofSeconds(1))
                        .maxReplays(3)
                        .build(),
                true);
        String id = park(c, "op-1");
        String key = mesh.deadLetters().entry(id).orElseThrow().idempotencyKey();

        assertThat(mesh.replayer().replayDue()).as("not due before baseDelay").isZero();
        time.advance(Duration.ofSeconds(1));
        assertThat(mesh.replayer().replayDue()).isEqualTo(1);
        assertThat(mesh.deadLetters().entry(id).orElseThrow()).satisfies(e -> {
            assertThat(e.replays()).isEqualTo(1);
            assertThat(e.state()).isEqualTo(DlqState.pending);
            assertThat(e.nextReplayAt()).isEqualTo(time.instant().plusSeconds(1));
            assertThat(e.attempts()).hasSize(2);
            assertThat(e.idempotencyKey()).isEqualTo(key);
        });
        time.advance(Duration.ofSeconds(1));
        assertThat(mesh.replayer().replayDue()).isEqualTo(1);
        assertThat(mesh.deadLetters().entry(id).orElseThrow().nextReplayAt())
                .as("doubled")
                .isEqualTo(time.instant().plusSeconds(2));
        time.advance(Duration.ofSeconds(1));
        assertThat(mesh.replayer().replayDue()).isZero();
        time.advance(Duration.ofSeconds(1));
        assertThat(mesh.replayer().replayDue()).isEqualTo(1);

        DlqEntry dead = mesh.deadLetters().entry(id).orElseThrow();
        assertThat(dead.state()).isEqualTo(DlqState.dead);
        assertThat(dead.replays()).isEqualTo(3);
        assertThat(dead.attempts())
                .hasSize(4)
                .allSatisfy(a -> assertThat(a.errorClass()).isEqualTo(ErrorClass.network_error));
        assertThat(dead.attempts())
                .as("each attempt keeps the call it was part of: the live call (0), then replays 1, 2, 3")
                .extracting(a -> a.replay() + "." + a.number())
                .containsExactly("0.1", "1.1", "2.1", "3.1");
        assertThat(events).filteredOn(ReplayFailed.class::isInstance).hasSize(3);
        assertThat(events)
                .filteredOn(EntryDead.class::isInstance)
                .singleElement()
                .satisfies(ev -> assertThat(((EntryDead) ev).reason()).isEqualTo("max_replays"));
        time.advance(Duration.ofHours(1));
        assertThat(mesh.replayer().replayDue())
                .as("dead entries wait for a person")
                .isZero();
        DlqStats stats = mesh.deadLetters().stats();
        assertThat(stats.dead()).isEqualTo(1);
        assertThat(stats.processed()).isEqualTo(3);
        assertThat(stats.failed()).isEqualTo(3);
    }

    @Test
    void shouldLeaveAnUnknownOutcomeToAPersonWhoMayReplayOrDiscardIt() {
        Connector c = down(
                DlqConfig.builder()
                        .replayRps(100)
                        .baseDelay(Duration.ofSeconds(1))
                        .maxReplays(3)
                        .build(),
                false);
        String id = park(c, "op-1");
        assertThat(mesh.deadLetters().entry(id).orElseThrow().unknownOutcome()).isTrue();

        time.advance(Duration.ofMinutes(10));
        assertThat(mesh.replayer().replayDue())
                .as("never replayed automatically")
                .isZero();
        assertThat(mesh.deadLetters().entry(id).orElseThrow().state()).isEqualTo(DlqState.pending);

        DlqEntry after = mesh.deadLetters().replay(id);
        assertThat(after.replays()).as("a person's replay went out").isEqualTo(1);
        assertThat(after.state()).isEqualTo(DlqState.pending);
        assertThat(after.unknownOutcome()).isTrue();

        assertThat(mesh.deadLetters().discard(id)).isTrue();
        assertThat(mesh.deadLetters().entry(id).orElseThrow().state()).isEqualTo(DlqState.discarded);
        assertThat(events).filteredOn(EntryDiscarded.class::isInstance).hasSize(1);
        assertThat(mesh.deadLetters().discard(id)).isFalse();
        assertThatThrownBy(() -> mesh.deadLetters().replay(id))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("discarded");
        assertThatThrownBy(() -> mesh.deadLetters().replay("dlq_nope")).isInstanceOf(IllegalArgumentException.class);
        assertThat(mesh.deadLetters().stats().discarded()).isEqualTo(1);
    }

    @Test
    void shouldNotCountAReplayWhenTheBreakerRefusedIt() {
        Connector c = down(
                DlqConfig.builder()
                        .replayRps(100)
                        .baseDelay(Duration.ofSeconds(1))
                        .maxReplays(2)
                        .build(),
                true);
        String id = park(c, "op-1");
        DlqService dlq = mesh.deadLetters();
        Exchange replay = TestStages.exchange(c.spec(), mesh.context(), write("op-1"));
        replay.replayOf(id);

        for (int i = 0; i < 5; i++) {
            assertThat(dlq.park(
                            c.id(), c.spec().dlq(), replay, Outcome.Failure.of(ErrorClass.circuit_open, "open"), false))
                    .isEqualTo(id);
        }

        DlqEntry e = dlq.entry(id).orElseThrow();
        assertThat(e.replays()).isZero();
        assertThat(e.state()).isEqualTo(DlqState.pending);
        assertThat(e.nextReplayAt())
                .as("soon: nothing was sent")
                .isEqualTo(time.instant().plus(DlqService.CIRCUIT_RECHECK));
        assertThat(dlq.list()).as("updated, not parked again").hasSize(1);
        assertThat(events)
                .filteredOn(ReplayFailed.class::isInstance)
                .allSatisfy(ev -> assertThat(((ReplayFailed) ev).counted()).isFalse());
    }

    @Test
    void shouldReplayNoFasterThanTheReplayRateWhenManyEntriesAreDue() {
        Connector c = down(
                DlqConfig.builder()
                        .replayRps(2)
                        .baseDelay(Duration.ofSeconds(1))
                        .maxReplays(10)
                        .build(),
                true);
        for (int i = 0; i < 5; i++) park(c, "op-" + i);
        time.advance(Duration.ofSeconds(1));

        assertThat(mesh.replayer().replayDue()).isEqualTo(2);
        assertThat(mesh.replayer().replayDue()).isZero();
        time.advance(Duration.ofMillis(500));
        assertThat(mesh.replayer().replayDue()).isEqualTo(1);
        time.advance(Duration.ofSeconds(1));
        assertThat(mesh.replayer().replayDue()).isEqualTo(2);
        assertThat(mesh.deadLetters().stats().replaying())
                .as("nothing left claimed")
                .isZero();
    }

    @Test
    void shouldKeepEveryEntryWhenTheStoreIsClosedAndReopened() {
        Connector c = down(DlqConfig.DEFAULT, true);
        String id = park(c, "op-1");
        DlqEntry before = mesh.deadLetters().entry(id).orElseThrow();
        mesh.close();

        mesh = open();

        assertThat(mesh.deadLetters().list())
                .singleElement()
                .usingRecursiveComparison()
                .isEqualTo(before);
        assertThat(mesh.deadLetters().stats().pending()).isEqualTo(1);
    }

    @Test
    void shouldLoseNothingWhenFiftyVirtualThreadsParkAtOnce() throws Exception {
        Connector c = down(DlqConfig.DEFAULT, true);
        var ids = new CopyOnWriteArrayList<String>();
        var start = new CountDownLatch(1);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 50; i++) {
                int n = i;
                pool.submit(() -> {
                    Exchange ex = TestStages.exchange(c.spec(), mesh.context(), write("op-" + n));
                    ex.idempotencyKey("key-" + n);
                    start.await();
                    ids.add(mesh.deadLetters()
                            .park(
                                    c.id(),
                                    c.spec().dlq(),
                                    ex,
                                    Outcome.Failure.of(ErrorClass.server_error, "503"),
                                    false));
                    return null;
                });
            }
            start.countDown();
        }

        assertThat(new HashSet<>(ids)).hasSize(50);
        List<DlqEntry> all = mesh.deadLetters().list();
        assertThat(all).hasSize(50);
        var keys = new ArrayList<String>();
        all.forEach(e -> keys.add(e.idempotencyKey()));
        assertThat(new HashSet<>(keys)).hasSize(50);
        assertThat(mesh.deadLetters().stats().pending()).isEqualTo(50);
    }

    @Test
    void shouldReportTheAgeOfTheOldestPendingEntry() {
        Connector c = down(DlqConfig.DEFAULT, true);
        park(c, "op-1");
        time.advance(Duration.ofSeconds(30));
        park(c, "op-2");
        time.advance(Duration.ofSeconds(10));

        assertThat(mesh.deadLetters().stats().oldestPendingAge()).isEqualTo(Duration.ofSeconds(40));
        assertThat(mesh.deadLetters().list(new DlqFilter("shop", DlqState.pending, 1)))
                .hasSize(1);
    }
}
