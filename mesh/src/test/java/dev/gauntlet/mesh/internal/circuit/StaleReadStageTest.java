package dev.gauntlet.mesh.internal.circuit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A read the mesh gave up on because the upstream is unavailable is answered from its last good answer, marked stale. */
class StaleReadStageTest {

    final FakeTime time = new FakeTime();
    final MeshContext context =
            new MeshContext(time, new EventBus(), new MemoryStore(), null, new MemoryDeadLetters(time));
    Function<MeshRequest, Outcome> upstream = r -> ok("good " + r.path());
    int sent;

    static Outcome ok(String body) {
        return new Outcome.Success(
                new MeshResponse(200, null, body.getBytes(StandardCharsets.UTF_8), null, null, false));
    }

    Outcome call(boolean staleReads, MeshRequest request) {
        ConnectorSpec spec = ConnectorSpec.builder("api", "http://upstream.test")
                .staleReads(staleReads)
                .build();
        Stage answer = new Stage() {
            @Override
            public String name() {
                return "upstream";
            }

            @Override
            public Outcome handle(Exchange exchange, Chain next) {
                sent++;
                return upstream.apply(exchange.request());
            }
        };
        return pipeline(spec, answer).run(TestStages.exchange(spec, context, request));
    }

    StaleReadStage stage;

    Pipeline pipeline(ConnectorSpec spec, Stage answer) {
        if (stage == null) stage = TestStages.staleReads(spec);
        return new Pipeline(List.of(stage, answer));
    }

    @Test
    void shouldAnswerAReadStaleWhenTheUpstreamIsUnavailableAndFreshOtherwise() {
        assertThat(call(true, MeshRequest.get("/a")).isSuccess()).isTrue();
        for (ErrorClass unavailable : List.of(
                ErrorClass.circuit_open,
                ErrorClass.rate_limit,
                ErrorClass.server_error,
                ErrorClass.network_error,
                ErrorClass.timeout)) {
            upstream = r -> Outcome.Failure.of(unavailable, unavailable.name());
            assertThat(call(true, MeshRequest.get("/a")))
                    .as(unavailable.name())
                    .isInstanceOfSatisfying(Outcome.Success.class, s -> {
                        assertThat(s.response().stale()).isTrue();
                        assertThat(new String(s.response().body(), StandardCharsets.UTF_8))
                                .isEqualTo("good /a");
                    });
        }
        assertThat(stage.status()).containsEntry("stale_answers", 5L).containsEntry("stale_entries", 1);
    }

    /**
     * A read-back asks whether a write was committed: an answer remembered from before the commit said "not there", and
     * taken for the upstream's it sent the write twice (hell's duplicate on Datadog and GitHub).
     */
    @Test
    void shouldNeitherAnswerNorRememberAReadBack() {
        ConnectorSpec spec = ConnectorSpec.builder("api", "http://upstream.test")
                .staleReads(true)
                .build();
        Stage answer = new Stage() {
            @Override
            public String name() {
                return "upstream";
            }

            @Override
            public Outcome handle(Exchange exchange, Chain next) {
                return upstream.apply(exchange.request());
            }
        };
        Pipeline pipeline = pipeline(spec, answer);
        call(true, MeshRequest.get("/series?op=1")); // the same read, answered well before the commit
        upstream = r -> Outcome.Failure.of(ErrorClass.rate_limit, "429");
        Exchange readBack = TestStages.exchange(spec, context, MeshRequest.get("/series?op=1"));
        readBack.readBack(true);
        assertThat(pipeline.run(readBack))
                .as("the upstream's refusal, not the old answer")
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.rate_limit));

        upstream = r -> ok("read back " + r.path());
        Exchange fresh = TestStages.exchange(spec, context, MeshRequest.get("/b"));
        fresh.readBack(true);
        assertThat(pipeline.run(fresh).isSuccess()).isTrue();
        upstream = r -> Outcome.Failure.of(ErrorClass.server_error, "503");
        assertThat(call(true, MeshRequest.get("/b")).isSuccess())
                .as("a read-back's answer is not remembered")
                .isFalse();
        assertThat(stage.status()).containsEntry("stale_answers", 0L).containsEntry("stale_entries", 1);
    }

    @Test
    void shouldNeverHideARefusalOfTheRequestItselfBehindAnOldAnswer() {
        call(true, MeshRequest.get("/a"));
        for (ErrorClass refusal : List.of(ErrorClass.client_error, ErrorClass.invalid_creds, ErrorClass.auth_expired)) {
            upstream = r -> Outcome.Failure.of(refusal, refusal.name());
            assertThat(call(true, MeshRequest.get("/a")).isSuccess())
                    .as(refusal.name())
                    .isFalse();
        }
    }

    @Test
    void shouldAnswerNothingStaleForAPathNeverAnsweredWellOrForAWriteOrWhenOff() {
        call(true, MeshRequest.get("/a"));
        upstream = r -> Outcome.Failure.of(ErrorClass.server_error, "503");
        assertThat(call(true, MeshRequest.get("/b")).isSuccess()).isFalse();
        assertThat(call(true, new MeshRequest("POST", "/a", null, "{}".getBytes(), "application/json", "op", null))
                        .isSuccess())
                .isFalse();
        stage = null;
        assertThat(call(false, MeshRequest.get("/a")).isSuccess()).isFalse();
    }

    @Test
    void shouldKeepAReadSentAsAPostApartByItsBody() {
        ConnectorSpec mongo = ConnectorSpec.builder("m", "http://upstream.test")
                .flavor("mongodb")
                .staleReads(true)
                .build();
        stage = TestStages.staleReads(mongo);
        MeshRequest findA = new MeshRequest(
                "POST", "/action/find", null, "{\"filter\":{\"a\":1}}".getBytes(), "application/json", null, null);
        MeshRequest findB = new MeshRequest(
                "POST", "/action/find", null, "{\"filter\":{\"b\":1}}".getBytes(), "application/json", null, null);
        Stage up = new Stage() {
            @Override
            public String name() {
                return "upstream";
            }

            @Override
            public Outcome handle(Exchange exchange, Chain next) {
                return upstream.apply(exchange.request());
            }
        };
        new Pipeline(List.of(stage, up)).run(TestStages.exchange(mongo, context, findA));
        upstream = r -> Outcome.Failure.of(ErrorClass.timeout, "slow");
        assertThat(new Pipeline(List.of(stage, up))
                        .run(TestStages.exchange(mongo, context, findA))
                        .isSuccess())
                .isTrue();
        assertThat(new Pipeline(List.of(stage, up))
                        .run(TestStages.exchange(mongo, context, findB))
                        .isSuccess())
                .as("another filter")
                .isFalse();
    }
}
