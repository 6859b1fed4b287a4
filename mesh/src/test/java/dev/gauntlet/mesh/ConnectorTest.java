package dev.gauntlet.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The connector's edge and the pipeline's order, against the real farm. */
class ConnectorTest {

    static FarmFixture farm;
    static Mesh mesh;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start();
        mesh = Mesh.builder().build();
    }

    @AfterAll
    static void stop() {
        mesh.close();
        farm.close();
    }

    private Connector stripe() {
        return mesh.register(ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                .flavor("stripe")
                .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                .build());
    }

    @Test
    void shouldRunTheStagesInTheDocumentedOrder() {
        assertThat(stripe().pipeline().names())
                .containsExactly(
                        "observe",
                        "idempotency",
                        "deadline",
                        "stale-reads",
                        "retry",
                        "circuit",
                        "rate-limit",
                        "auth",
                        "drift-mapping",
                        "bulkhead",
                        "fence",
                        "transport");
    }

    @Test
    void shouldReadThroughThePipeline() {
        MeshResponse r = stripe().get("/v1/customers?limit=2");
        assertThat(r.status()).isEqualTo(200);
        assertThat(Connector.json(r).get("data")).hasSize(2);
        assertThat(r.attempts())
                .singleElement()
                .satisfies(a -> assertThat(a.succeeded()).isTrue());
    }

    @Test
    void shouldFormEncodeWritesForStripe() {
        MeshResponse r =
                stripe().post("/v1/customers", Map.of("name", "Ada", "metadata", Map.of("op_id", "op-c1")), "op-c1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(Connector.json(r).at("/metadata/op_id").asText()).isEqualTo("op-c1");
        assertThat(farm.get("/admin/ledger?service=stripe_mock")).contains("\"op_id\":\"op-c1\"");
    }

    @Test
    void shouldThrowAtTheEdgeWithTheClassAndAttempts() {
        assertThatThrownBy(() -> stripe().get("/v1/customers/cus_nope"))
                .isInstanceOfSatisfying(MeshException.CallFailed.class, e -> {
                    assertThat(e.errorClass()).isEqualTo(ErrorClass.client_error);
                    assertThat(e.attempts())
                            .singleElement()
                            .satisfies(a -> assertThat(a.status()).isEqualTo(404));
                    assertThat(e.connector()).isEqualTo("stripe_mock");
                });
    }

    @Test
    void shouldSayHowACallEndedAsAValue() {
        CallResult ok = stripe().execute(MeshRequest.get("/v1/customers?limit=1"));
        assertThat(ok).isInstanceOfSatisfying(CallResult.Ok.class, o -> {
            assertThat(o.response().status()).isEqualTo(200);
            assertThat(o.response().attempts())
                    .isEqualTo(o.attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.succeeded()).isTrue());
        });

        CallResult failed = stripe().execute(MeshRequest.get("/v1/customers/cus_nope"));
        assertThat(failed).isInstanceOfSatisfying(CallResult.Failed.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.client_error);
            assertThat(f.status()).isEqualTo(404);
            assertThat(f.response()).as("the upstream's own answer").isNotNull();
            assertThat(new String(f.response().body(), StandardCharsets.UTF_8)).contains("resource_missing");
            assertThat(f.attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.status()).isEqualTo(404));
            assertThat(f.connector()).isEqualTo("stripe_mock");
        });
        assertThatThrownBy(failed::orThrow).isInstanceOf(MeshException.CallFailed.class);
    }

    @Test
    void shouldReturnAParkedWriteWithItsDlqId() {
        // Nothing listens on port 1: every attempt is a network error, and the keyed write is parked, not lost.
        Connector down = mesh.register(ConnectorSpec.builder("stripe_down", "http://127.0.0.1:1")
                .flavor("stripe")
                .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                .retry(dev.gauntlet.mesh.retry.RetryConfig.builder()
                        .maxAttempts(2)
                        .baseDelay(Duration.ofMillis(1))
                        .maxDelay(Duration.ofMillis(2))
                        .budgetRatio(1.0)
                        .build())
                .build());
        CallResult parked = down.execute(new MeshRequest(
                "POST",
                "/v1/customers",
                Map.of(),
                "name=Ada".getBytes(),
                "application/x-www-form-urlencoded",
                "op-parked-1",
                null));
        assertThat(parked).isInstanceOfSatisfying(CallResult.Parked.class, p -> {
            assertThat(p.errorClass()).isEqualTo(ErrorClass.network_error);
            assertThat(p.dlqId()).isNotBlank();
            assertThat(p.attempts())
                    .hasSize(2)
                    .allSatisfy(a -> assertThat(a.errorClass()).isEqualTo(ErrorClass.network_error));
            assertThatThrownBy(parked::orThrow)
                    .isInstanceOfSatisfying(
                            MeshException.DeadLettered.class,
                            e -> assertThat(e.dlqId()).isEqualTo(p.dlqId()));
        });
    }

    @Test
    void shouldClassifyWithTheConnectorsOwnRulesBeforeTheFlavours() {
        // Say this upstream's 404 means "not replicated yet": a server error worth retrying.
        Connector c = mesh.register(ConnectorSpec.builder("stripe_lagging", farm.serviceUrl("stripe_mock"))
                .flavor("stripe")
                .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                .retry(dev.gauntlet.mesh.retry.RetryConfig.builder()
                        .maxAttempts(2)
                        .baseDelay(Duration.ofMillis(1))
                        .maxDelay(Duration.ofMillis(2))
                        .budgetRatio(1.0)
                        .build())
                .errorRule(dev.gauntlet.mesh.classify.Rule.status("replica lag", 404, ErrorClass.server_error)
                        .whenBody("resource_missing"))
                .build());
        assertThatThrownBy(() -> c.get("/v1/customers/cus_nope"))
                .isInstanceOfSatisfying(MeshException.CallFailed.class, e -> {
                    assertThat(e.errorClass()).isEqualTo(ErrorClass.server_error);
                    assertThat(e.attempts())
                            .hasSize(2)
                            .allSatisfy(a -> assertThat(a.message()).contains("replica lag"));
                });
    }

    @Test
    void shouldRefuseBadSpecsNamingTheField() {
        assertThatThrownBy(() -> ConnectorSpec.builder("Bad Id", "http://x").build())
                .hasMessageContaining("id must be");
        assertThatThrownBy(() -> ConnectorSpec.builder("ok", "ftp://x").build())
                .hasMessageContaining("base_url must be an http(s) URL");
        assertThatThrownBy(() ->
                        ConnectorSpec.builder("ok", "http://x").flavor("soap").build())
                .hasMessageContaining("flavor must be one of");
        assertThatThrownBy(() -> dev.gauntlet.mesh.limit.LimitConfig.builder()
                        .initialRps(10)
                        .minRps(20)
                        .maxRps(100)
                        .burst(5)
                        .build())
                .hasMessage("limit.initial_rps must be between min_rps and max_rps, was 10.0");
        assertThatThrownBy(() -> dev.gauntlet.mesh.retry.RetryConfig.builder()
                        .maxAttempts(0)
                        .baseDelay(Duration.ofMillis(1))
                        .maxDelay(Duration.ofSeconds(1))
                        .budgetRatio(0.1)
                        .build())
                .hasMessage("retry.max_attempts must be ≥ 1, was 0");
    }
}
