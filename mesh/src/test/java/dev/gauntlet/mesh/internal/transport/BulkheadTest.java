package dev.gauntlet.mesh.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The transport's bulkhead: at most limit.max_in_flight attempts of a connector on the wire. The waits for a lane run
 * on fake time: a deadline passes when the test moves the clock, never by real time.
 */
class BulkheadTest {

    @Test
    void shouldMakeACallWaitForAFreeConnectionAndGiveUpAtItsDeadline() throws Exception {
        SlowUpstream upstream = SlowUpstream.start();
        FakeTime time = new FakeTime();
        Mesh mesh = Mesh.builder().time(time).build();
        try {
            var spec = oneLane(upstream);
            var transport = TestStages.bulkheadAndTransport(spec, mesh.context());
            var slow = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            slow.deadline(time.instant().plusSeconds(5));
            Thread first = Thread.ofVirtual().start(() -> transport.run(slow));
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.arrived().get() == 1);

            var waiting = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            waiting.deadline(time.instant().plusMillis(200));
            var outcome = new AtomicReference<Outcome>();
            Thread second = Thread.ofVirtual().start(() -> outcome.set(transport.run(waiting)));
            Lanes lanes = ((TransportStage) transport.stages().get(1)).lanes();
            await().atMost(Duration.ofSeconds(5)).until(() -> lanes.waiting() == 1);
            // The lane stays busy; the call gives up only once its deadline has passed on the clock, not before.
            time.advance(Duration.ofMillis(199));
            assertThat(second.join(Duration.ofMillis(50)))
                    .as("still waiting for a lane 1 ms before its deadline")
                    .isFalse();
            time.advance(Duration.ofMillis(1));
            assertThat(second.join(Duration.ofSeconds(5))).isTrue();
            Outcome o = outcome.get();
            assertThat(o).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
                assertThat(f.errorClass())
                        .as("the mesh's own throttling, nothing sent")
                        .isEqualTo(ErrorClass.rate_limit);
                assertThat(f.message()).contains("all 1 connections of one_lane stayed busy for 200 ms");
            });
            assertThat(waiting.attempts()).as("nothing was sent").isEmpty();
            assertThat(upstream.arrived().get())
                    .as("the second call never reached the upstream")
                    .isEqualTo(1);
            upstream.release().countDown();
            first.join(Duration.ofSeconds(5));
            assertThat(slow.attempts())
                    .singleElement()
                    .satisfies(a -> assertThat(a.status()).isEqualTo(200));
        } finally {
            // The upstream first: a failed assertion must not leave slow requests for the mesh's close() to wait on
            // (closed as a try-with-resources, the mesh closed before this ran, and a failure hung the suite).
            upstream.close();
            mesh.close();
        }
    }

    @Test
    void shouldRefuseACallAtOnceWhenAsManyCallsAlreadyWaitAsThereAreLanes() throws Exception {
        SlowUpstream upstream = SlowUpstream.start();
        FakeTime time = new FakeTime();
        Mesh mesh = Mesh.builder().time(time).build();
        try {
            var spec = oneLane(upstream);
            var transport = TestStages.bulkheadAndTransport(spec, mesh.context());
            var slow = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            slow.deadline(time.instant().plusSeconds(5));
            Thread first = Thread.ofVirtual().start(() -> transport.run(slow));
            await().atMost(Duration.ofSeconds(5)).until(() -> upstream.arrived().get() == 1);

            // As many calls as the queue holds (WAITERS_PER_LANE for the one lane) are parked on it: their threads
            // wait.
            var waited = new ConcurrentLinkedQueue<Outcome>();
            var waiters = new ArrayList<Thread>();
            for (int i = 0; i < Lanes.WAITERS_PER_LANE; i++) {
                var waiter = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
                waiter.deadline(time.instant().plusSeconds(5));
                waiters.add(Thread.ofVirtual().start(() -> waited.add(transport.run(waiter))));
            }
            // Counted by the lanes themselves: a thread state of WAITING can also be a class-init or other lock on
            // the way (a full run once sent the extra call before all eight had queued, and it was not refused).
            Lanes lanes = ((TransportStage) transport.stages().get(1)).lanes();
            await().atMost(Duration.ofSeconds(5)).until(() -> lanes.waiting() == Lanes.WAITERS_PER_LANE);

            var third = TestStages.exchange(spec, mesh.context(), dev.gauntlet.mesh.call.MeshRequest.get("/slow"));
            third.deadline(time.instant().plusSeconds(5));
            Duration before = time.slept();
            Outcome refused = transport.run(third);
            assertThat(refused).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
                assertThat(f.errorClass()).isEqualTo(ErrorClass.rate_limit);
                assertThat(f.message()).contains(Lanes.WAITERS_PER_LANE + " calls already wait");
            });
            // The clock never moves in this test: a call that waited for its deadline would never have come back.
            assertThat(time.slept()).as("refused at once, not after waiting").isEqualTo(before);
            assertThat(third.attempts()).isEmpty();

            upstream.release().countDown();
            first.join(Duration.ofSeconds(5));
            for (Thread t : waiters) t.join(Duration.ofSeconds(10));
            assertThat(waited)
                    .as("each waiting call got the lane once it was free")
                    .hasSize(Lanes.WAITERS_PER_LANE)
                    .allMatch(o -> o instanceof Outcome.Success);
            assertThat(upstream.arrived().get()).isEqualTo(1 + Lanes.WAITERS_PER_LANE);
        } finally {
            // The upstream first: a failed assertion must not leave slow requests for the mesh's close() to wait on
            // (closed as a try-with-resources, the mesh closed before this ran, and a failure hung the suite).
            upstream.close();
            mesh.close();
        }
    }

    /** An upstream whose /slow answers only once released (each request waits at most 10 s). */
    record SlowUpstream(HttpServer server, CountDownLatch release, AtomicInteger arrived) implements AutoCloseable {
        static SlowUpstream start() throws IOException {
            var up = new SlowUpstream(
                    HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0),
                    new CountDownLatch(1),
                    new AtomicInteger());
            up.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            up.server.createContext("/slow", ex -> {
                up.arrived.incrementAndGet();
                try {
                    up.release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ex.sendResponseHeaders(200, 2);
                ex.getResponseBody().write("{}".getBytes(StandardCharsets.UTF_8));
                ex.close();
            });
            up.server.start();
            return up;
        }

        @Override
        public void close() {
            release.countDown();
            server.stop(0);
        }
    }

    /** A connector of one lane (limit.max_in_flight 1) to {@code upstream}, attempts and calls of 5 s. */
    static ConnectorSpec oneLane(SlowUpstream upstream) {
        return ConnectorSpec.builder(
                        "one_lane",
                        "http://127.0.0.1:" + upstream.server().getAddress().getPort())
                .limit(LimitConfig.builder()
                        .initialRps(100)
                        .maxRps(100)
                        .burst(100)
                        .maxInFlight(1)
                        .build())
                .timeouts(Timeouts.builder()
                        .attempt(Duration.ofSeconds(5))
                        .total(Duration.ofSeconds(5))
                        .build())
                .build();
    }
}
