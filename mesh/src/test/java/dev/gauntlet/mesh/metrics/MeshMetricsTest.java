package dev.gauntlet.mesh.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.CircuitTransition;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.metrics.MetricsRoller;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** The observe stage and the mesh's metrics on a fake clock, in front of a stage that plays retries and the upstream. */
class MeshMetricsTest {

    final FakeTime time = new FakeTime();
    final EventBus events = new EventBus();
    final MemoryStore store = new MemoryStore();
    final MeshContext context = new MeshContext(time, events, store, null, new MemoryDeadLetters(time));
    final MeshMetrics metrics = context.metrics();
    /** The latency histogram's resolution around a few milliseconds (0.3 % at most; 1 ms reads back as 1.003). */
    static final org.assertj.core.data.Offset<Double> HISTOGRAM = org.assertj.core.data.Offset.offset(0.01);

    /** A breaker of the connector's default tenant moved to {@code to}. */
    static CircuitTransition circuit(Instant at, String connector, String to) {
        return new CircuitTransition(at, connector, "default", "CLOSED", to);
    }

    /**
     * Plays retry + upstream: each call makes the attempts the script gives (null class = success), then answers the
     * last; each attempt takes 1 ms of the fake clock, so a call's latency is its number of attempts in milliseconds.
     */
    final class Upstream implements Stage {
        final IntFunction<List<Attempt>> script;
        int call;

        Upstream(IntFunction<List<Attempt>> script) {
            this.script = script;
        }

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            List<Attempt> tries = script.apply(call++);
            tries.forEach(exchange::record);
            time.advance(Duration.ofMillis(tries.size()));
            Attempt last = tries.isEmpty() ? null : tries.getLast();
            if (last != null && last.succeeded())
                return new Outcome.Success(new MeshResponse(200, null, null, null, null, false));
            ErrorClass c = last == null ? ErrorClass.circuit_open : last.errorClass();
            return new Outcome.Failure(c, last == null ? 0 : last.status(), c.name(), null, null);
        }
    }

    static Attempt ok(int n) {
        return new Attempt(n, null, 3, 200, null, null);
    }

    static Attempt fail(int n, ErrorClass c, int status) {
        return new Attempt(n, null, 3, status, c, c.name());
    }

    Pipeline pipeline(String id, Upstream upstream) {
        ConnectorSpec spec = ConnectorSpec.builder(id, "http://upstream.test").build();
        return new Pipeline(List.of(TestStages.observe(spec, context), upstream));
    }

    void run(String id, Pipeline p, int calls) {
        ConnectorSpec spec = ConnectorSpec.builder(id, "http://upstream.test").build();
        for (int i = 0; i < calls; i++) p.run(TestStages.exchange(spec, context, MeshRequest.get("/x")));
    }

    /** Ten calls: 6 clean, 2 after a 429 then success, 1 that gave up after 3 server errors, 1 short-circuited. */
    static List<Attempt> mixed(int i) {
        return switch (i % 10) {
            case 6, 7 -> List.of(fail(1, ErrorClass.rate_limit, 429), ok(2));
            case 8 ->
                List.of(
                        fail(1, ErrorClass.server_error, 503),
                        fail(2, ErrorClass.server_error, 500),
                        fail(3, ErrorClass.server_error, 502));
            case 9 -> List.of();
            default -> List.of(ok(1));
        };
    }

    @Test
    void shouldCountCallsAttemptsRetriesAndFailuresByClassWhenSomeCallsNeedRetries() {
        run("crm", pipeline("crm", new Upstream(MeshMetricsTest::mixed)), 100);

        ConnectorSnapshot s = metrics.snapshot("crm").orElseThrow();
        assertThat(s.calls()).isEqualTo(100);
        assertThat(s.succeeded()).isEqualTo(80);
        assertThat(s.failed()).isEqualTo(20);
        assertThat(s.failures())
                .containsEntry(ErrorClass.server_error, 10L)
                .containsEntry(ErrorClass.circuit_open, 10L)
                .containsEntry(ErrorClass.rate_limit, 0L);
        assertThat(s.attempts()).isEqualTo(60 + 40 + 30);
        assertThat(s.attemptsSucceeded()).isEqualTo(80);
        assertThat(s.attemptFailures())
                .containsEntry(ErrorClass.rate_limit, 20L)
                .containsEntry(ErrorClass.server_error, 30L);
        assertThat(s.retries()).isEqualTo(20 + 20);
        assertThat(s.rateLimited()).isEqualTo(20);
        assertThat(s.effectiveSuccessRate()).isEqualTo(0.8);
        assertThat(s.actualSuccessRate()).isCloseTo(80.0 / 130, org.assertj.core.data.Offset.offset(1e-9));
        // Per ten calls: one short-circuited (0 ms), six of one attempt (1 ms), two of two, one of three - read back
        // within the histogram's resolution (ConnectorMetrics.DIGITS significant digits).
        assertThat(s.latency().count()).isEqualTo(100);
        assertThat(s.latency().p50Ms()).isCloseTo(1.0, HISTOGRAM);
        assertThat(s.latency().p95Ms()).isCloseTo(3.0, HISTOGRAM);
        assertThat(s.latency().maxMs()).isCloseTo(3.0, HISTOGRAM);
        assertThat(s.latency().meanMs()).isCloseTo(1.3, HISTOGRAM);
    }

    @Test
    void shouldSumConnectorsIntoTheOverallViewAndCountEventsByType() {
        run("crm", pipeline("crm", new Upstream(MeshMetricsTest::mixed)), 10);
        run("shop", pipeline("shop", new Upstream(i -> List.of(ok(1)))), 5);
        events.publish(circuit(time.instant(), "crm", "OPEN"));
        events.publish(circuit(time.instant(), "crm", "HALF_OPEN"));
        events.publish(circuit(time.instant(), "shop", "OPEN"));
        metrics.statusSource(id -> Map.of("circuit", Map.of("state", id.equals("crm") ? "OPEN" : "CLOSED")));

        MetricsSnapshot snap = metrics.snapshot();

        assertThat(snap.connectors()).containsOnlyKeys("crm", "shop");
        assertThat(snap.overall().calls()).isEqualTo(15);
        assertThat(snap.overall().succeeded()).isEqualTo(13);
        assertThat(snap.overall().latency().count()).isEqualTo(15);
        assertThat(snap.overall().events()).containsEntry("circuit_transition", 3L);
        assertThat(snap.connectors().get("crm").events()).containsEntry("circuit_transition", 2L);
        assertThat(snap.connectors().get("crm").stages()).containsEntry("circuit", Map.of("state", "OPEN"));
        assertThat(snap.at()).isEqualTo(time.instant());
    }

    @Test
    void shouldSaveOneRollupPerConnectorAndSecondWhenTheClockMoves() {
        MetricsRoller roller = new MetricsRoller(metrics, store.rollups(), time);
        Pipeline crm = pipeline("crm", new Upstream(MeshMetricsTest::mixed));
        Instant t0 = time.instant();
        roller.rollUp(t0); // the interval starts here

        run("crm", crm, 10);
        time.advance(Duration.ofSeconds(1));
        List<MetricRollup> first = roller.rollUp(time.instant());
        run("crm", crm, 20);
        time.advance(Duration.ofSeconds(1));
        roller.rollUp(time.instant());
        time.advance(Duration.ofSeconds(1));
        assertThat(roller.rollUp(time.instant()))
                .as("an idle second writes nothing")
                .isEmpty();

        assertThat(first).singleElement().satisfies(r -> {
            assertThat(r.second()).isEqualTo(t0);
            assertThat(r.calls()).isEqualTo(10);
            assertThat(r.attempts()).isEqualTo(13);
            assertThat(r.succeeded()).isEqualTo(8);
            assertThat(r.failed()).isEqualTo(2);
            assertThat(r.retries()).isEqualTo(4);
            assertThat(r.rateLimited()).isEqualTo(2);
        });
        List<MetricRollup> saved = store.rollups().rollups("crm", t0, t0.plusSeconds(10));
        assertThat(saved).extracting(MetricRollup::second).containsExactly(t0, t0.plusSeconds(1));
        assertThat(saved).extracting(MetricRollup::calls).containsExactly(10L, 20L);
        assertThat(saved.get(1).p50Ms())
                .as("the second's calls: 1 ms for most (one attempt each)")
                .isCloseTo(1.0, HISTOGRAM);
        assertThat(saved.get(1).p99Ms()).as("the slowest: three attempts").isCloseTo(3.0, HISTOGRAM);
    }

    @Test
    void shouldExposeCountersToMicrometerWhenBound() {
        Pipeline crm = pipeline("crm", new Upstream(MeshMetricsTest::mixed));
        metrics.statusSource(id -> Map.of("rate-limit", Map.of("rate", 12.5, "level", 40L, "mode", "adaptive")));
        metrics.registered("crm");
        var registry = new SimpleMeterRegistry();
        new MeshMetricsBinder(metrics).bindTo(registry);

        run("crm", crm, 20);
        events.publish(circuit(time.instant(), "crm", "OPEN"));
        run("later", pipeline("later", new Upstream(i -> List.of(ok(1)))), 3);

        assertThat(registry.get("mesh.calls")
                        .tag("connector", "crm")
                        .functionCounter()
                        .count())
                .isEqualTo(20);
        assertThat(registry.get("mesh.attempts")
                        .tag("connector", "crm")
                        .functionCounter()
                        .count())
                .isEqualTo(26);
        assertThat(registry.get("mesh.calls.failed")
                        .tags("connector", "crm", "class", "server_error")
                        .functionCounter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("mesh.rate_limited")
                        .tag("connector", "crm")
                        .functionCounter()
                        .count())
                .isEqualTo(4);
        assertThat(registry.get("mesh.retries")
                        .tag("connector", "crm")
                        .functionCounter()
                        .count())
                .isEqualTo(8);
        assertThat(registry.get("mesh.call.latency")
                        .tag("connector", "crm")
                        .functionTimer()
                        .count())
                .isEqualTo(20);
        assertThat(registry.get("mesh.success.rate")
                        .tags("connector", "crm", "kind", "effective")
                        .gauge()
                        .value())
                .isEqualTo(0.8);
        assertThat(registry.get("mesh.events")
                        .tags("connector", "crm", "type", "circuit_transition")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("mesh.stage")
                        .tags("connector", "crm", "stage", "rate-limit", "key", "rate")
                        .gauge()
                        .value())
                .isEqualTo(12.5);
        assertThat(registry.find("mesh.stage").tags("key", "mode").gauges())
                .as("text entries are no gauges")
                .isEmpty();
        assertThat(registry.get("mesh.calls")
                        .tag("connector", "later")
                        .functionCounter()
                        .count())
                .as("a connector seen after binding")
                .isEqualTo(3);
    }
}
