package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A unique field declared in YAML holds over HTTP: the second create with a taken value is the vendor's conflict, never a 500. */
class UniqueWritesTest {

    @TempDir
    Path dir;

    @Test
    void shouldAnswerAConflictAndStoreNothingWhenACreateReusesAUniqueValue() {
        TestFarm.write(dir, "orders.yaml", """
                id: orders
                flavor: rest
                auth: { type: api_key, api_keys: [k-1] }
                resources:
                  - { name: order, path: /orders, fields: { title: sentence, external_id: uuid }, count: 2, unique: [external_id] }
                """);
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().servicesDir(dir))) {
            var first = farm.postJson(
                    "/api/orders/orders", "{\"title\":\"a\",\"external_id\":\"op-1\"}", "X-API-Key", "k-1");
            var second = farm.postJson(
                    "/api/orders/orders", "{\"title\":\"b\",\"external_id\":\"op-1\"}", "X-API-Key", "k-1");
            assertThat(first.statusCode()).isEqualTo(201);
            assertThat(second.statusCode()).isEqualTo(409);
            assertThat(second.body()).contains("external_id").contains("op-1");
            JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=orders"));
            assertThat(ledger.path("entries"))
                    .singleElement()
                    .satisfies(e -> assertThat(e.path("commits").asInt()).isEqualTo(1));
            assertThat(farm.farm().service("orders").store("order").size()).isEqualTo(3);
        }
    }
}
