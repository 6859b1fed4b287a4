package dev.gauntlet.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.drift.DriftConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.retry.RetryConfig;
import dev.gauntlet.mesh.store.Retention;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every config's builder: the defaults, named settings, and build() refusing a bad value by its YAML name and value. */
class ConfigBuildersTest {

    @Test
    void shouldHoldTheDocumentedDefaultsWhenNothingIsSet() {
        assertThat(LimitConfig.DEFAULT).isEqualTo(new LimitConfig(50, 1, 1000, 50, 64, 100));
        assertThat(RetryConfig.DEFAULT)
                .isEqualTo(new RetryConfig(4, Duration.ofMillis(50), Duration.ofSeconds(5), 0.1, 3, 20, null));
        assertThat(CircuitConfig.DEFAULT).isEqualTo(new CircuitConfig(80, 50, 20, Duration.ofSeconds(5), 5));
        assertThat(Timeouts.DEFAULT)
                .isEqualTo(new Timeouts(
                        Duration.ofSeconds(5), Duration.ofSeconds(30), null, false, Duration.ofMillis(250)));
        assertThat(DlqConfig.DEFAULT)
                .isEqualTo(new DlqConfig(20, Duration.ofMillis(500), 10, Duration.ofMinutes(2), Duration.ofMinutes(2)));
        assertThat(DriftConfig.DEFAULT).isEqualTo(new DriftConfig(true, Map.of(), 0.7));
        assertThat(IdempotencyConfig.DEFAULT)
                .isEqualTo(new IdempotencyConfig("Idempotency-Key", true, List.of(), null));
        assertThat(Retention.DEFAULT)
                .isEqualTo(new Retention(
                        Duration.ofDays(7),
                        100_000,
                        Duration.ofDays(1),
                        1_000_000,
                        Duration.ofDays(7),
                        100_000,
                        100_000));
        assertThat(AuthConfig.OAuth2.builder()
                        .tokenUrl("http://a.test/t")
                        .clientId("c")
                        .clientSecret("s")
                        .build())
                .isEqualTo(AuthConfig.OAuth2.clientCredentials("http://a.test/t", "c", "s"))
                .satisfies(o -> {
                    assertThat(o.grant()).isEqualTo("client_credentials");
                    assertThat(o.refreshMargin()).isEqualTo(Duration.ofSeconds(10));
                    assertThat(o.sessions()).isEqualTo(1);
                });
    }

    @Test
    void shouldSetEachFieldByNameAndKeepTheOthers() {
        LimitConfig limit =
                LimitConfig.builder().initialRps(20).maxRps(100).burst(20).build();
        assertThat(limit).isEqualTo(new LimitConfig(20, 1, 100, 20, 64, 100));
        assertThat(limit.toBuilder().maxTenants(5).build()).isEqualTo(new LimitConfig(20, 1, 100, 20, 64, 5));
        assertThat(RetryConfig.DEFAULT.toBuilder()
                        .maxWait(Duration.ofSeconds(1))
                        .build()
                        .maxWait())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(Timeouts.builder().hedgeAfter(Duration.ofMillis(50)).build().hedgeAfter())
                .isEqualTo(Duration.ofMillis(50));
        assertThat(AuthConfig.ApiKey.bearer("k")).isEqualTo(new AuthConfig.ApiKey("Authorization", "Bearer ", "k"));
        var spec = ConnectorSpec.builder("shop", "http://upstream.test")
                .header("X-A", "1")
                .limit(limit)
                .build();
        assertThat(spec.toBuilder().build()).isEqualTo(spec);
        assertThat(spec.toBuilder().staleReads(true).build().limit()).isEqualTo(limit);
    }

    @Test
    void shouldRefuseABadValueNamingItsFieldAndValueWhenBuilt() {
        assertThatThrownBy(() -> LimitConfig.builder().burst(0).build()).hasMessage("limit.burst must be ≥ 1, was 0");
        assertThatThrownBy(() -> LimitConfig.builder().initialRps(5000).build())
                .hasMessage("limit.initial_rps must be between min_rps and max_rps, was 5000.0");
        assertThatThrownBy(() -> RetryConfig.builder().maxAttempts(0).build())
                .hasMessage("retry.max_attempts must be ≥ 1, was 0");
        assertThatThrownBy(() -> RetryConfig.builder().maxWait(Duration.ZERO).build())
                .hasMessage("retry.max_wait must be > 0, was PT0S");
        assertThatThrownBy(() -> CircuitConfig.builder().failureRatePercent(0).build())
                .hasMessage("circuit.failure_rate_percent must be between 1.0 and 100.0, was 0.0");
        assertThatThrownBy(() -> Timeouts.builder().total(Duration.ofSeconds(1)).build())
                .hasMessage("timeouts.total must be ≥ attempt, was PT1S < PT5S");
        assertThatThrownBy(() -> DlqConfig.builder().replayRps(-1).build())
                .hasMessage("dlq.replay_rps must be > 0, was -1.0");
        assertThatThrownBy(() -> DriftConfig.builder().threshold(2).build())
                .hasMessage("drift.threshold must be between 0.0 and 1.0, was 2.0");
        assertThatThrownBy(() ->
                        IdempotencyConfig.builder().readPaths(List.of("find")).build())
                .hasMessage("idempotency.read_paths entries must start with '/', was 'find'");
        assertThatThrownBy(() -> Retention.builder().eventRows(0).build())
                .hasMessage("retention.event_rows must be ≥ 1, was 0");
        assertThatThrownBy(() -> AuthConfig.ApiKey.builder().header("X-Key").build())
                .hasMessage("auth.key is required, was missing");
        assertThatThrownBy(() -> AuthConfig.OAuth2.builder()
                        .tokenUrl("http://a.test/t")
                        .clientId("c")
                        .clientSecret("s")
                        .sessions(65)
                        .build())
                .hasMessage("auth.sessions must be 1 to 64, was 65");
    }
}
