package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Socket-level faults reach a real JDK HttpClient as the failures a real network produces. */
class SocketFaultTest {

    @TempDir
    Path dir;

    private TestFarm farmWithProfile(String profile) {
        TestFarm.write(dir.resolve("services"), "things.yaml", """
                id: things
                flavor: rest
                base_path: /api/things
                auth: { type: api_key, api_keys: [k-123] }
                error_profile: %s
                resources:
                  - { name: thing, path: /things, fields: { title: sentence }, count: 5 }
                """.formatted(profile));
        TestFarm farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        farm.chaos("{\"level\":\"all_network\"}");
        return farm;
    }

    @ParameterizedTest
    @ValueSource(strings = {"only_reset", "only_close", "only_truncate"})
    void shouldFailTheClientAtTheSocketWhenANetworkFaultIsInjected(String profile) {
        try (TestFarm farm = farmWithProfile(profile)) {
            HttpRequest request = farm.request("/api/things/things/thing_1")
                    .header("X-API-Key", "k-123")
                    .timeout(Duration.ofSeconds(5))
                    .GET()
                    .build();
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(IOException.class)
                    .isNotInstanceOf(HttpTimeoutException.class);
            // The JDK client retries an idempotent GET once on a broken connection, so one or two faults are logged.
            assertThat(farm.farm().faults().total("things")).isBetween(1L, 2L);
        }
    }

    @Test
    void shouldLetTheClientTimeOutWhenTheResponseNeverComes() {
        try (TestFarm farm = farmWithProfile("only_timeout")) {
            HttpRequest request = farm.request("/api/things/things/thing_1")
                    .header("X-API-Key", "k-123")
                    .timeout(Duration.ofMillis(500))
                    .GET()
                    .build();
            HttpClient client =
                    HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                    .isInstanceOf(HttpTimeoutException.class);
        }
    }
}
