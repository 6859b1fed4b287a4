package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: {@code --limits redis://…} - two AAM nodes on one Redis prefix (its own, random) serve calls through the
 * farm's Stripe from the shared buckets, and /health names the backend, that it is up, and both nodes.
 */
class RedisLimitsAamTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    final String limits = "redis://127.0.0.1:6379/0?prefix=test-" + UUID.randomUUID();
    FarmServer farm;
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() {
        farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
    }

    @AfterEach
    void stop() {
        farm.close();
        http.close();
    }

    AamServer node(String name) {
        return AamServer.start(AamConfig.builder()
                .port(0)
                .farmUrl(farm.url())
                .dataDir(data.resolve(name))
                .store(StorageUrls.store("memory"))
                .limits(StorageUrls.limits(limits))
                .build());
    }

    JsonNode get(AamServer aam, String path) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(aam.url() + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    @Test
    void twoNodesShareTheirBucketsInRedis() throws Exception {
        try (AamServer one = node("n1");
                AamServer two = node("n2")) {
            for (int i = 0; i < 3; i++) {
                get(one, "/proxy/stripe_mock/v1/customers");
                get(two, "/proxy/stripe_mock/v1/customers");
            }
            JsonNode health = get(two, "/health");
            assertThat(health.path("limits").path("backend").asText()).isEqualTo("redis");
            assertThat(health.path("limits").path("up").asBoolean()).isTrue();
            assertThat(health.path("limits").path("live_nodes").asInt()).isEqualTo(2);
            assertThat(health.path("limits").path("url").asText()).isEqualTo(limits);
            JsonNode bucket = health.path("limits").path("connectors").path("stripe_mock");
            assertThat(bucket.path("shared").asBoolean())
                    .as("the bucket in Redis: " + bucket)
                    .isTrue();
            assertThat(bucket.path("burst").asInt()).isPositive();
            // Each node here has a memory store of its own: it lists itself only (Redis counts both, above).
            assertThat(health.path("nodes")).hasSize(1);
            assertThat(health.path("nodes").get(0).path("limits").asText()).isEqualTo("redis");
            assertThat(health.path("nodes").get(0).path("store").asText()).isEqualTo("memory");
            assertThat(health.path("nodes").get(0).path("self").asBoolean()).isTrue();
        }
    }

    @Test
    void aBucketIsNotSharedWhileRedisIsUnreachable() throws Exception {
        // Nothing listens on port 1: the node starts on its local share and says so per connector.
        try (AamServer down = AamServer.start(AamConfig.builder()
                .port(0)
                .farmUrl(farm.url())
                .dataDir(data.resolve("down"))
                .store(StorageUrls.store("memory"))
                .limits(StorageUrls.limits("redis://127.0.0.1:1/0?prefix=test-down"))
                .build())) {
            JsonNode health = get(down, "/health");
            assertThat(health.path("limits").path("up").asBoolean()).isFalse();
            assertThat(health.path("limits")
                            .path("connectors")
                            .path("stripe_mock")
                            .path("shared")
                            .asBoolean())
                    .as("no call yet, Redis down: " + health.path("limits"))
                    .isFalse();
        }
    }
}
