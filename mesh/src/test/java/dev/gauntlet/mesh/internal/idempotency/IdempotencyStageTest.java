package dev.gauntlet.mesh.internal.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The idempotency stage in front of a stage that plays the transport and looks at the store when it runs. */
class IdempotencyStageTest {

    final FakeTime time = new FakeTime();
    final MemoryStore store = new MemoryStore();
    final MeshContext context = new MeshContext(time, new EventBus(), store, null, new MemoryDeadLetters(time));
    final ConnectorSpec spec = ConnectorSpec.builder("shop", "http://upstream.test")
            .flavor("stripe")
            .build();

    static final Outcome OK = new Outcome.Success(new MeshResponse(200, null, null, null, null, false));

    /** Plays the upstream; records what each attempt carried and what the store said at that moment. */
    final class Transport implements Stage {
        final List<MeshRequest> sent = new ArrayList<>();
        final List<Intent> intentsSeen = new ArrayList<>();
        final Function<Exchange, Outcome> answer;

        Transport(Function<Exchange, Outcome> answer) {
            this.answer = answer;
        }

        @Override
        public String name() {
            return "transport";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            sent.add(exchange.request());
            intentsSeen.add(
                    exchange.idempotencyKey() == null
                            ? null
                            : store.intents().intent(exchange.idempotencyKey()).orElse(null));
            return answer.apply(exchange);
        }
    }

    /** What a read-back through the connector answers; none is expected unless a test sets it. */
    dev.gauntlet.mesh.vendor.Reader reader = request -> {
        throw new AssertionError("no read-back expected: " + request.path());
    };

    Outcome last;

    Exchange run(ConnectorSpec s, MeshRequest request, Transport transport) {
        Exchange ex = TestStages.exchange(s, context, request);
        last = new Pipeline(List.of(TestStages.idempotency(s, context, r -> reader.read(r)), transport)).run(ex);
        return ex;
    }

    static MeshRequest post(String opId, String body) {
        return new MeshRequest(
                "POST",
                "/v1/customers",
                Map.of("Authorization", "Bearer sk_live_x", "X-Trace", "t1"),
                body.getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded",
                opId,
                null);
    }

    @Test
    void shouldRecordTheIntentInFlightBeforeTheFirstAttemptWhenAWriteIsSent() {
        Transport t = new Transport(ex -> OK);

        Exchange ex = run(spec, post("op-1", "name=a"), t);

        assertThat(t.intentsSeen).singleElement().satisfies(i -> {
            assertThat(i.state()).isEqualTo(IntentState.in_flight);
            assertThat(i.connector()).isEqualTo("shop");
            assertThat(i.path()).isEqualTo("/v1/customers");
            assertThat(new String(i.body(), StandardCharsets.UTF_8)).isEqualTo("name=a");
            assertThat(i.headers())
                    .as("no secrets in the store")
                    .containsKey("X-Trace")
                    .doesNotContainKey("Authorization");
        });
        assertThat(store.intents().intent(ex.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.succeeded);
    }

    @Test
    void shouldSendTheDerivedKeyInTheVendorHeaderWhenTheCallerGivesNone() {
        Transport t = new Transport(ex -> OK);

        Exchange ex = run(spec, post("op-1", "name=a"), t);

        assertThat(ex.idempotencyKey()).startsWith("mesh_").hasSize(5 + 32);
        assertThat(t.sent.getFirst().header("Idempotency-Key")).isEqualTo(ex.idempotencyKey());
    }

    @Test
    void shouldDeriveTheKeysItAlwaysDerived() {
        // Pinned from the build before the key was hashed from one buffer: a key already sent (an intent in flight, a
        // parked write) must come out the same after an upgrade, or the upstream would take its replay for a new write.
        assertThat(IdempotencyKeys.derive(
                        "shop", new MeshRequest("POST", "/v1/customers", null, null, null, "op-1", null)))
                .isEqualTo("mesh_feedcd662db76c5ee02591ba0d63079e");
        assertThat(IdempotencyKeys.derive(
                        "shop",
                        new MeshRequest(
                                "POST",
                                "/v1/customers",
                                null,
                                "name=Ada".getBytes(StandardCharsets.UTF_8),
                                null,
                                null,
                                "acme")))
                .isEqualTo("mesh_7d41486e074b1378c68d743de85d3f51");
        assertThat(IdempotencyKeys.derive("shöp", new MeshRequest("PUT", "/v1/ü?x=1", null, null, null, "öp", null)))
                .isEqualTo("mesh_c05a5788259777c5b09ea06342115f9f");
    }

    @Test
    void shouldDeriveTheSameKeyWhenTheSameOperationIsSentAgain() {
        String a = IdempotencyKeys.derive("shop", post("op-1", "name=a"));
        assertThat(IdempotencyKeys.derive("shop", post("op-1", "name=a"))).isEqualTo(a);
        assertThat(IdempotencyKeys.derive("shop", post("op-1", "name=changed")))
                .as("the opId names the operation")
                .isEqualTo(a);
        assertThat(IdempotencyKeys.derive("shop", post("op-2", "name=a"))).isNotEqualTo(a);
        assertThat(IdempotencyKeys.derive("other", post("op-1", "name=a"))).isNotEqualTo(a);
        assertThat(IdempotencyKeys.derive("shop", post(null, "name=a")))
                .as("no opId: the body is hashed")
                .isEqualTo(IdempotencyKeys.derive("shop", post(null, "name=a")))
                .isNotEqualTo(IdempotencyKeys.derive("shop", post(null, "name=b")));
        var tenantB = new MeshRequest("POST", "/v1/customers", null, "name=a".getBytes(), null, "op-1", "b");
        assertThat(IdempotencyKeys.derive("shop", tenantB)).isNotEqualTo(a);
    }

    @Test
    void shouldKeepTheCallersKeyWhenTheRequestAlreadyCarriesOne() {
        Transport t = new Transport(ex -> OK);

        Exchange ex = run(spec, post("op-1", "name=a").withHeader("idempotency-key", "mine-1"), t);

        assertThat(ex.idempotencyKey()).isEqualTo("mine-1");
        assertThat(t.sent.getFirst().header("Idempotency-Key")).isEqualTo("mine-1");
        assertThat(t.sent.getFirst().headers().keySet().stream().filter(h -> h.equalsIgnoreCase("idempotency-key")))
                .hasSize(1);
    }

    @Test
    void shouldUseThePresetKeyWhenAReplayCarriesTheFirstOne() {
        Transport t = new Transport(ex -> OK);
        Exchange ex = TestStages.exchange(spec, context, post("op-1", "name=a"));
        ex.idempotencyKey("first-key");
        ex.replayOf("dlq_1");

        new Pipeline(List.of(TestStages.idempotency(spec, context, r -> reader.read(r)), t)).run(ex);

        assertThat(t.sent.getFirst().header("Idempotency-Key")).isEqualTo("first-key");
    }

    @Test
    void shouldUseTheVendorsHeaderNameWhenTheConnectorSaysAnother() {
        var s = ConnectorSpec.builder("shop", "http://upstream.test")
                .idempotency(IdempotencyConfig.builder().header("X-Request-Key").build())
                .build();
        Transport t = new Transport(ex -> OK);

        Exchange ex = run(s, post("op-1", "name=a"), t);

        assertThat(t.sent.getFirst().header("X-Request-Key")).isEqualTo(ex.idempotencyKey());
        assertThat(t.sent.getFirst().header("Idempotency-Key")).isNull();
    }

    @Test
    void shouldSendNoKeyButStillRecordTheIntentWhenKeysAreOffAndGiveReadsNeither() {
        var off = ConnectorSpec.builder("shop", "http://upstream.test")
                .idempotency(IdempotencyConfig.builder().enabled(false).build())
                .build();
        Transport t = new Transport(ex -> OK);

        Exchange write = run(off, post("op-1", "name=a"), t);
        Exchange read = run(spec, MeshRequest.get("/v1/customers"), t);

        assertThat(write.writeForm()).isEqualTo(WriteForm.PLAIN);
        assertThat(write.idempotencyKey()).as("the intent's name").isNotNull();
        assertThat(store.intents().intent(write.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.succeeded);
        assertThat(read.idempotencyKey()).isNull();
        assertThat(read.writeForm()).isNull();
        assertThat(t.sent)
                .allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isNull());
    }

    @Test
    void shouldSendNoKeyToAVendorThatHonoursNoneAndTellItsWriteForms() {
        var github = ConnectorSpec.builder("gh", "http://upstream.test")
                .flavor("github")
                .build();
        Transport t = new Transport(ex -> OK);

        Exchange create = run(
                github,
                new MeshRequest("POST", "/repos/o/r/issues", null, "{}".getBytes(), "application/json", "op-1", null),
                t);
        Exchange close = run(
                github,
                new MeshRequest(
                        "PATCH", "/repos/o/r/issues/1", null, "{}".getBytes(), "application/json", "op-2", null),
                t);

        assertThat(github.idempotency().enabled()).isFalse();
        assertThat(create.writeForm()).isEqualTo(WriteForm.PLAIN);
        assertThat(close.writeForm()).isEqualTo(WriteForm.NATURAL);
        assertThat(t.sent)
                .allSatisfy(r -> assertThat(r.header("Idempotency-Key")).isNull());
    }

    @Test
    void shouldRefuseKeysForAVendorThatHonoursNone() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectorSpec.builder("gh", "http://upstream.test")
                        .flavor("github")
                        .idempotency(IdempotencyConfig.DEFAULT)
                        .build())
                .hasMessageContaining("idempotency.enabled: github honours no idempotency key");
    }

    @Test
    void shouldCompleteTheIntentAsFailedOrParkedWhenTheCallFails() {
        Exchange refused = run(
                spec, post("op-1", "name=a"), new Transport(ex -> Outcome.Failure.of(ErrorClass.client_error, "400")));
        Exchange parked = run(spec, post("op-2", "name=a"), new Transport(ex -> {
            ex.deadLettered("dlq_x", false);
            return Outcome.Failure.of(ErrorClass.server_error, "503");
        }));

        assertThat(store.intents().intent(refused.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.failed);
        assertThat(store.intents().intent(parked.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.parked);
    }

    // --- the same write sent again while an earlier send is not settled is never sent twice

    static final ConnectorSpec GITHUB =
            ConnectorSpec.builder("gh", "http://upstream.test").flavor("github").build();

    static MeshRequest issue(String opId) {
        String body =
                "{\"title\":\"t\",\"body\":\"" + dev.gauntlet.mesh.internal.vendor.GitHubVendor.marker(opId) + "\"}";
        return new MeshRequest(
                "POST",
                "/repos/o/r/issues",
                null,
                body.getBytes(StandardCharsets.UTF_8),
                "application/json",
                opId,
                null);
    }

    @Test
    void shouldRefuseASecondSendOfAWriteWhoseFirstSendIsInFlight() {
        Transport inner = new Transport(ex -> OK);
        var second = new AtomicReference<Outcome>();
        // While the first send is on the wire, the caller sends the same write again.
        run(GITHUB, issue("op-9"), new Transport(ex -> {
            Exchange again = TestStages.exchange(GITHUB, context, issue("op-9"));
            second.set(new Pipeline(List.of(TestStages.idempotency(GITHUB, context, r -> reader.read(r)), inner))
                    .run(again));
            return OK;
        }));

        assertThat(inner.sent).as("the second send met the first in flight").isEmpty();
        assertThat(second.get()).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
            assertThat(f.status()).isEqualTo(409);
            assertThat(f.message()).contains("in progress");
        });
    }

    @Test
    void shouldAnswerAWriteSentAgainWhileItWaitsInTheDlqFromItsEntryWithoutSendingIt() {
        Exchange parked = run(GITHUB, issue("op-7"), new Transport(ex -> {
            store.dlq()
                    .insertEntry(new dev.gauntlet.mesh.dlq.DlqEntry(
                            "dlq_7",
                            "gh",
                            "default",
                            "POST",
                            "/repos/o/r/issues",
                            Map.of(),
                            new byte[0],
                            "application/json",
                            ex.idempotencyKey(),
                            "op-7",
                            List.of(),
                            ErrorClass.network_error,
                            "reset",
                            1,
                            dev.gauntlet.mesh.dlq.DlqState.pending,
                            true,
                            0,
                            time.instant(),
                            time.instant(),
                            time.instant()));
            ex.deadLettered("dlq_7", true);
            return Outcome.Failure.of(ErrorClass.network_error, "reset");
        }));
        assertThat(store.intents().intent(parked.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.parked);
        Transport t = new Transport(ex -> OK);

        Exchange again = run(GITHUB, issue("op-7"), t);

        assertThat(t.sent)
                .as("it waits in the DLQ: sending it again could do it twice")
                .isEmpty();
        assertThat(again.dlqId()).isEqualTo("dlq_7");
        assertThat(again.unknownOutcome()).isTrue();
        assertThat(last).isInstanceOf(Outcome.Failure.class);
    }

    @Test
    void shouldReadAPlainWriteThatSucceededBackInsteadOfSendingItAgain() {
        run(GITHUB, issue("op-5"), new Transport(ex -> OK));
        reader = request -> new MeshResponse(
                200,
                Map.of(),
                ("[{\"number\":5,\"created_at\":\"" + time.instant() + "\",\"body\":\""
                                + dev.gauntlet.mesh.internal.vendor.GitHubVendor.marker("op-5") + "\"}]")
                        .getBytes(StandardCharsets.UTF_8),
                null,
                null,
                false);
        Transport t = new Transport(ex -> OK);

        run(GITHUB, issue("op-5"), t);

        assertThat(t.sent).as("found upstream: answered from the read").isEmpty();
        assertThat(last)
                .isInstanceOfSatisfying(
                        Outcome.Success.class,
                        s -> assertThat(new String(s.response().body())).contains("\"number\":5"));
    }

    @Test
    void shouldSendAKeyedWriteThatSucceededAgainSinceTheVendorDeduplicatesIt() {
        run(spec, post("op-3", "name=a"), new Transport(ex -> OK));
        Transport t = new Transport(ex -> OK);

        run(spec, post("op-3", "name=a"), t);

        assertThat(t.sent).hasSize(1);
    }

    /** What a process killed mid-call leaves: the write's intent in flight in the store, and no call of this process sending it. */
    void leftInFlightByAStoppedProcess(ConnectorSpec s, MeshRequest request) {
        Exchange probe = TestStages.exchange(s, context, request);
        String key = request.header("Idempotency-Key") != null
                ? request.header("Idempotency-Key")
                : IdempotencyKeys.derive(s.id(), request);
        store.intents()
                .recordIntent(new Intent(
                        key,
                        s.id(),
                        request.tenant(),
                        request.method(),
                        request.path(),
                        Map.of(),
                        request.body(),
                        request.contentType(),
                        request.opId(),
                        IntentState.in_flight,
                        time.instant(),
                        time.instant()));
        assertThat(probe.idempotencyKey()).isNull();
    }

    static final ConnectorSpec DATADOG = ConnectorSpec.builder("dd", "http://upstream.test")
            .flavor("datadog")
            .build();

    static MeshRequest point(String opId) {
        String body =
                "{\"series\":[{\"metric\":\"m\",\"points\":[{\"timestamp\":1700000000,\"value\":1}],\"tags\":[\"op_id:"
                        + opId + "\"]}]}";
        return new MeshRequest(
                "POST", "/api/v2/series", null, body.getBytes(StandardCharsets.UTF_8), "application/json", opId, null);
    }

    @Test
    void shouldParkAKeylessWriteLeftInFlightByACrashAsUnknownWhenItIsSentAgainInsteadOfSendingIt() {
        leftInFlightByAStoppedProcess(DATADOG, point("op-dd-1"));
        Transport t = new Transport(ex -> OK);

        Exchange again = run(DATADOG, point("op-dd-1"), t);

        assertThat(t.sent)
                .as("its outcome is unknown: sent again it could be committed twice")
                .isEmpty();
        assertThat(again.dlqId()).isNotNull();
        assertThat(again.unknownOutcome()).isTrue();
        assertThat(((MemoryDeadLetters) context.deadLetters()).parked())
                .singleElement()
                .satisfies(p -> {
                    assertThat(p.unknownOutcome()).isTrue();
                    assertThat(p.idempotencyKey()).isEqualTo(again.idempotencyKey());
                });
        assertThat(store.intents().intent(again.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.parked);
        assertThat(last).isInstanceOf(Outcome.Failure.class);
    }

    @Test
    void shouldReadAPlainWriteLeftInFlightBackOnceTheReadIsConclusiveAndAnswerFromIt() {
        leftInFlightByAStoppedProcess(GITHUB, issue("op-gh-1"));
        time.advance(GITHUB.dlq().settleAfter(ErrorClass.timeout).plusSeconds(1));
        reader = request -> new MeshResponse(
                200,
                Map.of(),
                ("[{\"number\":7,\"created_at\":\"" + time.instant() + "\",\"body\":\""
                                + dev.gauntlet.mesh.internal.vendor.GitHubVendor.marker("op-gh-1") + "\"}]")
                        .getBytes(StandardCharsets.UTF_8),
                null,
                null,
                false);
        Transport t = new Transport(ex -> OK);

        Exchange again = run(GITHUB, issue("op-gh-1"), t);

        assertThat(t.sent)
                .as("committed before the crash: answered from the read")
                .isEmpty();
        assertThat(last)
                .isInstanceOfSatisfying(
                        Outcome.Success.class,
                        s -> assertThat(new String(s.response().body())).contains("\"number\":7"));
        assertThat(store.intents().intent(again.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.succeeded);
    }

    @Test
    void shouldSendAPlainWriteLeftInFlightWhenAConclusiveReadDoesNotFindIt() {
        leftInFlightByAStoppedProcess(GITHUB, issue("op-gh-2"));
        time.advance(GITHUB.dlq().settleAfter(ErrorClass.timeout).plusSeconds(1));
        reader = request -> new MeshResponse(200, Map.of(), "[]".getBytes(StandardCharsets.UTF_8), null, null, false);
        Transport t = new Transport(ex -> OK);

        run(GITHUB, issue("op-gh-2"), t);

        assertThat(t.sent).as("never committed, and too long ago to land now").hasSize(1);
    }

    @Test
    void shouldSendAKeyedWriteLeftInFlightAgainWithItsKey() {
        leftInFlightByAStoppedProcess(spec, post("op-k", "name=a"));
        Transport t = new Transport(ex -> OK);

        Exchange again = run(spec, post("op-k", "name=a"), t);

        assertThat(t.sent)
                .singleElement()
                .satisfies(r -> assertThat(r.header("Idempotency-Key")).isEqualTo(again.idempotencyKey()));
        assertThat(store.intents().intent(again.idempotencyKey()))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.succeeded);
    }

    @Test
    void shouldNeverSendAPlainWriteThatSucceededAgainWhenItCannotBeReadBack() {
        run(GITHUB, issue("op-5b"), new Transport(ex -> OK));
        reader = request -> new MeshResponse(503, Map.of(), "{}".getBytes(StandardCharsets.UTF_8), null, null, false);
        Transport t = new Transport(ex -> OK);

        run(GITHUB, issue("op-5b"), t);

        assertThat(t.sent).isEmpty();
        assertThat(last).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
            assertThat(f.status()).isEqualTo(409);
            assertThat(f.message()).contains("not sent twice");
        });
    }
}
