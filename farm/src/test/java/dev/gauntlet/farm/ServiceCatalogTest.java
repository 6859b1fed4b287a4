package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import dev.gauntlet.http.Listeners;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User services: loaded from a folder, picked up when they change, and a broken file never takes the farm down. */
class ServiceCatalogTest {

    @TempDir
    Path dir;

    static String service(String id, String path) {
        return """
                id: %s
                flavor: rest
                auth: { type: api_key, api_keys: [k-1] }
                resources:
                  - { name: item, path: %s, fields: { title: sentence }, count: 3 }
                """.formatted(id, path);
    }

    @Test
    void shouldServeGoodFilesAndReportABrokenOneWithFileLineAndField() {
        TestFarm.write(dir, "good.yaml", service("good", "/items"));
        TestFarm.write(dir, "broken.yaml", """
                id: broken
                flavor: rest
                resources:
                  - name: item
                    count: -3
                """);
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().servicesDir(dir))) {
            assertThat(farm.get("/api/good/items/item_1", "X-API-Key", "k-1").statusCode())
                    .isEqualTo(200);
            assertThat(farm.get("/api/stripe/v1/customers").statusCode())
                    .as("built-ins keep serving")
                    .isNotEqualTo(404);
            JsonNode error =
                    TestFarm.json(farm.get("/admin/status")).get("errors").get(0);
            assertThat(error.get("file").asText()).isEqualTo("broken.yaml");
            assertThat(error.get("line").asInt()).isEqualTo(5);
            assertThat(error.get("field").asText()).isEqualTo("resources[0]");
            assertThat(error.get("message").asText()).isEqualTo("resources[item].count must be ≥ 0, was -3");
        }
    }

    @Test
    void shouldRefuseClashesDuplicateKeysAndUnknownDriftFieldsWithFileLineAndFieldWhileTheOthersServe()
            throws Exception {
        TestFarm.write(
                dir,
                "a_first.yaml",
                service("dup", "/items").replace("flavor: rest", "flavor: rest\nbase_path: /api/dup"));
        TestFarm.write(
                dir,
                "b_second.yaml",
                "# the same id as a_first.yaml\n"
                        + service("dup", "/things").replace("flavor: rest", "flavor: rest\nbase_path: /api/dup2"));
        TestFarm.write(dir, "good.yaml", service("good", "/items"));
        TestFarm.write(
                dir,
                "nested.yaml",
                service("nested", "/items").replace("flavor: rest", "flavor: rest\nbase_path: /api/good/v2"));
        TestFarm.write(
                dir,
                "stripe_path.yaml",
                service("mine", "/items").replace("flavor: rest", "flavor: rest\nbase_path: /api/stripe"));
        TestFarm.write(dir, "twice.yaml", """
                id: twice
                resources:
                  - name: item
                    count: 3
                    count: 4
                """);
        TestFarm.write(dir, "drift.yaml", """
                id: drifty
                drift:
                  - { resource: item, after_calls: 5, rename: { title: headline } }
                  - { resource: item, after_calls: 9, retype: { titel: int } }
                resources:
                  - { name: item, fields: { title: sentence } }
                """);
        try (TestFarm farm =
                TestFarm.start(FarmConfig.builder().servicesDir(dir).watchInterval(Duration.ofMillis(50)))) {
            assertThat(farm.get("/api/dup/items/item_1", "X-API-Key", "k-1").statusCode())
                    .as("the first file keeps its id")
                    .isEqualTo(200);
            assertThat(farm.get("/api/good/items/item_1", "X-API-Key", "k-1").statusCode())
                    .isEqualTo(200);
            assertThat(farm.get("/api/stripe/v1/customers").statusCode())
                    .as("the built-in keeps its path")
                    .isEqualTo(401);
            assertThat(farm.farm().services())
                    .extracting(ServiceRuntime::id)
                    .doesNotContain("nested", "mine", "twice", "drifty");

            var errors = new TreeMap<String, JsonNode>();
            TestFarm.json(farm.get("/admin/status"))
                    .get("service_errors")
                    .forEach(e -> errors.put(e.get("file").asText(), e));
            assertThat(errors)
                    .containsOnlyKeys("b_second.yaml", "nested.yaml", "stripe_path.yaml", "twice.yaml", "drift.yaml");
            assertError(errors.get("b_second.yaml"), 2, "id", "service id 'dup' is already served from a_first.yaml");
            assertError(
                    errors.get("nested.yaml"),
                    3,
                    "base_path",
                    "base_path /api/good/v2 overlaps /api/good of good (good.yaml)");
            assertError(
                    errors.get("stripe_path.yaml"),
                    3,
                    "base_path",
                    "base_path /api/stripe is already served by stripe_mock (built-in)");
            assertError(errors.get("twice.yaml"), 5, "resources[0].count", "duplicate key 'count'");
            assertError(
                    errors.get("drift.yaml"),
                    4,
                    "drift[1].retype.titel",
                    "drift[1] retypes field 'titel', which resource item does not declare");

            // The first file gone, the second gets its turn.
            Files.delete(dir.resolve("a_first.yaml"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> farm.get("/api/dup2/things/item_1", "X-API-Key", "k-1")
                                    .statusCode()
                            == 200);
            assertThat(TestFarm.json(farm.get("/admin/status")).get("service_errors"))
                    .extracting(e -> e.get("file").asText())
                    .doesNotContain("b_second.yaml");
        }
    }

    private static void assertError(JsonNode error, int line, String field, String message) {
        assertThat(error.get("line").asInt()).as(error.toString()).isEqualTo(line);
        assertThat(error.get("field").asText()).as(error.toString()).isEqualTo(field);
        assertThat(error.get("message").asText()).startsWith(message);
    }

    @Test
    void shouldPickUpNewChangedAndDeletedFilesWithoutARestart() throws Exception {
        try (TestFarm farm = TestFarm.start(
                FarmConfig.builder().builtIns(false).servicesDir(dir).watchInterval(Duration.ofMillis(100)))) {
            assertThat(farm.get("/api/late/items/item_1").statusCode()).isEqualTo(404);

            Path file = TestFarm.write(dir, "late.yaml", service("late", "/items"));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> farm.get("/api/late/items/item_1", "X-API-Key", "k-1")
                                    .statusCode()
                            == 200);

            TestFarm.write(dir, "late.yaml", service("late", "/widgets") + "# changed\n");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> farm.get("/api/late/widgets/item_1", "X-API-Key", "k-1")
                                    .statusCode()
                            == 200);

            // A broken edit keeps the last good version serving and says why.
            TestFarm.write(dir, "late.yaml", "id: late\nresources: [ {name: item, path: nope} ]\n");
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> TestFarm.json(farm.get("/admin/status"))
                                    .get("errors")
                                    .size()
                            == 1);
            assertThat(farm.get("/api/late/widgets/item_1", "X-API-Key", "k-1").statusCode())
                    .isEqualTo(200);

            Files.delete(file);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> farm.get("/api/late/widgets/item_1", "X-API-Key", "k-1")
                                    .statusCode()
                            == 404);
            assertThat(TestFarm.json(farm.get("/admin/status")).get("errors")).isEmpty();
        }
    }

    @Test
    void shouldServeAServiceAtTheRootOfAPortOfItsOwn() {
        TestFarm.write(dir, "own.yaml", service("own", "/v1/items"));
        try (TestFarm farm = TestFarm.start(
                FarmConfig.builder().builtIns(false).servicesDir(dir).servicePort("own", 0))) {
            int port = farm.server.servicePort("own");
            assertThat(port).isPositive().isNotEqualTo(farm.server.port());
            var r = farm.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/items/item_2"))
                    .header("X-API-Key", "k-1")
                    .GET());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(TestFarm.json(r).get("id").asText()).isEqualTo("item_2");
            assertThat(TestFarm.json(farm.get("/admin/status"))
                            .at("/services/0/port")
                            .asInt())
                    .isEqualTo(port);
            // Both listeners take bursts of new connections: not the JDK's backlog of 50.
            assertThat(farm.server.listenBacklogs())
                    .containsOnlyKeys(farm.server.port(), port)
                    .allSatisfy((p, backlog) -> assertThat(backlog).isEqualTo(Listeners.ACCEPT_QUEUE));
        }
    }

    @Test
    void shouldRefuseAServicePortForAnUnknownService() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        TestFarm.start(FarmConfig.builder().builtIns(false).servicePort("ghost", 0)))
                .hasMessageContaining("ghost");
    }
}
