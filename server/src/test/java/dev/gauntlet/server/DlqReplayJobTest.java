package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
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
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 8: POST /dlq/replay answers 202 with a job at once; the job's progress is polled; one job per filter at a time. */
class DlqReplayJobTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A DLQ whose replay-all waits for the test to let it go, one entry at a time. */
    static final class Gated implements DlqBackend {
        final CountDownLatch go = new CountDownLatch(1);

        @Override
        public List<DlqEntry> list(DlqFilter filter) {
            return List.of();
        }

        @Override
        public Optional<DlqEntry> get(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<Replay> replay(String id) {
            return Optional.empty();
        }

        @Override
        public List<Replay> replayAll(String connector) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean discard(String id) {
            return false;
        }

        @Override
        public Map<String, Object> stats() {
            return Map.of();
        }

        @Override
        public List<Replay> replayAll(String connector, IntConsumer total, Consumer<Replay> each) {
            total.accept(3);
            each.accept(new Replay("d-1", "succeeded", 200, null));
            try {
                go.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            each.accept(new Replay("d-2", "failed", 500, "boom"));
            each.accept(new Replay("d-3", "skipped", 0, "replaying"));
            return List.of();
        }
    }

    static HttpResponse<String> send(HttpClient http, String method, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldAnswer202WithAJobAndTheRunningJobToASecondRequest() throws Exception {
        Gated dlq = new Gated();
        try (AamServer aam = AamServer.start(
                        AamConfig.builder()
                                .port(0)
                                .dataDir(dir)
                                .farmUrl("http://127.0.0.1:9")
                                .build(),
                        dlq);
                HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> first = send(http, "POST", aam.url() + "/dlq/replay");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
            JsonNode job = JSON.readTree(first.body());
            String location = first.headers().firstValue("Location").orElseThrow();
            assertThat(location).isEqualTo("/dlq/replays/" + job.path("id").asText());
            assertThat(job.path("started").asBoolean()).isTrue();

            HttpResponse<String> second = send(http, "POST", aam.url() + "/dlq/replay");
            assertThat(second.statusCode()).isEqualTo(202);
            assertThat(JSON.readTree(second.body()).path("id").asText())
                    .as("the running job answers")
                    .isEqualTo(job.path("id").asText());
            assertThat(JSON.readTree(second.body()).path("started").asBoolean()).isFalse();

            JsonNode running =
                    JSON.readTree(send(http, "GET", aam.url() + location).body());
            assertThat(running.path("state").asText()).isEqualTo("running");
            assertThat(running.path("total").asInt()).isEqualTo(3);
            assertThat(running.path("done").asInt()).isEqualTo(1);
            assertThat(running.has("results")).isFalse();

            dlq.go.countDown();
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> JSON.readTree(
                                    send(http, "GET", aam.url() + location).body())
                            .path("state")
                            .asText()
                            .equals("finished"));
            JsonNode done =
                    JSON.readTree(send(http, "GET", aam.url() + location).body());
            assertThat(done.path("done").asInt()).isEqualTo(3);
            assertThat(done.path("succeeded").asInt()).isEqualTo(1);
            assertThat(done.path("failed").asInt()).isEqualTo(1);
            assertThat(done.path("skipped").asInt()).isEqualTo(1);
            assertThat(done.path("results")).hasSize(3);
            assertThat(done.path("finished_at").isNull()).isFalse();

            // Finished: the next request starts a new job.
            HttpResponse<String> third = send(http, "POST", aam.url() + "/dlq/replay");
            assertThat(JSON.readTree(third.body()).path("id").asText())
                    .isNotEqualTo(job.path("id").asText());
            assertThat(send(http, "GET", aam.url() + "/dlq/replays").body())
                    .contains(job.path("id").asText());
            assertThat(send(http, "GET", aam.url() + "/dlq/replays/nope").statusCode())
                    .isEqualTo(404);
            assertThat(send(http, "POST", aam.url() + "/dlq/replay?connector=nope")
                            .statusCode())
                    .isEqualTo(400);
        }
    }

    @Test
    void shouldReplayParkedWritesOfTheMeshInTheBackground() throws Exception {
        try (AamFixture f = new AamFixture(dir)) {
            Instant now = Instant.now();
            try (SqliteStore store = SqliteStore.open(dir)) {
                for (int i = 0; i < 5; i++) {
                    String op = "job-" + i + "-" + System.nanoTime();
                    // Not due for an hour: only the job sends them.
                    store.dlq()
                            .insertEntry(new DlqEntry(
                                    "dlq_job_" + i,
                                    "stripe_mock",
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
                }
            }
            HttpResponse<String> started = f.send("POST", "/dlq/replay?connector=stripe_mock", null);
            assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
            String location = started.headers().firstValue("Location").orElseThrow();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> AamFixture.json(f.get(location))
                            .path("state")
                            .asText()
                            .equals("finished"));
            JsonNode job = AamFixture.json(f.get(location));
            assertThat(job.path("total").asInt()).isEqualTo(5);
            assertThat(job.path("succeeded").asInt()).isEqualTo(5);
            for (int i = 0; i < 5; i++)
                assertThat(AamFixture.json(f.get("/dlq/dlq_job_" + i))
                                .path("state")
                                .asText())
                        .isEqualTo("succeeded");
        }
    }
}
