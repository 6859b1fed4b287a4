package dev.gauntlet.mesh.internal.transport;

import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The transport's bulkhead: at most limit.max_in_flight attempts of a connector on the wire. */
class BulkheadTest {

    @Test
    void shouldMakeACallWaitForAFreeConnectionAndGiveUpAtItsDeadline() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger arrived = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/slow", ex -> {
            arrived.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("{}".getBytes());
            ex.close();
        });
        server.start();
        try (Mesh mesh = Mesh.builder().build()) {
            var spec = ConnectorSpec.builder("one_lane", "http://127.0.0.1:" + server.getAddress().getPort())
                    .limit(new LimitConfig(100, 1, 100, 100, 1))
                    .timeouts(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5))).build();
            var transport = TestStages.bulkheadAndTransport(spec, mesh.context());
            var slow = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            slow.deadline(java.time.Instant.now().plusSeconds(5));
            Thread first = Thread.ofVirtual().start(() -> transport.run(slow));
            await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 1);

            var waiting = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            waiting.deadline(java.time.Instant.now().plusMillis(200));
            Outcome o = transport.run(waiting);
            assertThat(o).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
                assertThat(f.errorClass()).as("the mesh's own throttling, nothing sent").isEqualTo(ErrorClass.rate_limit);
                assertThat(f.message()).contains("all 1 connections of one_lane stayed busy");
            });
            assertThat(waiting.attempts()).as("nothing was sent").isEmpty();
            assertThat(arrived.get()).as("the second call never reached the upstream").isEqualTo(1);
            release.countDown();
            first.join(Duration.ofSeconds(5));
            assertThat(slow.attempts()).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(200));
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shouldRefuseACallAtOnceWhenAsManyCallsAlreadyWaitAsThereAreLanes() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger arrived = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/slow", ex -> {
            arrived.incrementAndGet();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("{}".getBytes());
            ex.close();
        });
        server.start();
        try (Mesh mesh = Mesh.builder().build()) {
            var spec = ConnectorSpec.builder("one_lane", "http://127.0.0.1:" + server.getAddress().getPort())
                    .limit(new LimitConfig(100, 1, 100, 100, 1))
                    .timeouts(new Timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(5))).build();
            var transport = TestStages.bulkheadAndTransport(spec, mesh.context());
            var slow = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            slow.deadline(java.time.Instant.now().plusSeconds(5));
            Thread first = Thread.ofVirtual().start(() -> transport.run(slow));
            await().atMost(Duration.ofSeconds(5)).until(() -> arrived.get() == 1);

            // As many calls as the queue holds (WAITERS_PER_LANE for the one lane) are parked on it: their threads wait.
            var waited = new java.util.concurrent.ConcurrentLinkedQueue<Outcome>();
            var waiters = new java.util.ArrayList<Thread>();
            for (int i = 0; i < Lanes.WAITERS_PER_LANE; i++) {
                var waiter = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
                waiter.deadline(java.time.Instant.now().plusSeconds(5));
                waiters.add(Thread.ofVirtual().start(() -> waited.add(transport.run(waiter))));
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> waiters.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                    || t.getState() == Thread.State.TIMED_WAITING));

            var third = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            third.deadline(java.time.Instant.now().plusSeconds(5));
            long started = System.nanoTime();
            Outcome refused = transport.run(third);
            assertThat(refused).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
                assertThat(f.errorClass()).isEqualTo(ErrorClass.rate_limit);
                assertThat(f.message()).contains(Lanes.WAITERS_PER_LANE + " calls already wait");
            });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("refused at once, not after its deadline")
                    .isLessThan(Duration.ofSeconds(4));
            assertThat(third.attempts()).isEmpty();

            release.countDown();
            first.join(Duration.ofSeconds(5));
            for (Thread t : waiters) t.join(Duration.ofSeconds(10));
            assertThat(waited).as("each waiting call got the lane once it was free").hasSize(Lanes.WAITERS_PER_LANE)
                    .allMatch(o -> o instanceof Outcome.Success);
            assertThat(arrived.get()).isEqualTo(1 + Lanes.WAITERS_PER_LANE);
        } finally {
            server.stop(0);
        }
    }
}
