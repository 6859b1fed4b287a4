package dev.gauntlet.mesh.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.event.CircuitTransition;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The circuit stage on a fake clock, in front of an in-test upstream whose answers the test sets. */
class CircuitStageTest {

    final FakeTime time = new FakeTime();
    final EventBus events = new EventBus();
    final List<MeshEvent> published = new ArrayList<>();
    final MeshContext context = new MeshContext(time, events, new MemoryStore(), null, new MemoryDeadLetters(time));

    {
        events.subscribe(published::add);
    }

    static final CircuitConfig CONFIG = CircuitConfig.builder()
            .failureRatePercent(50)
            .windowCalls(10)
            .minimumCalls(5)
            .openFor(Duration.ofSeconds(5))
            .halfOpenCalls(2)
            .build();

    /** Answers what {@code answer} says for the request; counts attempts. */
    static final class Upstream implements Stage {
        Function<MeshRequest, Outcome> answer = r -> ok("fresh");
        int calls;

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            calls++;
            return answer.apply(exchange.request());
        }
    }

    static Outcome ok(String body) {
        return new Outcome.Success(
                new MeshResponse(200, null, body.getBytes(StandardCharsets.UTF_8), null, null, false));
    }

    static Outcome fail(ErrorClass c) {
        return fail(c, null);
    }

    static Outcome fail(ErrorClass c, Duration retryAfter) {
        int status = switch (c) {
            case server_error -> 503;
            case rate_limit -> 429;
            case client_error -> 404;
            default -> 0;
        };
        return new Outcome.Failure(
                c,
                status,
                c.name(),
                retryAfter,
                status == 0 ? null : new MeshResponse(status, null, null, null, null, false));
    }

    final Upstream upstream = new Upstream();

    Pipeline pipeline(boolean staleReads) {
        ConnectorSpec spec = ConnectorSpec.builder("api", "http://upstream.test")
                .circuit(CONFIG)
                .staleReads(staleReads)
                .build();
        // Stale answers are the stale-read stage's, above the breaker (the retry stage would sit between them).
        return new Pipeline(List.of(TestStages.staleReads(spec), TestStages.circuit(spec, context), upstream));
    }

    Outcome call(Pipeline p, MeshRequest r) {
        ConnectorSpec spec =
                ConnectorSpec.builder("api", "http://upstream.test").build();
        return p.run(TestStages.exchange(spec, context, r));
    }

    Outcome get(Pipeline p, String path) {
        return call(p, MeshRequest.get(path));
    }

    static ErrorClass classOf(Outcome o) {
        return o instanceof Outcome.Failure f ? f.errorClass() : null;
    }

    List<String> transitions() {
        return published.stream()
                .filter(CircuitTransition.class::isInstance)
                .map(e -> (CircuitTransition) e)
                .map(t -> t.from() + "->" + t.to())
                .toList();
    }

    @Test
    void shouldOpenAndAnswerCircuitOpenWithoutAnAttemptWhenHalfTheCallsFail() {
        Pipeline p = pipeline(false);
        upstream.answer = r -> fail(ErrorClass.server_error);
        for (int i = 0; i < 5; i++) assertThat(classOf(get(p, "/x"))).isEqualTo(ErrorClass.server_error);

        Outcome o = get(p, "/x");

        assertThat(classOf(o)).isEqualTo(ErrorClass.circuit_open);
        assertThat(((Outcome.Failure) o).message()).contains("api/default").contains("open");
        assertThat(upstream.calls).isEqualTo(5);
        assertThat(transitions()).containsExactly("closed->open");
        assertThat(p.stages().get(1).status())
                .containsEntry("state", "open")
                .containsEntry("not_permitted_calls", 1L)
                .containsEntry("buffered_calls", 5)
                .containsEntry("failure_rate", 100.0f);
    }

    @Test
    void shouldProbeAfterOpenForAndCloseWhenTheProbesSucceed() {
        Pipeline p = pipeline(false);
        upstream.answer = r -> fail(ErrorClass.timeout);
        for (int i = 0; i < 5; i++) get(p, "/x");
        time.advance(Duration.ofMillis(4_999));
        assertThat(classOf(get(p, "/x"))).as("still open").isEqualTo(ErrorClass.circuit_open);

        time.advance(Duration.ofMillis(2));
        upstream.answer = r -> ok("back");
        assertThat(get(p, "/x").isSuccess()).isTrue();
        assertThat(get(p, "/x").isSuccess()).isTrue();

        assertThat(transitions()).containsExactly("closed->open", "open->half_open", "half_open->closed");
        assertThat(upstream.calls).isEqualTo(7);
    }

    @Test
    void shouldStayClosedWhenTheUpstreamAnswersClientErrorsOrRateLimits() {
        Pipeline p = pipeline(false);
        upstream.answer = r -> fail(ErrorClass.client_error);
        for (int i = 0; i < 20; i++) get(p, "/x");
        upstream.answer = r -> fail(ErrorClass.rate_limit, Duration.ofSeconds(1));
        for (int i = 0; i < 20; i++) get(p, "/x");
        upstream.answer = r -> fail(ErrorClass.invalid_creds);
        for (int i = 0; i < 20; i++) get(p, "/x");

        assertThat(upstream.calls).isEqualTo(60);
        assertThat(transitions()).isEmpty();
    }

    @Test
    void shouldHoldTheCircuitOpenUntilALongRetryAfterEnds() {
        Pipeline p = pipeline(false);
        upstream.answer = r -> fail(ErrorClass.server_error, Duration.ofSeconds(60));
        get(p, "/x");
        assertThat(transitions()).containsExactly("closed->open");

        time.advance(Duration.ofSeconds(30));
        assertThat(classOf(get(p, "/x")))
                .as("openFor (5 s) is long past, the upstream's 60 s are not")
                .isEqualTo(ErrorClass.circuit_open);
        time.advance(Duration.ofSeconds(31));
        upstream.answer = r -> ok("back");
        assertThat(get(p, "/x").isSuccess()).isTrue();
        assertThat(upstream.calls).isEqualTo(2);
    }

    @Test
    void shouldHoldItOpenForALongRateLimitWaitThoughRateLimitsDoNotCount() {
        Pipeline p = pipeline(false);
        upstream.answer = r -> fail(ErrorClass.rate_limit, Duration.ofMinutes(2));
        get(p, "/x");
        time.advance(Duration.ofSeconds(60));
        assertThat(classOf(get(p, "/x"))).isEqualTo(ErrorClass.circuit_open);
        assertThat(upstream.calls).isEqualTo(1);
    }

    @Test
    void shouldAnswerReadsStaleAndRefuseWritesWhenTheCircuitIsOpen() {
        Pipeline p = pipeline(true);
        upstream.answer = r -> ok("good " + r.path());
        assertThat(get(p, "/a").isSuccess()).isTrue();
        upstream.answer = r -> fail(ErrorClass.server_error);
        for (int i = 0; i < 5; i++) get(p, "/b");
        int attempts = upstream.calls;

        Outcome a = get(p, "/a");
        Outcome b = get(p, "/b");
        Outcome write = call(p, new MeshRequest("POST", "/a", null, "{}".getBytes(), "application/json", "op-1", null));
        Outcome otherTenant = call(p, new MeshRequest("GET", "/a", null, null, null, null, "acme"));

        assertThat(a).isInstanceOfSatisfying(Outcome.Success.class, s -> {
            assertThat(s.response().stale()).isTrue();
            assertThat(new String(s.response().body(), StandardCharsets.UTF_8)).isEqualTo("good /a");
        });
        assertThat(classOf(b)).as("never answered well: nothing to serve").isEqualTo(ErrorClass.circuit_open);
        assertThat(classOf(write)).isEqualTo(ErrorClass.circuit_open);
        assertThat(upstream.calls - attempts)
                .as("only the other tenant's breaker is closed")
                .isEqualTo(1);
        assertThat(otherTenant.isSuccess()).isFalse();
        assertThat(p.stages().getFirst().status()).containsEntry("stale_answers", 1L);
        assertThat(p.stages().get(1).status()).containsKey("tenants");
    }

    @Test
    void shouldKeepOnlyTheMostRecentlyUsedAnswersWhenTheCacheIsFull() {
        StaleResponses cache = new StaleResponses(2);
        MeshResponse r = new MeshResponse(200, null, null, null, null, false);
        cache.remember("t", "/1", r);
        cache.remember("t", "/2", r);
        cache.last("t", "/1");
        cache.remember("t", "/3", r);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.last("t", "/2")).isNull();
        assertThat(cache.last("t", "/1")).isNotNull();
        assertThat(cache.last("u", "/1")).isNull();
    }
}
