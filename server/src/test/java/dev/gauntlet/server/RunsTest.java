package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Runs over the API: one at a time, live while running, stoppable, their report served and written to the data folder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RunsTest {

    @TempDir
    static Path data;
    AamFixture f;

    @BeforeAll
    void start() {
        f = new AamFixture(data);
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private JsonNode awaitDone(String id) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> !json(f.get("/runs/" + id)).path("state").asText().equals("running"));
        return json(f.get("/runs/" + id));
    }

    @Test
    void shouldRunAWorkflowToTheEndAndServeAndWriteItsReport() throws Exception {
        HttpResponse<String> started = f.send("POST", "/workflows/run",
                "{\"workflow\":\"idempotent_write\",\"connectors\":[\"stripe_mock\"],\"rate\":5,\"duration\":\"2s\",\"chaos\":\"calm\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).path("id").asText();
        assertThat(id).isNotBlank();

        await().atMost(Duration.ofSeconds(10)).until(() -> json(f.get("/runs/" + id)).path("live").has("ops"));
        JsonNode live = json(f.get("/runs/" + id));
        assertThat(live.path("phase").asText()).isEqualTo("run");

        JsonNode done = awaitDone(id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("passed");
        JsonNode report = done.path("report");
        assertThat(report.path("scenario").asText()).isEqualTo("workflow_idempotent_write");
        assertThat(report.path("totals").path("logical_ops").asLong()).isPositive();
        assertThat(report.path("totals").path("lost").asLong()).isZero();
        assertThat(report.path("totals").path("duplicates").asLong()).isZero();
        assertThat(report.path("connectors").has("stripe_mock")).isTrue();
        Path dir = data.resolve("runs").resolve(id);
        assertThat(done.path("report_dir").asText()).isEqualTo(dir.toString());
        assertThat(dir.resolve("report.json")).exists();
        assertThat(dir.resolve("junit.xml")).exists();
        assertThat(json(f.get("/runs")).path("runs").findValuesAsText("id")).contains(id);
        assertThat(Files.readString(dir.resolve("report.json"))).contains("\"logical_ops\"");
    }

    @Test
    void shouldAllowOneRunAtATimeAndStopItOnRequest() {
        HttpResponse<String> first = f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"duration\":\"60s\",\"seed\":7}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String id = json(first).path("id").asText();

        HttpResponse<String> second = f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\"}");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).path("message").asText()).contains(id);

        assertThat(f.send("POST", "/runs/" + id + "/stop", null).statusCode()).isEqualTo(202);
        JsonNode done = awaitDone(id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("stopped");
        assertThat(done.path("report").path("seed").asLong()).isEqualTo(7);
        assertThat(f.send("POST", "/runs/" + id + "/stop", null).statusCode()).isEqualTo(409);
    }
}
