package dev.gauntlet.mesh.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.LimitLearned;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RateAdjusted;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The adaptive rate-limit stage on a fake clock, in front of an in-test upstream. */
class RateLimitStageTest {

    final FakeTime time = new FakeTime();
    final EventBus events = new EventBus();
    final List<MeshEvent> published = new ArrayList<>();
    final MeshContext context = new MeshContext(time, events, new MemoryStore(), null, new MemoryDeadLetters(time));

    {
        events.subscribe(published::add);
    }

    static ConnectorSpec spec(LimitConfig limit) {
        return ConnectorSpec.builder("api", "http://upstream.test").limit(limit).build();
    }

    /** Answers 200 at once, counting calls. */
    static final class Ok implements Stage {
        int calls;

        @Override
        public String name() {
            return "ok";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            calls++;
            return new Outcome.Success(new MeshResponse(200, null, null, null, null, false));
        }
    }

    Outcome call(Pipeline p, ConnectorSpec spec, MeshRequest request, Instant deadline) {
        Exchange ex = TestStages.exchange(spec, context, request);
        ex.deadline(deadline);
        return p.run(ex);
    }

    @Test
    void shouldWaitWhatTheBucketSaysWhenItIsEmpty() {
        var spec = spec(LimitConfig.builder()
                .initialRps(10)
                .minRps(10)
                .maxRps(10)
                .burst(2)
                .build());
        Ok upstream = new Ok();
        Pipeline p = new Pipeline(List.of(TestStages.rateLimit(spec, context), upstream));

        for (int i = 0; i < 3; i++)
            assertThat(call(p, spec, MeshRequest.get("/x"), null).isSuccess()).isTrue();

        assertThat(upstream.calls).isEqualTo(3);
        assertThat(time.sleeps)
                .as("two tokens of burst, then one every 100 ms")
                .containsExactly(Duration.ofMillis(100));
    }

    @Test
    void shouldRefuseWithRateLimitWithoutCallingTheUpstreamWhenTheWaitPassesTheDeadline() {
        var spec = spec(LimitConfig.builder().initialRps(1).maxRps(1).burst(1).build());
        Ok upstream = new Ok();
        Pipeline p = new Pipeline(List.of(TestStages.rateLimit(spec, context), upstream));
        call(p, spec, MeshRequest.get("/x"), null);

        Outcome o = call(p, spec, MeshRequest.get("/x"), time.instant().plusMillis(500));

        assertThat(o).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.rate_limit);
            assertThat(f.message()).contains("throttled by the mesh").contains("deadline");
            assertThat(f.retryAfter()).isPositive();
        });
        assertThat(upstream.calls).isEqualTo(1);
        assertThat(time.sleeps).as("no sleep that could not end in time").isEmpty();
        assertThat(p.stages().getFirst().status()).containsEntry("refused_at_deadline", 1L);
    }

    @Test
    void shouldKeepABucketPerTenantWhenTenantsShareAConnector() {
        var spec = spec(LimitConfig.builder().initialRps(1).maxRps(1).burst(1).build());
        Ok upstream = new Ok();
        RateLimitStage stage = TestStages.rateLimit(spec, context);
        Pipeline p = new Pipeline(List.of(stage, upstream));
        for (String t : List.of("a", "b", "c")) {
            call(p, spec, new MeshRequest("GET", "/x", null, null, null, null, t), null);
        }
        assertThat(time.sleeps).as("each tenant has its own token").isEmpty();
        assertThat(stage.status()).containsKey("tenants");
    }

    /** Runs a single closed-loop caller (1 ms per answer) until {@code until}. */
    void drive(Pipeline p, ConnectorSpec spec, Instant until) {
        while (time.instant().isBefore(until)) call(p, spec, MeshRequest.get("/x"), null);
    }

    @Test
    void shouldLearnTheLimitFromRemainingCountsAndStayJustBelowIt() {
        var spec = spec(
                LimitConfig.builder().initialRps(400).maxRps(5000).burst(10).build());
        SimulatedUpstream upstream = new SimulatedUpstream(time, 200, 10, true, Duration.ofMillis(1));
        RateLimitStage stage = TestStages.rateLimit(spec, context);
        Pipeline p = new Pipeline(List.of(stage, upstream));
        Instant start = time.instant();

        drive(p, spec, start.plusSeconds(20));

        double[] settled = upstream.stats(start.plusSeconds(5), start.plusSeconds(20));
        assertThat(settled[0] / 200).as("goodput / R after 5 s of learning").isGreaterThanOrEqualTo(0.95);
        assertThat(settled[1]).as("429 share of attempts").isLessThan(0.01);
        assertThat(stage.limits().tenant("default").learned()).isBetween(190.0, 210.0);
        assertThat(published).filteredOn(LimitLearned.class::isInstance).isNotEmpty();
        assertThat(published)
                .filteredOn(RateAdjusted.class::isInstance)
                .extracting(e -> ((RateAdjusted) e).reason())
                .contains("rate_limited");

        // The upstream halves its limit: back under 1 % of 429s per 250 ms window within 2 s.
        upstream.rate = 100;
        Instant halved = time.instant();
        drive(p, spec, halved.plusSeconds(15));
        Instant calm = null;
        for (Instant w = halved; w.isBefore(halved.plusSeconds(15)); w = w.plusMillis(250)) {
            if (upstream.stats(w, w.plusMillis(250))[1] >= 0.01) calm = null;
            else if (calm == null) calm = w;
        }
        assertThat(calm).isNotNull();
        assertThat(Duration.between(halved, calm)).isLessThanOrEqualTo(Duration.ofSeconds(2));
        double[] after = upstream.stats(halved.plusSeconds(5), halved.plusSeconds(15));
        assertThat(after[0] / 100).isGreaterThanOrEqualTo(0.95);
        assertThat(after[1]).isLessThan(0.01);
        // The new limit learned (within 5 %, as the first one), and the rate back just under the upstream's 100/s
        // (was: anywhere in [min_rps, max_rps], which no rate can fail).
        double learned = stage.limits().tenant("default").learned();
        assertThat(learned).isBetween(95.0, 105.0);
        assertThat(stage.limits().tenant("default").rate())
                .isBetween(95.0, 100.0)
                .isLessThanOrEqualTo(learned);
    }

    @Test
    void shouldFindTheLimitFromThroughputWhenTheUpstreamSendsNoCounts() {
        var spec = spec(
                LimitConfig.builder().initialRps(400).maxRps(5000).burst(10).build());
        SimulatedUpstream upstream = new SimulatedUpstream(time, 200, 10, false, Duration.ofMillis(1));
        Pipeline p = new Pipeline(List.of(TestStages.rateLimit(spec, context), upstream));
        Instant start = time.instant();

        drive(p, spec, start.plusSeconds(30));

        double[] settled = upstream.stats(start.plusSeconds(5), start.plusSeconds(30));
        assertThat(settled[0] / 200).isGreaterThanOrEqualTo(0.9);
        assertThat(settled[1]).as("each probe above the limit costs a few 429s").isLessThan(0.02);
    }

    @Test
    void shouldNeverLeaveMinAndMaxWhenTheUpstreamRefusesEverything() {
        var spec = spec(LimitConfig.builder()
                .initialRps(20)
                .minRps(5)
                .maxRps(40)
                .burst(5)
                .build());
        SimulatedUpstream upstream = new SimulatedUpstream(time, 0.000001, 1, false, Duration.ofMillis(1));
        RateLimitStage stage = TestStages.rateLimit(spec, context);
        Pipeline p = new Pipeline(List.of(stage, upstream));

        drive(p, spec, time.instant().plusSeconds(10));

        assertThat(published)
                .filteredOn(RateAdjusted.class::isInstance)
                .isNotEmpty()
                .allSatisfy(e -> assertThat(((RateAdjusted) e).newRps()).isBetween(5.0, 40.0));
        assertThat(stage.limits().tenant("default").rate()).isEqualTo(5.0);
        assertThat(stage.status()).containsKeys("tokens", "rate_rps", "learned_limit_rps");
    }
}
