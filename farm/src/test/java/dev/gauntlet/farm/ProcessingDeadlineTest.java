package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A write that cannot begin executing within the farm's processing deadline of its arrival is refused with a 503 and
 * never committed (fault type overloaded in the fault log); its idempotency key stays free. Slowness is scripted
 * before the handler, so the deadline here (300 ms) is passed for real.
 */
class ProcessingDeadlineTest {

    static TestFarm farm;
    static final String KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";

    @BeforeAll
    static void start() {
        farm = TestFarm.start(FarmConfig.builder().port(0).processingDeadline(Duration.ofMillis(300)));
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    @BeforeEach
    void reset() {
        farm.postJson("/admin/reset", "");
    }

    private static void slowNextWrite(String service, long ms) {
        assertThat(farm.postJson(
                                "/admin/faults/script",
                                "{\"service\":\"" + service + "\",\"type\":\"slow\",\"method\":\"POST\",\"delay_ms\":"
                                        + ms + "}")
                        .statusCode())
                .isEqualTo(201);
    }

    private static HttpResponse<String> createCustomer(String op, String key) {
        return farm.postForm(
                "/api/stripe/v1/customers",
                "name=Ada&metadata%5Bop_id%5D=" + op,
                "Authorization",
                "Bearer " + KEY,
                "Idempotency-Key",
                key);
    }

    @Test
    void shouldRefuseAWriteThatWouldBeginPastItsDeadlineAndCommitNothing() {
        slowNextWrite("stripe_mock", 600);
        HttpResponse<String> late = createCustomer("op-late", "key-1");
        assertThat(late.statusCode()).isEqualTo(503);
        assertThat(TestFarm.json(late).at("/error/type").asText())
                .as("Stripe's envelope")
                .isEqualTo("api_error");
        assertThat(TestFarm.json(farm.get("/admin/ledger?service=stripe_mock")).path("entries"))
                .isEmpty();
        JsonNode faults =
                TestFarm.json(farm.get("/admin/faults?service=stripe_mock")).path("entries");
        assertThat(faults).extracting(f -> f.path("type").asText()).contains("slow", "overloaded");

        // The key was not spent on the refusal: the same request again is carried out, once.
        assertThat(createCustomer("op-late", "key-1").statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(farm.get("/admin/ledger?service=stripe_mock")).path("entries"))
                .hasSize(1);
    }

    @Test
    void shouldCarryOutAWriteThatBeginsInTime() {
        slowNextWrite("stripe_mock", 50);
        assertThat(createCustomer("op-quick", "key-2").statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(farm.get("/admin/ledger?service=stripe_mock")).path("entries"))
                .hasSize(1);
    }

    @Test
    void shouldNotHoldReadsToTheDeadline() {
        assertThat(farm.postJson(
                                "/admin/faults/script",
                                "{\"service\":\"stripe_mock\",\"type\":\"slow\",\"method\":\"GET\",\"delay_ms\":600}")
                        .statusCode())
                .isEqualTo(201);
        assertThat(farm.get("/api/stripe/v1/customers", "Authorization", "Bearer " + KEY)
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldRefuseToScriptTheFarmsOwnRefusal() {
        HttpResponse<String> r =
                farm.postJson("/admin/faults/script", "{\"service\":\"stripe_mock\",\"type\":\"overloaded\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).path("field").asText()).isEqualTo("type");
    }

    @Test
    void shouldRefuseANonPositiveDeadline() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        FarmConfig.builder().processingDeadline(Duration.ZERO).build())
                .hasMessageContaining("processing_deadline");
    }
}
