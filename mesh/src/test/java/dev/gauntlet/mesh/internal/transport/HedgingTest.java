package dev.gauntlet.mesh.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A slow read is hedged: a second request after hedge_after, the first answer wins; writes are never hedged. */
class HedgingTest {

    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final CountDownLatch slowRelease = new CountDownLatch(1);
    /** How long the first request takes to answer: the upstream's simulated slowness. */
    volatile long slowMs = 3_000;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/item", ex -> {
            // The first request is slow (slowMs, or until released); later ones answer at once.
            if (requests.incrementAndGet() == 1) {
                try {
                    slowRelease.await(slowMs, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"id\":1}".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        slowRelease.countDown();
        server.stop(0);
    }

    private ConnectorSpec spec() {
        return ConnectorSpec.builder("hedged", "http://127.0.0.1:" + server.getAddress().getPort())
                .timeouts(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofMillis(50))).build();
    }

    @Test
    void shouldAnswerASlowReadFromTheHedgedRequest() {
        try (Mesh mesh = Mesh.builder().build()) {
            var c = mesh.register(spec());
            long start = System.nanoTime();
            MeshResponse r = c.get("/item");
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(r.status()).isEqualTo(200);
            assertThat(ms).as("answered by the hedge, not after the slow one's 3 s").isLessThan(2_000);
            assertThat(requests.get()).isEqualTo(2);
            assertThat(r.attempts()).singleElement().satisfies(a -> assertThat(a.message()).isEqualTo("hedged"));
            assertThat(c.status().get("transport")).containsEntry("hedges", 1L).containsEntry("hedges_won", 1L);
        }
    }

    @Test
    void shouldNeverHedgeAWrite() {
        try (Mesh mesh = Mesh.builder().build()) {
            var c = mesh.register(spec());
            slowMs = 300; // well past hedge_after (50 ms)
            MeshResponse r = c.post("/item", Map.of("name", "x"), "op-1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(requests.get()).as("one request: a write's copy would meet it in the idempotency slot").isEqualTo(1);
        }
    }
}
