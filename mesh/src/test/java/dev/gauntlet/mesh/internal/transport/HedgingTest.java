package dev.gauntlet.mesh.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slow read is hedged: a second request after hedge_after, the first answer wins; writes are never hedged. The hedge
 * delay runs on fake time: the second request goes out when the test moves the clock, not after real milliseconds.
 */
class HedgingTest {

    HttpServer server;
    final AtomicInteger requests = new AtomicInteger();
    final CountDownLatch slowRelease = new CountDownLatch(1);
    /** How long the first request takes to answer (real time, as a safety net: the tests release it or hedge it). */
    volatile long slowMs = 30_000;

    final FakeTime time = new FakeTime();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
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
        return specBuilder().build();
    }

    private ConnectorSpec.Builder specBuilder() {
        return ConnectorSpec.builder(
                        "hedged", "http://127.0.0.1:" + server.getAddress().getPort())
                .timeouts(Timeouts.builder()
                        .attempt(Duration.ofSeconds(5))
                        .total(Duration.ofSeconds(10))
                        .hedgeAfter(Duration.ofMillis(50))
                        .build());
    }

    @Test
    void shouldAnswerASlowReadFromTheHedgedRequest() throws Exception {
        try (Mesh mesh = Mesh.builder().time(time).build()) {
            var c = mesh.register(spec());
            var answer = new AtomicReference<MeshResponse>();
            Thread caller = Thread.ofVirtual().start(() -> answer.set(c.get("/item")));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> requests.get() == 1 && caller.getState() == Thread.State.TIMED_WAITING);
            time.advance(Duration.ofMillis(49));
            assertThat(caller.join(Duration.ofMillis(50)))
                    .as("no hedge before hedge_after")
                    .isFalse();
            assertThat(requests.get()).isEqualTo(1);
            time.advance(Duration.ofMillis(1));
            // The first request is still held (30 s): only the hedge can answer.
            assertThat(caller.join(Duration.ofSeconds(10)))
                    .as("answered by the hedge")
                    .isTrue();
            MeshResponse r = answer.get();
            assertThat(r.status()).isEqualTo(200);
            assertThat(requests.get()).isEqualTo(2);
            assertThat(r.attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.message()).isEqualTo("hedged"));
            assertThat(c.status().get("transport")).containsEntry("hedges", 1L).containsEntry("hedges_won", 1L);
        }
    }

    /**
     * A hedge is a request the upstream counts: with the bucket spent by the read itself (a limit of one call per ten
     * seconds), the slow read waits for its own answer instead of sending a second request past the limit.
     */
    @Test
    void shouldNotHedgeWhenTheRateLimitHasNoTokenToSpare() throws Exception {
        try (Mesh mesh = Mesh.builder().time(time).build()) {
            var c = mesh.register(specBuilder()
                    .limit(LimitConfig.builder()
                            .initialRps(0.1)
                            .minRps(0.01)
                            .burst(1)
                            .build())
                    .build());
            var answer = new AtomicReference<MeshResponse>();
            Thread caller = Thread.ofVirtual().start(() -> answer.set(c.get("/item")));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> requests.get() == 1 && caller.getState() == Thread.State.TIMED_WAITING);
            time.advance(Duration.ofSeconds(1)); // well past hedge_after (50 ms), far from the next token (10 s)
            assertThat(caller.join(Duration.ofMillis(200)))
                    .as("no hedge: still waiting")
                    .isFalse();
            slowRelease.countDown();
            assertThat(caller.join(Duration.ofSeconds(10))).isTrue();
            assertThat(answer.get().status()).isEqualTo(200);
            assertThat(requests.get()).as("the read's own request only").isEqualTo(1);
            assertThat(c.status().get("transport"))
                    .containsEntry("hedges", 0L)
                    .containsEntry("hedges_without_token", 1L);
        }
    }

    @Test
    void shouldNeverHedgeAWrite() throws Exception {
        try (Mesh mesh = Mesh.builder().time(time).build()) {
            var c = mesh.register(spec());
            var answer = new AtomicReference<MeshResponse>();
            Thread caller = Thread.ofVirtual().start(() -> answer.set(c.post("/item", Map.of("name", "x"), "op-1")));
            await().atMost(Duration.ofSeconds(5)).until(() -> requests.get() == 1);
            time.advance(Duration.ofSeconds(1)); // well past hedge_after (50 ms)
            slowRelease.countDown();
            assertThat(caller.join(Duration.ofSeconds(10))).isTrue();
            MeshResponse r = answer.get();
            assertThat(r.status()).isEqualTo(200);
            assertThat(requests.get())
                    .as("one request: a write's copy would meet it in the idempotency slot")
                    .isEqualTo(1);
        }
    }
}
