package dev.gauntlet.mesh.internal.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.internal.dlq.DlqService;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.metrics.MeshMetrics;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The send fence between a write's intent and its attempt: the pipeline's idempotency stage, a stage that plays the
 * wait before the attempt (a Retry-After, a rate-limit queue, a frozen process) and lets the rest of the world act
 * meanwhile, the fence, and a transport that counts what was sent.
 */
class SendFenceStageTest {

    static final Duration RECOVER_AFTER = Duration.ofSeconds(35);

    final FakeTime time = new FakeTime();
    final MemoryStore store = new MemoryStore();
    final EventBus events = new EventBus();
    final DlqService dlq = new DlqService(store.dlq(), store.intents(), time, events, id -> null);
    final MeshContext context = new MeshContext(
            time, events, store, null, dlq, new MeshMetrics(time, events), new InFlightWrites(), null, RECOVER_AFTER);
    /** A vendor without idempotency keys, read back after 10 s: the fence renews after a quarter of that. */
    final ConnectorSpec spec = ConnectorSpec.builder("dd", "http://upstream.test")
            .flavor("datadog")
            .dlq(DlqConfig.builder()
                    .readBackAfter(Duration.ZERO)
                    .inFlightFor(Duration.ofSeconds(10))
                    .build())
            .build();

    /** The fence under test: the connector's own unless a test sets one. */
    Stage fence;

    final List<MeshRequest> sent = new ArrayList<>();
    /** The write's intent as the store held it when each attempt went out. */
    final List<Intent> intentsAtSend = new ArrayList<>();

    Outcome last;

    /** Waits {@code wait} before the attempt; {@code meanwhile} is what the rest of the world does during it. */
    Exchange write(String opId, Duration wait, Runnable meanwhile, String replayOf) {
        Stage waiting = new Stage() {
            @Override
            public String name() {
                return "wait";
            }

            @Override
            public Outcome handle(Exchange exchange, Chain next) {
                time.advance(wait);
                meanwhile.run();
                return next.proceed(exchange);
            }
        };
        Stage transport = new Stage() {
            @Override
            public String name() {
                return "transport";
            }

            @Override
            public Outcome handle(Exchange exchange, Chain next) {
                sent.add(exchange.request());
                intentsAtSend.add(store.intents().intent(exchange.intentKey()).orElseThrow());
                return new Outcome.Success(new MeshResponse(202, null, null, null, null, false));
            }
        };
        MeshRequest post = new MeshRequest(
                "POST",
                "/api/v2/series",
                Map.of(),
                "{\"series\":[]}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                opId,
                null);
        Exchange ex = TestStages.exchange(spec, context, post);
        if (replayOf != null) {
            ex.replayOf(replayOf);
            ex.idempotencyKey(store.dlq().entry(replayOf).orElseThrow().idempotencyKey());
        }
        last = new Pipeline(List.of(
                        TestStages.idempotency(spec, context, r -> {
                            throw new AssertionError("no read-back expected");
                        }),
                        waiting,
                        fence != null ? fence : TestStages.fence(spec, context),
                        transport))
                .run(ex);
        return ex;
    }

    Intent intent(Exchange ex) {
        return store.intents().intent(ex.intentKey()).orElseThrow();
    }

    @Test
    void shouldSendAWriteThatWaitedBrieflyWithoutTouchingItsIntentAgain() {
        Exchange ex = write("op-1", Duration.ofSeconds(1), () -> {}, null);

        assertThat(sent).hasSize(1);
        assertThat(last.isSuccess()).isTrue();
        assertThat(TestStages.fence(spec, context).status()).containsEntry("renew_after_ms", 2_500L);
        assertThat(intent(ex).state()).isEqualTo(IntentState.succeeded);
    }

    @Test
    void shouldRenewTheIntentOfAWriteThatWaitedLongSoThatNoRecoveryTakesItWhileItIsSent() {
        Instant recorded = time.instant();
        write("op-2", Duration.ofSeconds(30), () -> {}, null);

        assertThat(sent).hasSize(1);
        assertThat(intentsAtSend).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo(IntentState.in_flight);
            assertThat(i.updatedAt()).as("renewed before the attempt").isEqualTo(recorded.plusSeconds(30));
        });
    }

    @Test
    void shouldNotSendAWriteThatRecoveryMovedToTheDlqWhileItWaitedAndAnswerAsThatEntry() {
        Exchange ex = write(
                "op-3",
                RECOVER_AFTER.plusSeconds(1),
                () -> assertThat(dlq.recoverInFlight(time.instant().minus(RECOVER_AFTER)))
                        .isOne(),
                null);

        assertThat(sent)
                .as("the write is the DLQ's now: sent by its replay, not by this call")
                .isEmpty();
        assertThat(ex.fenced()).contains("taken over");
        DlqEntry entry = store.dlq().openEntry("dd", ex.intentKey()).orElseThrow();
        assertThat(ex.dlqId()).isEqualTo(entry.id());
        assertThat(last).isInstanceOf(Outcome.Failure.class);
        assertThat(intent(ex).state())
                .as("left as recovery wrote it, not ended as this call's failure")
                .isEqualTo(IntentState.parked);
    }

    @Test
    void shouldNotSendAWriteThatAnotherSendRecordedWhileItWaited() {
        Exchange ex = write(
                "op-4",
                Duration.ofSeconds(20),
                () -> {
                    // Another node read the write back, found nothing, and is sending it now.
                    Intent mine = store.intents().intent(firstKey()).orElseThrow();
                    store.intents()
                            .recordIntent(new Intent(
                                    mine.key(),
                                    mine.connector(),
                                    mine.tenant(),
                                    mine.method(),
                                    mine.path(),
                                    mine.headers(),
                                    mine.body(),
                                    mine.contentType(),
                                    mine.opId(),
                                    IntentState.in_flight,
                                    mine.createdAt(),
                                    time.instant().minusSeconds(1)));
                },
                null);

        assertThat(sent).isEmpty();
        assertThat(last)
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.inProgress()).isTrue());
        assertThat(intent(ex).state()).as("the other send's, untouched").isEqualTo(IntentState.in_flight);
    }

    @Test
    void shouldNotSendAReplayWhoseClaimRanOut() {
        Instant now = time.instant();
        DlqEntry parked = new DlqEntry(
                "dlq-1",
                "dd",
                "default",
                "POST",
                "/api/v2/series",
                Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json",
                "mesh_k1",
                "op-5",
                List.of(),
                null,
                "parked",
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                false,
                0,
                now,
                now,
                now);
        store.dlq().insertEntry(parked);
        assertThat(store.dlq().claimDue("dd", now, 10)).hasSize(1);

        write(
                "op-5",
                RECOVER_AFTER.plusSeconds(1),
                // Its lease ran out (a frozen node): released for another replayer to claim.
                () -> assertThat(store.dlq().releaseClaims(time.instant().minus(RECOVER_AFTER), time.instant()))
                        .isOne(),
                "dlq-1");

        assertThat(sent).isEmpty();
    }

    /**
     * A full disk (or a lost database) when the intent is due for renewal: whether the write is still this call's
     * cannot be known, so it is not sent, and the store's refusal goes up to the caller (503 with Retry-After through
     * the proxy: it asks again, and the write found in flight is never resent blindly); the intent stays in flight.
     */
    @Test
    void shouldNotSendAWriteWhoseIntentTheStoreCannotRenewAndLetTheCallerAskAgain() {
        IntentRepository full = new IntentRepository() {
            @Override
            public void recordIntent(Intent intent) {
                store.intents().recordIntent(intent);
            }

            @Override
            public boolean completeIntent(String key, IntentState state, Instant at) {
                return store.intents().completeIntent(key, state, at);
            }

            @Override
            public boolean moveIntent(String key, Instant seen, IntentState state, Instant at) {
                throw new StoreUnavailable(StoreUnavailable.Reason.full, Duration.ofSeconds(1), "disk full", null);
            }

            @Override
            public java.util.Optional<Intent> intent(String key) {
                return store.intents().intent(key);
            }

            @Override
            public List<Intent> staleIntents(Instant olderThan, int limit) {
                return store.intents().staleIntents(olderThan, limit);
            }
        };
        fence = new SendFenceStage("dd", full, store.dlq(), time, RECOVER_AFTER, Duration.ofSeconds(10));

        assertThatThrownBy(() -> write("op-6", Duration.ofSeconds(20), () -> {}, null))
                .isInstanceOf(StoreUnavailable.class)
                .hasMessageContaining("disk full");

        assertThat(sent).isEmpty();
        assertThat(store.intents().staleIntents(time.instant().plusSeconds(1), 10))
                .as("in flight, for the caller's next ask or recovery")
                .singleElement()
                .satisfies(i -> assertThat(i.opId()).isEqualTo("op-6"));
    }

    private String firstKey() {
        return store.intents()
                .staleIntents(time.instant().plusSeconds(1), 10)
                .getFirst()
                .key();
    }
}
