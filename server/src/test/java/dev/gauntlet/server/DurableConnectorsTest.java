package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 6: connectors created through the API survive a restart of the AAM, and their DLQ entries stay replayable. */
class DurableConnectorsTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";

    @TempDir
    Path data;

    FarmServer farm;
    AamServer aam;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() {
        farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
        aam = startAam();
    }

    @AfterEach
    void stop() {
        if (aam != null) aam.close();
        farm.close();
        http.close();
    }

    AamServer startAam() {
        return AamServer.start(
                AamConfig.builder().port(0).farmUrl(farm.url()).dataDir(data).build());
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
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

    String connector(String id, double rps) {
        return """
                {"id":"%s","base_url":"%s/api/stripe","flavor":"stripe",
                 "auth":{"type":"api_key","header":"Authorization","prefix":"Bearer ","key":"%s"},
                 "limit":{"initial_rps":%s}}""".formatted(id, farm.url(), KEY, rps);
    }

    @Test
    void shouldRestoreAnApiCreatedConnectorAfterARestartAndReplayItsParkedWrite() throws Exception {
        assertThat(send("POST", "/connectors", connector("extra_stripe", 20)).statusCode())
                .isEqualTo(201);
        assertThat(send("PUT", "/connectors/extra_stripe", connector("extra_stripe", 30))
                        .statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/connectors", connector("gone_stripe", 20)).statusCode())
                .isEqualTo(201);
        assertThat(send("DELETE", "/connectors/gone_stripe", null).statusCode()).isEqualTo(200);
        aam.close();
        aam = null;

        // A write parked for it while it was down (not due for an hour, so only the replay by hand below sends it).
        String op = "durable-" + System.nanoTime();
        Instant now = Instant.now();
        try (SqliteStore store = SqliteStore.open(data)) {
            store.dlq()
                    .insertEntry(new DlqEntry(
                            "dlq_durable",
                            "extra_stripe",
                            "default",
                            "POST",
                            "/v1/customers",
                            Map.of(),
                            ("name=Ada&metadata[op_id]=" + op).getBytes(StandardCharsets.UTF_8),
                            "application/x-www-form-urlencoded",
                            "key-" + op,
                            op,
                            List.of(),
                            null,
                            "parked",
                            DlqEntry.SCHEMA_VERSION,
                            DlqState.pending,
                            false,
                            0,
                            now.plus(Duration.ofHours(1)),
                            now,
                            now));
            // And one that clashes with the connectors file (the built-in stripe_mock): the file wins.
            store.connectors()
                    .saveConnector("stripe_mock", connector("stripe_mock", 7).replace("/api/stripe", "/api/elsewhere"));
        }

        aam = startAam();
        JsonNode restored =
                JSON.readTree(send("GET", "/connectors/extra_stripe", null).body());
        assertThat(restored.path("limit").path("initial_rps").asDouble())
                .as("the replaced version")
                .isEqualTo(30);
        assertThat(restored.toString()).doesNotContain(KEY);
        assertThat(send("GET", "/connectors/gone_stripe", null).statusCode())
                .as("deleted stays deleted")
                .isEqualTo(404);
        assertThat(JSON.readTree(send("GET", "/connectors/stripe_mock", null).body())
                        .path("base_url")
                        .asText())
                .endsWith("/api/stripe");
        JsonNode health = JSON.readTree(send("GET", "/health", null).body());
        assertThat(health.path("stored_connectors_not_restored")
                        .path("stripe_mock")
                        .asText())
                .contains("file");

        HttpResponse<String> replayed = send("POST", "/dlq/dlq_durable/replay", null);
        assertThat(replayed.statusCode()).as(replayed.body()).isEqualTo(200);
        assertThat(JSON.readTree(send("GET", "/dlq/dlq_durable", null).body())
                        .path("state")
                        .asText())
                .isEqualTo("succeeded");
        // The proxy works with the stored key.
        assertThat(send("GET", "/proxy/extra_stripe/v1/customers?limit=1", null).statusCode())
                .isEqualTo(200);
    }
}
