package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: {@code --store postgresql://…} - two AAM nodes on one PostgreSQL database (its own, random name, dropped
 * after) see one set of connectors, and /health names the store's kind and URL (no password).
 */
class PostgresAamTest {
    static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    String database;
    FarmServer farm;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        database =
                "gauntlet_aam_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (var c = DriverManager.getConnection(SERVER);
                var s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
        farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
    }

    @AfterEach
    void stop() throws Exception {
        farm.close();
        http.close();
        try (var c = DriverManager.getConnection(SERVER);
                var s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    AamServer node(String name) {
        String url = "postgresql://127.0.0.1:5432/" + database + "?user=postgres&password=unused-secret";
        return AamServer.start(AamConfig.builder()
                .port(0)
                .farmUrl(farm.url())
                .dataDir(data.resolve(name))
                .store(StorageUrls.store(url))
                .build());
    }

    HttpResponse<String> send(AamServer aam, String method, String path, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(aam.url() + path))
                        .header("Content-Type", "application/json")
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldShareConnectorsBetweenTwoNodesAndNameTheStoreInHealth() throws Exception {
        String spec = """
                {"id":"shared_stripe","base_url":"%s/api/stripe","flavor":"stripe",
                 "auth":{"type":"api_key","header":"Authorization","prefix":"Bearer ","key":"sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"}}""".formatted(farm.url());
        try (AamServer a = node("a")) {
            assertThat(send(a, "POST", "/connectors", spec).statusCode()).isEqualTo(201);
            try (AamServer b = node("b")) {
                assertThat(send(b, "GET", "/connectors/shared_stripe", null).statusCode())
                        .as("created on the other node")
                        .isEqualTo(200);
                HttpResponse<String> health = send(b, "GET", "/health", null);
                assertThat(health.statusCode()).isEqualTo(200);
                JsonNode store = JSON.readTree(health.body()).get("store");
                assertThat(store.get("kind").asText()).isEqualTo("postgresql");
                assertThat(store.get("status").asText()).isEqualTo("ok");
                assertThat(store.get("url").asText())
                        .isEqualTo("postgresql://127.0.0.1:5432/" + database + "?user=postgres");
                assertThat(health.body()).doesNotContain("unused-secret");
            }
        }
    }

    JsonNode health(AamServer aam) throws Exception {
        HttpResponse<String> r = send(aam, "GET", "/health", null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void shouldListBothNodesInHealthAndDropOneThatStops() throws Exception {
        try (AamServer a = node("a")) {
            String aId = "127.0.0.1:" + a.port();
            try (AamServer b = node("b")) {
                String bId = "127.0.0.1:" + b.port();
                // b listed a at its first beat (a beat before it); a sees b at its next beat (2 s).
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(health(a).get("nodes"))
                                .extracting(n -> n.get("id").asText())
                                .containsExactlyInAnyOrder(aId, bId));
                JsonNode nodes = health(b).get("nodes");
                assertThat(nodes).hasSize(2);
                for (JsonNode n : nodes) {
                    boolean self = n.get("id").asText().equals(bId);
                    assertThat(n.get("self").asBoolean()).isEqualTo(self);
                    assertThat(n.get("gone").asBoolean()).isFalse();
                    assertThat(n.get("store").asText()).isEqualTo("postgresql");
                    assertThat(n.get("limits").asText()).isEqualTo("local");
                    assertThat(n.get("url").asText())
                            .isEqualTo("http://" + n.get("id").asText());
                    assertThat(n.get("last_seen").asText()).isNotBlank();
                }
                JsonNode bucket = health(b).get("limits").get("connectors").get("stripe_mock");
                assertThat(bucket.get("burst").asInt()).isPositive();
                assertThat(bucket.get("rate").asDouble()).isPositive();
                assertThat(bucket.get("shared").asBoolean()).as("local limits").isFalse();
            }
            // A node that stops removes its row: a's next beat no longer lists it.
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(health(a).get("nodes"))
                            .extracting(n -> n.get("id").asText())
                            .containsExactly(aId));
        }
    }

    @Test
    void shouldApplyConnectorsCreatedReplacedAndDeletedOnAnotherNode() throws Exception {
        String spec = """
                {"id":"late_stripe","base_url":"%s/api/stripe","flavor":"stripe","limit":{"initial_rps":50,"burst":%d},
                 "auth":{"type":"api_key","header":"Authorization","prefix":"Bearer ","key":"sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"}}""";
        try (AamServer a = node("a");
                AamServer b = node("b")) {
            assertThat(send(b, "GET", "/connectors/late_stripe", null).statusCode())
                    .isEqualTo(404);
            assertThat(send(a, "POST", "/connectors", spec.formatted(farm.url(), 7))
                            .statusCode())
                    .isEqualTo(201);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(send(b, "GET", "/proxy/late_stripe/v1/customers?limit=1", null)
                                    .statusCode())
                            .as("created on node a, served by node b")
                            .isEqualTo(200));

            assertThat(send(a, "PUT", "/connectors/late_stripe", spec.formatted(farm.url(), 9))
                            .statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(JSON.readTree(send(b, "GET", "/connectors/late_stripe", null)
                                            .body())
                                    .at("/limit/burst")
                                    .asInt())
                            .as("replaced on node a")
                            .isEqualTo(9));
            assertThat(health(b).at("/limits/connectors/late_stripe/burst").asInt())
                    .as("b's mesh runs the new spec, not just its list")
                    .isEqualTo(9);

            assertThat(send(a, "DELETE", "/connectors/late_stripe", null).statusCode())
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(send(b, "GET", "/proxy/late_stripe/v1/customers?limit=1", null)
                                    .statusCode())
                            .as("deleted on node a, refused by node b")
                            .isEqualTo(404));
            assertThat(send(b, "GET", "/connectors/late_stripe", null).statusCode())
                    .isEqualTo(404);
            assertThat(send(a, "GET", "/connectors/late_stripe", null).statusCode())
                    .isEqualTo(404);
        }
    }
}
