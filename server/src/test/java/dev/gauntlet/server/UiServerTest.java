package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The UI server over real HTTP: the bundle, single-page routes, and the same-origin proxy to the AAM and the farm (SSE too). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiServerTest {

    @TempDir
    static Path data;

    AamFixture f;
    UiServer ui;

    @BeforeAll
    void start() {
        f = new AamFixture(data);
        ui = UiServer.start(new UiServer.Config("127.0.0.1", 0, f.aam.url(), f.farm.url() + "/"));
    }

    @AfterAll
    void stop() {
        ui.close();
        f.close();
    }

    private HttpResponse<String> send(String method, String path, String body) {
        return f.send(HttpRequest.newBuilder(URI.create(ui.url() + path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
    }

    @Test
    void shouldServeTheBundleAndAnswerEveryAppRouteWithIndexHtml() {
        assertThat(ui.listenBacklog()).isEqualTo(dev.gauntlet.http.Listeners.ACCEPT_QUEUE);
        // The build puts the ui module's bundle on this module's test classpath.
        assertThat(UiServer.bundled())
                .as("the ui module's bundle is on the classpath")
                .isTrue();
        HttpResponse<String> index = send("GET", "/", null);
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(index.headers().firstValue("Cache-Control").orElse("")).isEqualTo("no-cache");
        assertThat(index.body()).contains("<div id=\"root\">");
        assertThat(send("GET", "/runs/hell-1", null).body()).isEqualTo(index.body());

        String script = index.body().replaceAll("(?s).*src=\"(/assets/[^\"]+\\.js)\".*", "$1");
        HttpResponse<String> js = send("GET", script, null);
        assertThat(js.statusCode()).as(script).isEqualTo(200);
        assertThat(js.headers().firstValue("Content-Type").orElse("")).startsWith("text/javascript");
        assertThat(js.headers().firstValue("Cache-Control").orElse("")).contains("immutable");
        assertThat(send("GET", "/assets/nope.js", null).statusCode()).isEqualTo(404);
    }

    @Test
    void shouldProxyTheAamAndTheFarmWithTheirStatusAndErrors() {
        assertThat(json(send("GET", "/api/health", null)).path("status").asText())
                .isEqualTo("ok");
        assertThat(json(send("GET", "/api/dlq?limit=1", null)).has("stats")).isTrue();
        HttpResponse<String> bad = send("POST", "/api/connectors", "{\"id\":\"Bad Id\"}");
        assertThat(bad.statusCode()).as(bad.body()).isEqualTo(400);
        assertThat(json(bad).path("field").asText()).isNotBlank();
        HttpResponse<String> chaos =
                send("POST", "/farm/admin/chaos", "{\"level\":\"mild\",\"services\":[\"stripe_mock\"]}");
        assertThat(chaos.statusCode()).as(chaos.body()).isEqualTo(200);
        assertThat(json(send("GET", "/farm/admin/status", null))
                        .path("chaos")
                        .path("services")
                        .path("stripe_mock")
                        .asText())
                .isEqualTo("mild");
        send("POST", "/farm/admin/chaos", "{\"level\":\"calm\"}");
    }

    @Test
    void shouldStreamTheEventStreamThroughTheProxyAsItComes() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient browser =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<Stream<String>> response = browser.send(
                HttpRequest.newBuilder(URI.create(ui.url() + "/api/events"))
                        .header("Accept", "text/event-stream")
                        .build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
        Thread reader = Thread.ofVirtual().start(() -> {
            try (Stream<String> s = response.body()) {
                s.forEach(lines::add);
            } catch (RuntimeException closed) {
                // the test hung up
            }
        });
        try {
            // Metrics come once a second: two of them prove the stream is relayed as it comes, not buffered to the end.
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> lines.stream()
                                    .filter(l -> l.equals("event: metrics"))
                                    .count()
                            >= 2);
            assertThat(f.aam.events().clients()).isEqualTo(1);
        } finally {
            reader.interrupt();
            response.body().close();
            browser.shutdownNow();
        }
        // The browser went away (a reload, a closed tab): the proxy must let go of the AAM's stream too.
        await().atMost(Duration.ofSeconds(10)).until(() -> f.aam.events().clients() == 0);
    }

    @Test
    void shouldAnswer502NamingTheAamWhenItIsDown() {
        try (UiServer orphan =
                UiServer.start(new UiServer.Config("127.0.0.1", 0, "http://127.0.0.1:9", f.farm.url()))) {
            HttpResponse<String> r = f.send(HttpRequest.newBuilder(URI.create(orphan.url() + "/api/health")));
            assertThat(r.statusCode()).isEqualTo(502);
            assertThat(json(r).path("message").asText()).contains("cannot reach the AAM at http://127.0.0.1:9");
        }
    }

    @Test
    void shouldRefuseConfigsThatCannotWork() {
        assertThatThrownBy(() -> new UiServer.Config("127.0.0.1", 70_000, "http://a:1", "http://b:2"))
                .hasMessageContaining("ui port");
        assertThatThrownBy(() -> new UiServer.Config("127.0.0.1", 0, "localhost:8002", "http://b:2"))
                .hasMessageContaining("aam url");
    }
}
