package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /events} read with a JDK client: mesh events and a metrics snapshot each second; a gone client is dropped. */
class EventStreamTest {

    @TempDir
    Path data;

    @Test
    void shouldStreamMeshEventsAndMetricsAndForgetAClientThatLeft() throws Exception {
        try (AamFixture f = new AamFixture(data)) {
            List<String> lines = new CopyOnWriteArrayList<>();
            CompletableFuture<HttpResponse<Stream<String>>> stream = f.http.sendAsync(
                    HttpRequest.newBuilder(f.uri("/events"))
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            HttpResponse<Stream<String>> response = stream.get();
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            Thread reader = Thread.ofVirtual().start(() -> {
                try (Stream<String> s = response.body()) {
                    s.forEach(lines::add);
                } catch (RuntimeException closed) {
                    // the test hung up
                }
            });
            EventStream events = f.aam.events();
            await().atMost(Duration.ofSeconds(5)).until(() -> events.clients() == 1);

            // The connectors fetched their tokens at start; a call the farm answers with a 503 first makes the mesh
            // schedule a retry (with the retry budget a first good call earned): a retry_scheduled event.
            f.get("/proxy/salesforce_mock/services/data/v59.0/query?q=SELECT+Id+FROM+Account+LIMIT+1");
            f.http.send(
                    HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/faults/script"))
                            .POST(
                                    HttpRequest.BodyPublishers.ofString(
                                            "{\"service\":\"salesforce_mock\",\"type\":\"server_error\",\"status\":503,\"method\":\"GET\"}"))
                            .header("Content-Type", "application/json")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            f.get("/proxy/salesforce_mock/services/data/v59.0/query?q=SELECT+Id+FROM+Account+LIMIT+1");

            await().atMost(Duration.ofSeconds(5))
                    .until(() -> lines.contains("event: metrics") && lines.contains("event: retry_scheduled"));
            int at = lines.indexOf("event: retry_scheduled");
            assertThat(lines.get(at + 1))
                    .startsWith("data: {")
                    .contains("\"type\":\"retry_scheduled\"", "\"connector\":\"salesforce_mock\"");
            String metrics = lines.get(lines.indexOf("event: metrics") + 1);
            assertThat(metrics).startsWith("data: {").contains("\"overall\"", "\"connectors\"");
            // Each connector's stages (bucket, learned rate, circuit, token expiry) and the DLQ counts come with it.
            // A snapshot taken after the calls above: one from before them has no learned rate yet (seen under load).
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> lines.stream()
                            .anyMatch(l -> l.startsWith("data: {\"at\"")
                                    && l.contains("\"token_expires_at\":\"20")
                                    && l.contains("\"learned_limit_rps\"")));
            String live = lines.stream()
                    .filter(l -> l.startsWith("data: {\"at\"") && l.contains("\"learned_limit_rps\""))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            assertThat(live)
                    .contains(
                            "\"rate-limit\":{",
                            "\"learned_limit_rps\"",
                            "\"circuit\":{\"state\":\"closed\"",
                            "\"dlq\":{\"pending\":0");

            // A run's start, its phase and its end are on the same stream.
            f.send(
                    "POST",
                    "/workflows/run",
                    "{\"workflow\":\"high_volume_read\",\"connectors\":[\"github_mock\"],\"rate\":5,\"duration\":\"1s\",\"chaos\":\"mild\"}");
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> lines.stream().anyMatch(l -> l.contains("\"what\":\"finished\"")));
            List<String> run = lines.stream()
                    .filter(l -> l.startsWith("data: {\"type\":\"run\""))
                    .toList();
            assertThat(run.getFirst()).contains("\"what\":\"started\"", "\"scenario\":\"workflow_high_volume_read\"");
            assertThat(run)
                    .anySatisfy(l ->
                            assertThat(l).contains("\"what\":\"phase\"", "\"phase\":\"run\"", "\"chaos\":\"mild\""));
            assertThat(run.getLast()).contains("\"what\":\"finished\"", "\"state\":\"passed\"");

            reader.interrupt();
            response.body().close();
            await().atMost(Duration.ofSeconds(10)).until(() -> events.clients() == 0);
        }
    }

    @Test
    void shouldDropTheOldestWhenASlowClientFallsBehindWithoutBlocking() {
        EventStream.Client c = new EventStream.Client(3);
        for (int i = 0; i < 10; i++) c.offer(new EventStream.Item("e", i));
        assertThat(c.queue).extracting(EventStream.Item::payload).containsExactly(7, 8, 9);
        assertThat(c.dropped.get()).isEqualTo(7);
    }
}
