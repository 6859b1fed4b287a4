package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The background replayer gives every connector a loop of its own: a hanging upstream holds up only its own replays. */
class ReplayerWorkersTest {

    static DlqEntry due(String id, String connector, String path, String body, String contentType, String key) {
        Instant now = Instant.now();
        return new DlqEntry(
                id,
                connector,
                "default",
                "POST",
                path,
                Map.of(),
                body.getBytes(StandardCharsets.UTF_8),
                contentType,
                key,
                "op-" + id,
                List.of(),
                ErrorClass.server_error,
                "HTTP 503",
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                false,
                0,
                now,
                now,
                now);
    }

    @Test
    void shouldReplayAHealthyConnectorsEntriesWhileAnotherConnectorsReplaysHang() throws Exception {
        try (FarmFixture farm = FarmFixture.start();
                ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                Mesh mesh = Mesh.builder().build()) {
            // Accepts connections (the kernel does) and never answers: each replay there hangs until its 4 s timeout.
            var hang = Timeouts.builder()
                    .attempt(Duration.ofSeconds(4))
                    .total(Duration.ofSeconds(4))
                    .build();
            for (String id : List.of("silent_a", "silent_b", "silent_c")) {
                mesh.register(ConnectorSpec.builder(id, "http://127.0.0.1:" + silent.getLocalPort())
                        .timeouts(hang)
                        .retry(RetryConfig.builder()
                                .maxAttempts(1)
                                .baseDelay(Duration.ofMillis(10))
                                .maxDelay(Duration.ofMillis(10))
                                .budgetRatio(0.1)
                                .build())
                        .build());
            }
            Connector stripe = mesh.register(ConnectorSpec.builder("stripe", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .auth(AuthConfig.ApiKey.bearer("sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"))
                    .build());
            List<String> order = mesh.connectors().stream().map(Connector::id).toList();
            assertThat(order.indexOf("stripe"))
                    .as("a single loop would meet a silent connector before stripe: %s", order)
                    .isGreaterThan(order.indexOf("silent_a"));
            DlqRepository repo = mesh.deadLetters().repository();
            for (String id : List.of("silent_a", "silent_b", "silent_c")) {
                repo.insertEntry(due("dlq-" + id, id, "/things", "{}", "application/json", "key-" + id));
            }
            repo.insertEntry(due(
                    "dlq-stripe",
                    stripe.id(),
                    "/v1/customers",
                    "name=Ada",
                    "application/x-www-form-urlencoded",
                    "key-stripe-1"));

            // Well inside the 4 s that one silent replay takes (three of them one after another: 12 s).
            await().atMost(Duration.ofMillis(2_500))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> repo.entry("dlq-stripe").orElseThrow().state() == DlqState.succeeded);
            assertThat(repo.entry("dlq-silent_a").orElseThrow().state())
                    .as("still hanging")
                    .isEqualTo(DlqState.replaying);
        }
    }
}
