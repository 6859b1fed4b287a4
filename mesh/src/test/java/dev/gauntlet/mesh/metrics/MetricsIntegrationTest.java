package dev.gauntlet.mesh.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.event.StoredEvent;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.retry.RetryConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics of a mesh running against the real farm while the farm fails a share of the attempts. */
class MetricsIntegrationTest {

    /** Stripe's profile made to inject server errors only, a third of the time (the four standard levels are required). */
    static final String CHAOS = FarmFixture.chaos(Map.of("third_errors", 0.33), "server_error", Map.of());

    @TempDir
    static Path dir;

    static FarmFixture farm;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start(FarmConfig.builder().chaosFile(FarmFixture.write(dir, "chaos.yaml", CHAOS)));
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    @Test
    void shouldCountCallsAttemptsFailuresAndLatencyWhenTheFarmFailsAThirdOfTheAttempts() {
        farm.chaos("{\"level\":\"third_errors\",\"services\":[\"stripe_mock\"]}");
        MemoryStore store = new MemoryStore();
        var registry = new SimpleMeterRegistry();
        Instant started = Instant.now();
        try (Mesh mesh = Mesh.builder().store(store).build()) {
            Connector stripe = mesh.register(ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                    .retry(RetryConfig.builder()
                            .maxAttempts(6)
                            .baseDelay(Duration.ofMillis(1))
                            .maxDelay(Duration.ofMillis(5))
                            .budgetRatio(0.1)
                            .build())
                    .build());
            new MeshMetricsBinder(mesh.metrics()).bindTo(registry);
            int failed = 0;
            for (int i = 0; i < 60; i++) {
                try {
                    stripe.get(i % 6 == 5 ? "/v1/customers/cus_missing" + i : "/v1/customers?limit=3");
                } catch (MeshException e) {
                    failed++;
                }
            }

            ConnectorSnapshot s = mesh.metrics().snapshot().connectors().get("stripe_mock");
            assertThat(s.calls()).isEqualTo(60);
            assertThat(s.failed()).isEqualTo(failed);
            assertThat(s.failures().get(ErrorClass.client_error))
                    .as("the ten missing customers")
                    .isEqualTo(10);
            assertThat(s.attempts()).isGreaterThan(60).isEqualTo(s.calls() + s.retries());
            assertThat(s.attemptFailures().get(ErrorClass.server_error)).isGreaterThan(5);
            assertThat(s.actualSuccessRate()).isLessThan(s.effectiveSuccessRate());
            assertThat(s.latency().p50Ms()).isPositive();
            assertThat(s.latency().p95Ms()).isGreaterThanOrEqualTo(s.latency().p50Ms());
            assertThat(s.latency().p99Ms()).isPositive();
            assertThat(s.latency().maxMs()).isGreaterThanOrEqualTo(s.latency().p99Ms());
            assertThat(s.events().get("retry_scheduled")).isEqualTo(s.retries());
            assertThat(s.stages()).containsKeys("observe", "retry", "drift-mapping");
            assertThat(mesh.metrics().snapshot().overall().calls()).isEqualTo(60);
            assertThat(store.events().recentEvents("stripe_mock", 1000))
                    .extracting(StoredEvent::type)
                    .contains("retry_scheduled");
            assertThat(registry.get("mesh.attempts")
                            .tag("connector", "stripe_mock")
                            .functionCounter()
                            .count())
                    .isEqualTo(s.attempts());
            assertThat(mesh.roller().running())
                    .as("the mesh rolls up on real time")
                    .isTrue();
        } finally {
            farm.chaos("{\"level\":\"calm\",\"services\":[\"stripe_mock\"]}");
        }
        // Closing the mesh rolls up the last partial second: every call is in some second's row.
        var rows = store.rollups()
                .rollups("stripe_mock", started.minusSeconds(5), Instant.now().plusSeconds(5));
        assertThat(rows).isNotEmpty();
        assertThat(rows.stream().mapToLong(MetricRollup::calls).sum()).isEqualTo(60);
        assertThat(rows).extracting(MetricRollup::second).doesNotHaveDuplicates();
    }

    @Test
    void shouldCountTheCallsStillInFlight() throws Exception {
        farm.chaos("{\"level\":\"calm\"}");
        farm.post(
                "/admin/faults/script",
                "{\"service\":\"stripe_mock\",\"type\":\"slow\",\"method\":\"GET\",\"delay_ms\":1500}");
        try (Mesh mesh = Mesh.builder().store(new MemoryStore()).build()) {
            Connector stripe = mesh.register(ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                    .build());
            Thread slow = Thread.ofVirtual().start(() -> stripe.get("/v1/customers?limit=1"));
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> ((Number) stripe.status().get("observe").get("in_flight")).longValue() == 1);
            slow.join(10_000);
            assertThat(((Number) stripe.status().get("observe").get("in_flight")).longValue())
                    .isZero();
        }
    }
}
