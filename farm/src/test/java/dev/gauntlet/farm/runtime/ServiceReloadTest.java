package dev.gauntlet.farm.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A changed service file is reloaded without a restart, keeping what the change does not touch: a resource's records,
 * the idempotency keys of its writes and its ledger entries stay or start over together, and a reset is said.
 */
class ServiceReloadTest {

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private TestFarm farm;

    /** A shop with items and notes, keyed writes and op ids; {@code extra} is spliced in at the end of the item line. */
    static String shop(String description, String itemFields) {
        return """
                id: shop
                flavor: rest
                description: %s
                auth: { type: api_key, api_keys: [k-1] }
                idempotency: { header: Idempotency-Key }
                ledger: { op_id_field: external_id }
                resources:
                  - { name: item, path: /items, fields: { %s }, count: 3 }
                  - { name: note, path: /notes, fields: { text: sentence }, count: 2 }
                """.formatted(description, itemFields);
    }

    @BeforeEach
    void start() {
        TestFarm.write(dir, "shop.yaml", shop("our shop", "title: sentence"));
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir)
                .clock(clock)
                .watchInterval(Duration.ofMillis(50)));
    }

    @AfterEach
    void stop() {
        farm.close();
    }

    private HttpResponse<String> create(String resource, String key, String opId) {
        return farm.postJson(
                "/api/shop/" + resource,
                "{\"title\":\"t\",\"external_id\":\"" + opId + "\"}",
                "X-API-Key",
                "k-1",
                "Idempotency-Key",
                key);
    }

    private JsonNode shopStatus() {
        return TestFarm.json(farm.get("/admin/status")).get("services").get(0);
    }

    private JsonNode ledger() {
        return TestFarm.json(farm.get("/admin/ledger?service=shop"));
    }

    private void reloadTo(String text) {
        TestFarm.write(dir, "shop.yaml", text);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !shopStatus().get("last_reload").isNull());
    }

    @Test
    void shouldKeepRecordsKeysAndLedgerWhenOnlyTheDescriptionChanges() {
        HttpResponse<String> first = create("items", "k1", "op-1");
        assertThat(first.statusCode()).isEqualTo(201);
        String id = TestFarm.json(first).get("id").asText();

        reloadTo(shop("our shop, now with a longer description", "title: sentence"));

        JsonNode reload = shopStatus().get("last_reload");
        assertThat(reload.get("at").asText())
                .as("the farm's clock")
                .isEqualTo(clock.instant().toString());
        assertThat(reload.get("kept")).extracting(JsonNode::asText).containsExactly("item", "note");
        assertThat(reload.get("reset")).isEmpty();
        assertThat(reload.get("idempotency_keys").asText()).isEqualTo("kept");
        assertThat(shopStatus().get("requests").asLong()).as("counters stay").isEqualTo(1);
        assertThat(farm.get("/api/shop/items/" + id, "X-API-Key", "k-1").statusCode())
                .as("the created record stays")
                .isEqualTo(200);

        HttpResponse<String> retry = create("items", "k1", "op-1");
        assertThat(retry.statusCode()).isEqualTo(201);
        assertThat(retry.headers().firstValue("Idempotent-Replayed"))
                .as("the stored answer")
                .hasValue("true");
        assertThat(retry.body()).isEqualTo(first.body());
        JsonNode ledger = ledger();
        assertThat(ledger.get("total").asInt()).isEqualTo(1);
        assertThat(ledger.at("/entries/0/commits").asInt()).isEqualTo(1);
        assertThat(ledger.get("duplicates").asInt()).isZero();
        assertThat(TestFarm.json(farm.get("/admin/faults?service=shop&type=reload_reset"))
                        .get("entries"))
                .isEmpty();
    }

    @Test
    void shouldResetAChangedResourcesRecordsKeysAndLedgerTogetherAndSaySo() {
        String item = TestFarm.json(create("items", "k1", "op-1")).get("id").asText();
        HttpResponse<String> note = create("notes", "k2", "op-2");
        String noteId = TestFarm.json(note).get("id").asText();

        reloadTo(shop("our shop", "title: sentence, price: money"));

        JsonNode reload = shopStatus().get("last_reload");
        assertThat(reload.get("kept")).extracting(JsonNode::asText).containsExactly("note");
        assertThat(reload.at("/reset/0/resource").asText()).isEqualTo("item");
        assertThat(reload.at("/reset/0/reason").asText()).isEqualTo("schema changed: fields");
        assertThat(farm.get("/api/shop/items/" + item, "X-API-Key", "k-1").statusCode())
                .as("records start over")
                .isEqualTo(404);
        assertThat(TestFarm.json(farm.get("/api/shop/items/item_1", "X-API-Key", "k-1"))
                        .has("price"))
                .as("generated under the new schema")
                .isTrue();
        assertThat(ledger().get("entries"))
                .extracting(e -> e.get("resource").asText())
                .containsExactly("note");

        JsonNode logged = TestFarm.json(farm.get("/admin/faults?service=shop&type=reload_reset"))
                .get("entries");
        assertThat(logged).hasSize(1);
        assertThat(logged.get(0).get("resource").asText()).isEqualTo("item");
        assertThat(logged.get(0).get("reason").asText()).isEqualTo("schema changed: fields");
        assertThat(logged.get(0).get("at").asText()).isEqualTo(clock.instant().toString());
        assertThat(TestFarm.json(farm.get("/admin/faults?service=shop"))
                        .get("total")
                        .asLong())
                .as("not an injected fault")
                .isZero();

        // The reset item's key went with its record: the retry is carried out afresh, and is the one commit the ledger
        // knows.
        HttpResponse<String> again = create("items", "k1", "op-1");
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
        // The kept note's key still replays its stored answer.
        HttpResponse<String> noteRetry = create("notes", "k2", "op-2");
        assertThat(noteRetry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(farm.get("/api/shop/notes/" + noteId, "X-API-Key", "k-1").statusCode())
                .isEqualTo(200);
        JsonNode ledger = ledger();
        assertThat(ledger.get("entries"))
                .extracting(
                        e -> e.get("op_id").asText() + "=" + e.get("commits").asInt())
                .containsExactlyInAnyOrder("op-1=1", "op-2=1");
        assertThat(TestFarm.json(farm.get("/admin/status"))
                        .at("/ledger/commits")
                        .asLong())
                .isEqualTo(2);
    }

    @Test
    void shouldResetEveryResourceWhenTheIdempotencySettingChanges() {
        create("items", "k1", "op-1");

        reloadTo(shop("our shop", "title: sentence")
                .replace(
                        "idempotency: { header: Idempotency-Key }",
                        "idempotency: { header: Idempotency-Key, ttl_s: 60 }"));

        JsonNode reload = shopStatus().get("last_reload");
        assertThat(reload.get("kept")).isEmpty();
        assertThat(reload.get("reset"))
                .extracting(
                        r -> r.get("resource").asText() + ": " + r.get("reason").asText())
                .containsExactly("item: idempotency changed", "note: idempotency changed");
        assertThat(reload.get("idempotency_keys").asText()).isEqualTo("reset");
        assertThat(ledger().get("total").asInt()).isZero();
    }

    @Test
    void shouldDropTheLedgerEntriesOfAServiceWhoseFileIsDeleted() throws Exception {
        create("items", "k1", "op-1");

        Files.delete(dir.resolve("shop.yaml"));
        await().atMost(Duration.ofSeconds(10)).until(() -> farm.farm().service("shop") == null);

        assertThat(farm.farm().ledger().entries("shop", false)).isEmpty();
        assertThat(farm.farm().faults().entries("shop", null, "reload_reset", 0, 10))
                .extracting(e -> e.resource() + ": " + e.reason())
                .containsExactly("item: service removed", "note: service removed");
    }
}
