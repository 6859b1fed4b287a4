package dev.gauntlet.mesh.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RetryBudgetExhausted;
import dev.gauntlet.mesh.event.RetryGaveUp;
import dev.gauntlet.mesh.event.RetryScheduled;
import dev.gauntlet.mesh.event.WriteReadBack;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import dev.gauntlet.mesh.retry.RetryConfig;
import dev.gauntlet.mesh.vendor.Reader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The retry stage on a fake clock, in front of a scripted stage that plays the upstream. */
class RetryStageTest {

    final FakeTime time = new FakeTime();
    final MemoryDeadLetters dlq = new MemoryDeadLetters(time);
    final EventBus events = new EventBus();
    final List<MeshEvent> published = new ArrayList<>();
    final MeshContext context = new MeshContext(time, events, new MemoryStore(), null, dlq);

    /** What a read-back through the connector's pipeline answers; by default none is expected. */
    Reader reader = request -> {
        throw new AssertionError("no read-back expected: " + request.path());
    };

    final List<MeshRequest> reads = new ArrayList<>();

    {
        events.subscribe(published::add);
    }

    static final Outcome OK = new Outcome.Success(new MeshResponse(200, null, null, null, null, false));

    static Outcome.Failure fail(ErrorClass c) {
        return new Outcome.Failure(
                c, c == ErrorClass.network_error || c == ErrorClass.timeout ? 0 : 500, c.name(), null, null);
    }

    static ConnectorSpec spec(int maxAttempts, Duration total) {
        return ConnectorSpec.builder("shop", "http://upstream.test")
                .flavor("stripe")
                .retry(RetryConfig.builder()
                        .maxAttempts(maxAttempts)
                        .baseDelay(Duration.ofMillis(100))
                        .maxDelay(Duration.ofSeconds(2))
                        .budgetRatio(0.1)
                        .build())
                .timeouts(Timeouts.builder()
                        .attempt(Duration.ofSeconds(1))
                        .total(total)
                        .build())
                .build();
    }

    /** Plays the upstream: the outcome of attempt n; records the attempt number the exchange carried. */
    static final class Scripted implements Stage {
        final IntFunction<Outcome> script;
        final List<Integer> attemptNumbers = new ArrayList<>();
        Duration each = Duration.ZERO;
        FakeTime time;
        int calls;

        Scripted(IntFunction<Outcome> script) {
            this.script = script;
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            calls++;
            attemptNumbers.add(exchange.attemptNumber());
            if (time != null) time.advance(each);
            Outcome o = script.apply(exchange.attemptNumber());
            exchange.record(new Attempt(
                    exchange.attemptNumber(),
                    time == null ? null : time.instant(),
                    0,
                    0,
                    o instanceof Outcome.Failure f ? f.errorClass() : null,
                    null));
            return o;
        }
    }

    RetryStage retry(ConnectorSpec spec) {
        return TestStages.retry(
                spec,
                context,
                request -> {
                    reads.add(request);
                    return reader.read(request);
                },
                new SplittableRandom(42));
    }

    /** An exchange as the idempotency stage leaves it: a write carries its vendor's write form. */
    Exchange exchange(ConnectorSpec spec, MeshRequest request) {
        Exchange ex = TestStages.exchange(spec, context, request);
        if (ex.isWrite())
            ex.writeForm(spec.vendor().writeForm(request, spec.idempotency().enabled()));
        return ex;
    }

    Outcome run(ConnectorSpec spec, RetryStage stage, Scripted upstream, Exchange exchange) {
        return new Pipeline(List.of(TestStages.deadline(spec, context), stage, upstream)).run(exchange);
    }

    Outcome read(ConnectorSpec spec, Scripted upstream) {
        return run(spec, retry(spec), upstream, exchange(spec, MeshRequest.get("/v1/things")));
    }

    static MeshRequest write() {
        return new MeshRequest(
                "POST", "/v1/things", null, "a=1".getBytes(), "application/x-www-form-urlencoded", "op-1", null);
    }

    @Test
    void shouldRetryServerErrorsWhenTheUpstreamThenRecovers() {
        var spec = spec(4, Duration.ofSeconds(30));
        Scripted upstream = new Scripted(n -> n < 3 ? fail(ErrorClass.server_error) : OK);
        // A fresh connector has not earned retries yet: one success first (see RetryBudget).
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();

        Outcome o = run(spec, stage, upstream, exchange(spec, MeshRequest.get("/v1/things")));

        assertThat(o.isSuccess()).isTrue();
        assertThat(upstream.attemptNumbers).containsExactly(1, 2, 3);
        // Full jitter drawn from the seeded random (42): the first wait from [0, 100 ms], the second from [0, 200 ms].
        assertThat(time.sleeps).containsExactly(Duration.ofNanos(80_350_727), Duration.ofNanos(88_880_952));
        assertThat(published)
                .filteredOn(RetryScheduled.class::isInstance)
                .hasSize(2)
                .first()
                .satisfies(e -> assertThat(((RetryScheduled) e).errorClass()).isEqualTo(ErrorClass.server_error));
        assertThat(stage.status()).containsEntry("retries", 2L).containsEntry("first_attempts", 1L);
    }

    @Test
    void shouldWaitAtLeastTheRetryAfterWhenTheUpstreamAsksForThreeSeconds() {
        var spec = spec(4, Duration.ofSeconds(30));
        Outcome limited = new Outcome.Failure(ErrorClass.rate_limit, 429, "HTTP 429", Duration.ofSeconds(3), null);
        Scripted upstream = new Scripted(n -> n == 1 ? limited : OK);
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();

        assertThat(run(spec, stage, upstream, exchange(spec, MeshRequest.get("/v1/things")))
                        .isSuccess())
                .isTrue();

        assertThat(time.sleeps)
                .singleElement()
                .satisfies(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(3)));
    }

    @Test
    void shouldStopAtMaxAttemptsWhenEveryAttemptFails() {
        var spec = spec(3, Duration.ofSeconds(30));
        Scripted upstream = new Scripted(n -> fail(ErrorClass.server_error));
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();

        Outcome o = run(spec, stage, upstream, exchange(spec, MeshRequest.get("/v1/things")));

        assertThat(o)
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.server_error));
        assertThat(upstream.calls).isEqualTo(3);
        assertThat(published)
                .filteredOn(RetryGaveUp.class::isInstance)
                .singleElement()
                .satisfies(e -> assertThat(((RetryGaveUp) e).reason()).isEqualTo("max_attempts"));
        assertThat(dlq.parked()).as("reads are not parked").isEmpty();
    }

    @Test
    void shouldNotRetryWhenTheFailureCannotBeFixedByRetrying() {
        for (ErrorClass c : List.of(ErrorClass.client_error, ErrorClass.invalid_creds, ErrorClass.circuit_open)) {
            var spec = spec(4, Duration.ofSeconds(30));
            Scripted upstream = new Scripted(n -> fail(c));
            RetryStage stage = retry(spec);
            stage.budget().onSuccess();
            Outcome o = run(spec, stage, upstream, exchange(spec, MeshRequest.get("/v1/things")));
            assertThat(upstream.calls).as(c.name()).isEqualTo(1);
            assertThat(((Outcome.Failure) o).errorClass()).isEqualTo(c);
        }
        assertThat(time.sleeps).isEmpty();
    }

    @Test
    void shouldParkAPlainWriteAsUnknownWhenANetworkErrorStrikesAndItCannotBeReadBack() {
        var spec = spec(4, Duration.ofSeconds(30));
        Scripted upstream = new Scripted(n -> fail(ErrorClass.network_error));
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        Exchange ex = exchange(spec, write());
        ex.writeForm(WriteForm.PLAIN); // /v1/things carries no op id the vendor can read it back by

        Outcome o = run(spec, stage, upstream, ex);

        assertThat(o.isSuccess()).isFalse();
        assertThat(upstream.calls).as("a blind retry could commit it twice").isEqualTo(1);
        assertThat(ex.dlqId()).isNotNull();
        assertThat(ex.unknownOutcome()).isTrue();
        assertThat(dlq.parked()).singleElement().satisfies(p -> {
            assertThat(p.unknownOutcome()).isTrue();
            assertThat(p.errorClass()).isEqualTo("network_error");
        });
    }

    @Test
    void shouldRetryAKeyedWriteWhenAnAmbiguousFailureStrikes() {
        var spec = spec(4, Duration.ofSeconds(30));
        Scripted upstream = new Scripted(n -> n == 1 ? fail(ErrorClass.timeout) : OK);
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        Exchange ex = exchange(spec, write());
        ex.idempotencyKey("idem-1");
        assertThat(ex.writeForm()).isEqualTo(WriteForm.KEYED);

        assertThat(run(spec, stage, upstream, ex).isSuccess()).isTrue();
        assertThat(upstream.calls).isEqualTo(2);
        assertThat(ex.dlqId()).isNull();
    }

    @Test
    void shouldRetryAnUnkeyedWriteWhenTheFailureWasNotAmbiguous() {
        // A 5xx or 429 answer means the upstream refused or failed the request; retrying it is not blind.
        var spec = spec(4, Duration.ofSeconds(30));
        Scripted upstream = new Scripted(n -> n == 1 ? fail(ErrorClass.server_error) : OK);
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        Exchange ex = exchange(spec, write());

        assertThat(run(spec, stage, upstream, ex).isSuccess()).isTrue();
        assertThat(upstream.calls).isEqualTo(2);
    }

    @Test
    void shouldParkAWriteAsKnownWhenRetriesRunOutTheCircuitIsOpenOrCredentialsAreRefused() {
        var spec = spec(3, Duration.ofSeconds(30));
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        Exchange exhausted = exchange(spec, write());
        run(spec, stage, new Scripted(n -> fail(ErrorClass.server_error)), exhausted);
        Exchange open = exchange(spec, write());
        run(spec, stage, new Scripted(n -> fail(ErrorClass.circuit_open)), open);
        Exchange refused = exchange(spec, write());
        run(spec, stage, new Scripted(n -> fail(ErrorClass.invalid_creds)), refused);

        assertThat(exhausted.dlqId()).isNotNull();
        assertThat(exhausted.unknownOutcome()).isFalse();
        assertThat(open.dlqId()).isNotNull();
        assertThat(refused.dlqId())
                .as("refused credentials get fixed; the write must wait, not vanish")
                .isNotNull();
        assertThat(dlq.parked())
                .extracting(MemoryDeadLetters.Parked::errorClass)
                .containsExactly("server_error", "circuit_open", "invalid_creds");
        assertThat(dlq.parked()).noneMatch(MemoryDeadLetters.Parked::unknownOutcome);
    }

    @Test
    void shouldNotParkAWriteWhenTheUpstreamRefusesIt() {
        var spec = spec(3, Duration.ofSeconds(30));
        for (ErrorClass c : List.of(ErrorClass.client_error)) {
            Exchange ex = exchange(spec, write());
            run(spec, retry(spec), new Scripted(n -> fail(c)), ex);
            assertThat(ex.dlqId()).as(c.name()).isNull();
        }
        assertThat(dlq.parked()).isEmpty();
    }

    @Test
    void shouldGiveUpAtOnceWhenTheWaitWouldCrossTheDeadline() {
        var spec = spec(6, Duration.ofSeconds(2));
        Outcome limited = new Outcome.Failure(ErrorClass.rate_limit, 429, "HTTP 429", Duration.ofSeconds(60), null);
        Scripted upstream = new Scripted(n -> limited);
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();

        Outcome o = read(spec, upstream);

        assertThat(upstream.calls).isEqualTo(1);
        assertThat(time.sleeps).as("sleeping past the deadline helps nobody").isEmpty();
        assertThat(((Outcome.Failure) o).errorClass())
                .as("the upstream's reason, not ours")
                .isEqualTo(ErrorClass.rate_limit);
    }

    @Test
    void shouldAnswerTimeoutWhenTheCallsTimeBudgetRunsOut() {
        var spec = spec(10, Duration.ofSeconds(5));
        Scripted upstream = new Scripted(n -> fail(ErrorClass.server_error));
        upstream.time = time;
        upstream.each = Duration.ofMillis(1900);
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        Exchange ex = exchange(spec, MeshRequest.get("/v1/things"));

        Outcome o = run(spec, stage, upstream, ex);

        assertThat(ex.deadline()).isEqualTo(ex.startedAt().plusSeconds(5));
        assertThat(((Outcome.Failure) o).errorClass()).isEqualTo(ErrorClass.timeout);
        assertThat(((Outcome.Failure) o).message()).startsWith("deadline passed after 3 attempts; last: server_error");
        assertThat(time.instant()).isBefore(ex.deadline().plusSeconds(2));
        assertThat(upstream.calls).isEqualTo(3);
    }

    @Test
    void shouldCapAmplificationWhenEveryAttemptFailsDuringAnOutage() {
        var spec = spec(6, Duration.ofSeconds(30));
        RetryStage stage = retry(spec);
        Scripted upstream = new Scripted(n -> fail(ErrorClass.server_error));
        for (int i = 0; i < 1000; i++) run(spec, stage, upstream, exchange(spec, MeshRequest.get("/v1/things")));

        assertThat(upstream.calls).isLessThanOrEqualTo(1100).isGreaterThan(1000);
        assertThat(published).filteredOn(RetryBudgetExhausted.class::isInstance).isNotEmpty();
        assertThat(stage.status()).containsEntry("first_attempts", 1000L);
    }

    @Test
    void shouldCapAmplificationWhenAnOutageFollowsCalmTraffic() {
        var spec = spec(6, Duration.ofSeconds(30));
        RetryStage stage = retry(spec);
        for (int i = 0; i < 1000; i++)
            run(spec, stage, new Scripted(n -> OK), exchange(spec, MeshRequest.get("/v1/things")));
        Scripted down = new Scripted(n -> fail(ErrorClass.server_error));
        for (int i = 0; i < 1000; i++) run(spec, stage, down, exchange(spec, MeshRequest.get("/v1/things")));

        // 10 % of the outage's calls, plus what calm traffic saved up (the cap).
        assertThat(down.calls).isLessThanOrEqualTo(1000 + 100 + (int) RetryConfig.DEFAULT_CAP);
    }

    @Test
    void shouldGetNearlyEveryCallThroughWhenHalfTheAttemptsFail() {
        var spec = spec(6, Duration.ofSeconds(30));
        RetryStage stage = retry(spec);
        SplittableRandom coin = new SplittableRandom(3);
        Scripted upstream = new Scripted(n -> coin.nextBoolean() ? OK : fail(ErrorClass.server_error));
        int ok = 0;
        for (int i = 0; i < 1000; i++)
            if (run(spec, stage, upstream, exchange(spec, MeshRequest.get("/v1/things")))
                    .isSuccess()) ok++;

        assertThat(ok).isGreaterThanOrEqualTo(950);
    }

    @Test
    void shouldKeepACallersTighterDeadlineWhenOneIsSet() {
        var spec = spec(3, Duration.ofSeconds(30));
        Exchange ex = exchange(spec, MeshRequest.get("/v1/things"));
        ex.deadline(ex.startedAt().plusSeconds(1));
        run(spec, retry(spec), new Scripted(n -> OK), ex);
        assertThat(ex.deadline()).isEqualTo(ex.startedAt().plusSeconds(1));
    }

    // --- plain writes are read back before anything is sent again ---

    /** A Stripe customer create without keys: a plain write the vendor can read back by its metadata[op_id]. */
    static ConnectorSpec plainStripe(Duration readBackAfter) {
        return ConnectorSpec.builder("shop", "http://upstream.test")
                .flavor("stripe")
                .idempotency(dev.gauntlet.mesh.idempotency.IdempotencyConfig.builder()
                        .enabled(false)
                        .build())
                .dlq(DlqConfig.builder()
                        .replayRps(20)
                        .baseDelay(Duration.ofMillis(500))
                        .maxReplays(10)
                        .readBackAfter(readBackAfter)
                        .build())
                .retry(RetryConfig.builder()
                        .maxAttempts(4)
                        .baseDelay(Duration.ofMillis(100))
                        .maxDelay(Duration.ofSeconds(2))
                        .budgetRatio(0.1)
                        .build())
                .timeouts(Timeouts.builder()
                        .attempt(Duration.ofSeconds(1))
                        .total(Duration.ofSeconds(30))
                        .build())
                .build();
    }

    static MeshRequest customer(String opId) {
        return new MeshRequest(
                "POST",
                "/v1/customers",
                null,
                ("name=Ada&metadata%5Bop_id%5D=" + opId).getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded",
                opId,
                null);
    }

    static MeshResponse list(String... opIds) {
        var data = new StringBuilder();
        for (String op : opIds)
            data.append(data.isEmpty() ? "" : ",")
                    .append("{\"id\":\"cus_")
                    .append(op)
                    .append("\",\"metadata\":{\"op_id\":\"")
                    .append(op)
                    .append("\"}}");
        return new MeshResponse(
                200,
                Map.of(),
                ("{\"object\":\"list\",\"has_more\":false,\"data\":[" + data + "]}").getBytes(StandardCharsets.UTF_8),
                null,
                null,
                false);
    }

    @Test
    void shouldAnswerFromTheReadBackAndSendNothingAgainWhenALostAnswersWriteWasCommitted() {
        var spec = plainStripe(Duration.ZERO);
        reader = request -> list("op-other", "op-7");
        Scripted upstream = new Scripted(n -> fail(ErrorClass.network_error));
        RetryStage stage = retry(spec);
        Exchange ex = exchange(spec, customer("op-7"));
        assertThat(ex.writeForm()).isEqualTo(WriteForm.PLAIN);

        Outcome o = run(spec, stage, upstream, ex);

        assertThat(o)
                .isInstanceOfSatisfying(
                        Outcome.Success.class,
                        s -> assertThat(new String(s.response().body())).contains("cus_op-7"));
        assertThat(upstream.calls).as("found: never sent again").isEqualTo(1);
        assertThat(reads)
                .singleElement()
                .satisfies(r -> assertThat(r.path()).startsWith("/v1/customers?limit=100&created%5Bgte%5D="));
        assertThat(ex.dlqId()).isNull();
        assertThat(published)
                .filteredOn(WriteReadBack.class::isInstance)
                .singleElement()
                .satisfies(e -> assertThat(((WriteReadBack) e).result()).isEqualTo("found"));
        assertThat(stage.status()).containsEntry("read_back_found", 1L);
    }

    @Test
    void shouldSendAgainWhenTheReadBackConclusivelyMissesIt() {
        var spec = plainStripe(Duration.ZERO);
        reader = request -> list("op-other");
        Scripted upstream = new Scripted(n -> n == 1 ? fail(ErrorClass.network_error) : OK);
        Exchange ex = exchange(spec, customer("op-7"));

        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        assertThat(run(spec, stage, upstream, ex).isSuccess()).isTrue();
        assertThat(upstream.calls).isEqualTo(2);
        assertThat(reads).hasSize(1);
    }

    @Test
    void shouldParkAsUnknownWhenAMissCouldStillBeTheUpstreamsIngestionDelay() {
        var spec = plainStripe(Duration.ofMinutes(2));
        reader = request -> list();
        Scripted upstream = new Scripted(n -> fail(ErrorClass.network_error));
        Exchange ex = exchange(spec, customer("op-7"));

        assertThat(run(spec, retry(spec), upstream, ex).isSuccess()).isFalse();
        assertThat(upstream.calls).isEqualTo(1);
        assertThat(ex.unknownOutcome()).isTrue();
    }

    @Test
    void shouldParkATimedOutPlainWriteWithoutReadingItBackSinceTheUpstreamMayStillBeAtIt() {
        var spec = plainStripe(Duration.ZERO);
        Scripted upstream = new Scripted(n -> fail(ErrorClass.timeout));
        Exchange ex = exchange(spec, customer("op-7"));

        assertThat(run(spec, retry(spec), upstream, ex).isSuccess()).isFalse();
        assertThat(upstream.calls).isEqualTo(1);
        assertThat(reads).isEmpty();
        assertThat(ex.unknownOutcome()).isTrue();
    }

    @Test
    void shouldParkAsUnknownWhenTheReadBackCannotTell() {
        var spec = plainStripe(Duration.ZERO);
        reader = request -> {
            throw new dev.gauntlet.mesh.call.MeshException.CallFailed(
                    "shop", ErrorClass.server_error, List.of(), "503");
        };
        Scripted upstream = new Scripted(n -> fail(ErrorClass.network_error));
        Exchange ex = exchange(spec, customer("op-7"));

        Outcome o = run(spec, retry(spec), upstream, ex);

        assertThat(o)
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.message()).contains("read-back: the read failed"));
        assertThat(upstream.calls).isEqualTo(1);
        assertThat(ex.unknownOutcome()).isTrue();
    }

    @Test
    void shouldRetryANaturallyIdempotentWriteAsItIsWhenAnAmbiguousFailureStrikes() {
        var spec = ConnectorSpec.builder("sf", "http://upstream.test")
                .flavor("salesforce")
                .retry(RetryConfig.builder()
                        .maxAttempts(4)
                        .baseDelay(Duration.ofMillis(100))
                        .maxDelay(Duration.ofSeconds(2))
                        .budgetRatio(0.1)
                        .build())
                .build();
        var upsert = new MeshRequest(
                "PATCH",
                "/services/data/v59.0/sobjects/Account/External_Id__c/op-1",
                null,
                "{}".getBytes(),
                "application/json",
                "op-1",
                null);
        Scripted upstream = new Scripted(n -> n == 1 ? fail(ErrorClass.timeout) : OK);
        Exchange ex = exchange(spec, upsert);
        assertThat(ex.writeForm()).isEqualTo(WriteForm.NATURAL);

        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        assertThat(run(spec, stage, upstream, ex).isSuccess()).isTrue();
        assertThat(upstream.calls).isEqualTo(2);
        assertThat(reads).isEmpty();
    }

    @Test
    void shouldParkAKeyedWriteAsUnknownWithoutRetryingWhenTheUpstreamSavedItsFailedAnswer() {
        var spec = spec(4, Duration.ofSeconds(30));
        MeshResponse saved = new MeshResponse(
                500, Map.of("Stripe-Should-Retry", List.of("false")), "{}".getBytes(), null, null, false);
        Scripted upstream =
                new Scripted(n -> new Outcome.Failure(ErrorClass.server_error, 500, "HTTP 500", null, saved));
        Exchange ex = exchange(spec, write());
        ex.idempotencyKey("idem-1");

        assertThat(run(spec, retry(spec), upstream, ex).isSuccess()).isFalse();
        assertThat(upstream.calls)
                .as("the same key would get the same saved 500")
                .isEqualTo(1);
        assertThat(ex.unknownOutcome()).isTrue();
        assertThat(ex.dlqId()).isNotNull();
    }

    @Test
    void shouldReadASavedFailureBackAndSendItAgainUnderAFreshKeyWhenItDidNotLand() {
        var spec = ConnectorSpec.builder("shop", "http://upstream.test")
                .flavor("stripe")
                .dlq(DlqConfig.builder()
                        .replayRps(20)
                        .baseDelay(Duration.ofMillis(500))
                        .maxReplays(10)
                        .readBackAfter(Duration.ZERO)
                        .build())
                .retry(RetryConfig.builder()
                        .maxAttempts(4)
                        .baseDelay(Duration.ofMillis(100))
                        .maxDelay(Duration.ofSeconds(2))
                        .budgetRatio(0.1)
                        .build())
                .build();
        reader = request -> list("op-other");
        MeshResponse saved = new MeshResponse(
                500, Map.of("Stripe-Should-Retry", List.of("false")), "{}".getBytes(), null, null, false);
        List<String> keys = new ArrayList<>();
        Scripted upstream = new Scripted(
                n -> n == 1 ? new Outcome.Failure(ErrorClass.server_error, 500, "HTTP 500", null, saved) : OK);
        Stage keysSent = new Stage() {
            @Override
            public String name() {
                return "keys";
            }

            @Override
            public Outcome handle(Exchange exchange, dev.gauntlet.mesh.pipeline.Chain next) {
                keys.add(exchange.request().header("Idempotency-Key"));
                return next.proceed(exchange);
            }
        };
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();
        Exchange ex = exchange(spec, customer("op-7").withHeader("Idempotency-Key", "idem-7"));
        ex.idempotencyKey("idem-7");

        assertThat(new Pipeline(List.of(TestStages.deadline(spec, context), stage, keysSent, upstream))
                        .run(ex)
                        .isSuccess())
                .isTrue();
        assertThat(keys).as("the spent key replays the saved 500 for 24 h").containsExactly("idem-7", "idem-7~r1");
        assertThat(ex.idempotencyKey()).isEqualTo("idem-7~r1");
        assertThat(reads).hasSize(1);
        assertThat(ex.dlqId()).isNull();
    }

    @Test
    void shouldGiveAReadUpAtOnceWhenTheUpstreamAsksForALongerWaitThanTheConnectorAllowsButLetAWriteWait() {
        var spec = ConnectorSpec.builder("shop", "http://upstream.test")
                .flavor("stripe")
                .retry(RetryConfig.builder()
                        .maxAttempts(4)
                        .baseDelay(Duration.ofMillis(50))
                        .maxDelay(Duration.ofSeconds(2))
                        .budgetRatio(0.1)
                        .budgetPerSuccess(3)
                        .budgetCap(20)
                        .maxWait(Duration.ofMillis(200))
                        .build())
                .build();
        Outcome.Failure limited =
                new Outcome.Failure(ErrorClass.rate_limit, 429, "HTTP 429", Duration.ofSeconds(1), null);
        Scripted reads = new Scripted(n -> n == 1 ? limited : OK);
        RetryStage stage = retry(spec);
        stage.budget().onSuccess();

        Outcome read = run(spec, stage, reads, exchange(spec, MeshRequest.get("/v1/customers")));

        assertThat(read.isSuccess()).isFalse();
        assertThat(reads.calls)
                .as("given up at once: a stale answer or the caller decides")
                .isEqualTo(1);
        assertThat(time.sleeps).isEmpty();

        Scripted writes = new Scripted(n -> n == 1 ? limited : OK);
        Exchange w = exchange(spec, write());
        w.idempotencyKey("idem-9");
        assertThat(run(spec, stage, writes, w).isSuccess()).isTrue();
        assertThat(writes.calls).isEqualTo(2);
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1));
    }
}
