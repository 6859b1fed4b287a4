package dev.gauntlet.mesh.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.internal.retry.RetryStage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries through the whole pipeline against the real farm, its faults scripted by a chaos file. */
class RetryIntegrationTest {

    /**
     * Every built-in service's profile made to inject one fault type, and levels that inject it half or all the time
     * (the farm insists on the four standard level names).
     */
    static final String CHAOS = FarmFixture.chaos(
            Map.of("half_errors", 0.5, "all_errors", 1.0), "server_error", Map.of("schema_drift", "rate_limit"));

    static final ObjectMapper JSON = new ObjectMapper();

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
    void shouldGetReadsThroughWhenHalfTheAttemptsAreServerErrors() throws Exception {
        farm.chaos("{\"level\":\"half_errors\",\"services\":[\"stripe_mock\"]}");
        try (Mesh mesh = Mesh.builder().build()) {
            Connector stripe = mesh.register(ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                    // Real sleeps, tiny delays: the default budget (10 % + 3 per success), as a connector would run.
                    .retry(RetryConfig.builder()
                            .maxAttempts(6)
                            .baseDelay(Duration.ofMillis(1))
                            .maxDelay(Duration.ofMillis(5))
                            .budgetRatio(0.1)
                            .build())
                    // Half the attempts failing is the default breaker's threshold: it would open, and this test is
                    // about retries, so the breaker only opens when every attempt fails.
                    .circuit(CircuitConfig.builder().failureRatePercent(100).build())
                    .build());
            List<Attempt> attempts = new ArrayList<>();
            int ok = 0;
            for (int i = 0; i < 200; i++) {
                try {
                    attempts.addAll(stripe.get("/v1/customers?limit=1").attempts());
                    ok++;
                } catch (MeshException e) {
                    attempts.addAll(e.attempts());
                }
            }
            long failedAttempts = attempts.stream().filter(a -> !a.succeeded()).count();
            // Stripe's own limit (the farm's bucket) may also answer a 429 in between: that is no injected fault.
            long serverErrors = attempts.stream()
                    .filter(a -> a.errorClass() == ErrorClass.server_error)
                    .count();
            long faults = JSON.readTree(farm.get("/admin/faults?service=stripe_mock&type=server_error&limit=1"))
                    .get("total")
                    .asLong();

            assertThat(ok).as("a single attempt gets through half the time").isGreaterThanOrEqualTo(190);
            assertThat(faults).as("the farm did fail about half the attempts").isGreaterThan(60);
            assertThat(serverErrors)
                    .as("every injected fault was met by an attempt of the mesh")
                    .isEqualTo(faults);
            assertThat(attempts).as("and retried").hasSize((int) (ok + failedAttempts));
            assertThat(stripe.status().get("retry")).containsEntry("first_attempts", 200L);
        } finally {
            farm.chaos("{\"level\":\"calm\",\"services\":[\"stripe_mock\"]}");
        }
    }

    @Test
    void shouldWaitTheVendorsResetWhenDatadogSays429() {
        farm.chaos("{\"level\":\"all_errors\",\"services\":[\"datadog_mock\"]}");
        FakeTime time = new FakeTime();
        List<Duration> sleeps = time.sleeps;
        try (Mesh mesh = Mesh.builder().time(time).build()) {
            Connector dd = mesh.register(ConnectorSpec.builder("datadog_mock", farm.serviceUrl("datadog_mock"))
                    .flavor("datadog")
                    .header("DD-API-KEY", "dd-gauntlet-api-key")
                    .retry(RetryConfig.builder()
                            .maxAttempts(3)
                            .baseDelay(Duration.ofMillis(1))
                            .maxDelay(Duration.ofMillis(5))
                            .budgetRatio(0.1)
                            .build())
                    .build());
            RetryStage stage = (RetryStage) dd.pipeline().stages().stream()
                    .filter(s -> s.name().equals("retry"))
                    .findFirst()
                    .orElseThrow();
            stage.budget().onSuccess(); // earned, as a connector that has been up a while has

            assertThatThrownBy(() -> dd.get("/api/v1/validate"))
                    .isInstanceOfSatisfying(MeshException.CallFailed.class, e -> {
                        assertThat(e.errorClass()).isEqualTo(ErrorClass.rate_limit);
                        assertThat(e.attempts())
                                .hasSize(3)
                                .allSatisfy(a -> assertThat(a.status()).isEqualTo(429));
                    });
            // Datadog's X-RateLimit-Reset is seconds until the reset; the farm's injected limit says 1 s, far above the
            // 5 ms backoff.
            assertThat(sleeps).hasSize(2).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(Duration.ofSeconds(1)));
        } finally {
            farm.chaos("{\"level\":\"calm\",\"services\":[\"datadog_mock\"]}");
        }
    }
}
