package dev.gauntlet.mesh.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * With adaptive timeouts a hang is cut after a few multiples of the upstream's normal answer time (at least the floor),
 * not after the fixed attempt timeout, and the read is sent again; a plain write keeps the full timeout.
 */
class AdaptiveTimeoutTest {

    static FarmFixture farm;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start();
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    static ConnectorSpec stripe(boolean adaptive) {
        return ConnectorSpec.builder("stripe_adaptive", farm.serviceUrl("stripe_mock"))
                .flavor("stripe")
                .auth(AuthConfig.ApiKey.bearer("sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"))
                .timeouts(Timeouts.builder()
                        .attempt(Duration.ofSeconds(20))
                        .total(Duration.ofSeconds(60))
                        .adaptive(adaptive)
                        .attemptFloor(Duration.ofMillis(250))
                        .build())
                .build();
    }

    /** Warms the connector up (its window needs answers) and returns its transport status. */
    static Map<String, Object> warm(Connector c) {
        for (int i = 0; i < 80; i++)
            assertThat(c.get("/v1/customers?limit=1").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(5))
                .until(() -> (long) c.status().get("transport").get("p99_ms") >= 0);
        return c.status().get("transport");
    }

    @Test
    void shouldHedgeAHungReadAfterTheUpstreamsRecentP95() {
        try (Mesh mesh = Mesh.builder().build()) {
            Connector c = mesh.register(stripe(true));
            assertThat(warm(c)).containsKey("hedge_after_ms");
            // The next read's answer never comes (the farm holds it 30 s): its hedge answers instead.
            farm.post(
                    "/admin/faults/script",
                    "{\"service\":\"stripe_mock\",\"type\":\"timeout\",\"method\":\"GET\",\"delay_ms\":30000}");

            MeshResponse r = c.get("/v1/customers?limit=1");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.attempts()).singleElement().satisfies(a -> {
                assertThat(a.message()).isEqualTo("hedged");
                assertThat(a.durationMs())
                        .as("answered by the hedge, not after 20 s")
                        .isLessThan(10_000);
            });
        }
    }

    @Test
    void shouldCutAHungKeyedWriteAfterTheAdaptiveTimeoutAndSendItAgainWithItsKey() {
        try (Mesh mesh = Mesh.builder().build()) {
            Connector c = mesh.register(stripe(true));
            // Four times the farm's recent p99 (a few ms on a quiet machine), at least the 250 ms floor.
            var transport = warm(c);
            long timeout = (long) transport.get("attempt_timeout_ms");
            assertThat(timeout)
                    .isBetween(250L, Math.max(250L, 4 * (long) transport.get("p99_ms") + 4))
                    .isLessThan(20_000L);
            // The next write hangs before the farm carries it out: cut at the adaptive timeout, sent again with its
            // key.
            farm.post(
                    "/admin/faults/script",
                    "{\"service\":\"stripe_mock\",\"type\":\"timeout\",\"method\":\"POST\",\"delay_ms\":30000}");

            MeshResponse r = c.post(
                    "/v1/customers", Map.of("name", "Ada", "metadata", Map.of("op_id", "adaptive-1")), "adaptive-1");

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.attempts()).hasSize(2);
            assertThat(r.attempts().getFirst().errorClass()).isEqualTo(ErrorClass.timeout);
            assertThat(r.attempts().getFirst().durationMs())
                    .as("cut at the adaptive timeout, not at 20 s")
                    .isLessThan(10_000);
        }
    }

    @Test
    void shouldKeepTheConfiguredTimeoutWhenNotAdaptive() {
        try (Mesh mesh = Mesh.builder().build()) {
            Connector c = mesh.register(stripe(false));
            for (int i = 0; i < 60; i++) c.get("/v1/customers?limit=1");
            assertThat(c.status().get("transport")).containsEntry("attempt_timeout_ms", 20_000L);
        }
    }
}
