package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scripted faults over the admin API: exactly the next matching requests get them, whatever the chaos dial says. */
class FaultScriptTest {

    static TestFarm farm;
    static final String KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";

    @BeforeAll
    static void start() {
        farm = TestFarm.builtIns();
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    @BeforeEach
    void reset() {
        farm.postJson("/admin/reset", "");
    }

    private static int script(String body) {
        return farm.postJson("/admin/faults/script", body).statusCode();
    }

    private static int createCustomer(String op) {
        try {
            return farm.postForm(
                            "/api/stripe/v1/customers",
                            "name=Ada&metadata%5Bop_id%5D=" + op,
                            "Authorization",
                            "Bearer " + KEY)
                    .statusCode();
        } catch (UncheckedIOException cut) {
            return -1;
        }
    }

    @Test
    void shouldCutTheNextMatchingAnswerAfterTheCommitAndOnlyThatOne() {
        assertThat(
                        script(
                                "{\"service\":\"stripe_mock\",\"type\":\"truncate\",\"method\":\"POST\",\"path\":\"/v1/customers\"}"))
                .isEqualTo(201);
        // A read does not match the script; the next create does, and the one after it is whole again.
        assertThat(farm.get("/api/stripe/v1/customers", "Authorization", "Bearer " + KEY)
                        .statusCode())
                .isEqualTo(200);
        assertThat(createCustomer("op-1")).isEqualTo(-1);
        assertThat(createCustomer("op-2")).isEqualTo(200);

        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=stripe_mock"));
        assertThat(ledger.path("entries"))
                .extracting(e -> e.path("op_id").asText())
                .containsExactly("op-1", "op-2");
        JsonNode faults = TestFarm.json(farm.get("/admin/faults?service=stripe_mock"));
        assertThat(faults.path("entries")).singleElement().satisfies(f -> {
            assertThat(f.path("type").asText()).isEqualTo("truncate");
            assertThat(f.path("after_commit").asBoolean()).isTrue();
        });
        assertThat(TestFarm.json(farm.get("/admin/faults/script")).path("pending"))
                .isEmpty();
    }

    @Test
    void shouldStrikeAScriptedResetBeforeTheCommitForCountRequests() {
        assertThat(script("{\"service\":\"stripe_mock\",\"type\":\"reset\",\"method\":\"POST\",\"count\":2}"))
                .isEqualTo(201);
        JsonNode pending = TestFarm.json(farm.get("/admin/faults/script")).path("pending");
        assertThat(pending)
                .singleElement()
                .satisfies(e -> assertThat(e.path("remaining").asInt()).isEqualTo(2));

        assertThat(createCustomer("op-1")).isEqualTo(-1);
        assertThat(createCustomer("op-2")).isEqualTo(-1);
        assertThat(createCustomer("op-3")).isEqualTo(200);

        assertThat(TestFarm.json(farm.get("/admin/ledger?service=stripe_mock")).path("entries"))
                .extracting(e -> e.path("op_id").asText())
                .containsExactly("op-3");
    }

    @Test
    void shouldAnswerAScriptedServerErrorWithItsStatusAndForgetScriptsOnDeleteAndReset() {
        assertThat(script("{\"service\":\"github_mock\",\"type\":\"server_error\",\"status\":503}"))
                .isEqualTo(201);
        assertThat(farm.send(farm.request("/admin/faults/script").DELETE()).statusCode())
                .isEqualTo(200);
        assertThat(TestFarm.json(farm.get("/admin/faults/script")).path("pending"))
                .isEmpty();

        assertThat(script("{\"service\":\"datadog_mock\",\"type\":\"server_error\",\"status\":503}"))
                .isEqualTo(201);
        var r = farm.get("/api/datadog/api/v1/metrics?from=0", "DD-API-KEY", "dd-gauntlet-api-key");
        assertThat(r.statusCode()).isEqualTo(503);

        script("{\"service\":\"datadog_mock\",\"type\":\"reset\"}");
        farm.postJson("/admin/reset", "");
        assertThat(TestFarm.json(farm.get("/admin/faults/script")).path("pending"))
                .isEmpty();
    }

    @Test
    void shouldRefuseABadScriptNamingTheField() {
        assertThat(field("{\"type\":\"reset\"}")).isEqualTo("service");
        assertThat(field("{\"service\":\"nope\",\"type\":\"reset\"}")).isEqualTo("service");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"meteor\"}")).isEqualTo("type");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"reset\",\"count\":0}"))
                .isEqualTo("count");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"reset\",\"status\":500}"))
                .isEqualTo("status");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"server_error\",\"status\":501}"))
                .isEqualTo("status");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"slow\",\"after_commit\":true}"))
                .isEqualTo("after_commit");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"reset\",\"path\":\"v1\"}"))
                .isEqualTo("path");
        assertThat(field("{\"service\":\"stripe_mock\",\"type\":\"reset\",\"method\":\"BREW\"}"))
                .isEqualTo("method");
    }

    private static String field(String body) {
        var r = farm.postJson("/admin/faults/script", body);
        assertThat(r.statusCode()).as(body).isEqualTo(400);
        return TestFarm.json(r).path("field").asText();
    }
}
