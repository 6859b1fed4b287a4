package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
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
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> !json(f.get("/runs/" + id)).path("state").asText().equals("running"));
        return json(f.get("/runs/" + id));
    }

    @Test
    void shouldRunAWorkflowToTheEndAndServeAndWriteItsReport() throws Exception {
        HttpResponse<String> started = f.send(
                "POST",
                "/workflows/run",
                "{\"workflow\":\"idempotent_write\",\"connectors\":[\"stripe_mock\"],\"rate\":5,\"duration\":\"2s\",\"chaos\":\"calm\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).path("id").asText();
        assertThat(id).isNotBlank();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> json(f.get("/runs/" + id)).path("live").has("ops"));
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

        HttpResponse<String> html = f.get("/runs/" + id + "/report.html");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(html.body()).contains("<html").contains("workflow_idempotent_write");
        assertThat(f.get("/runs/" + id + "/junit.xml").body()).contains("<testsuite");
        assertThat(json(f.get("/runs/" + id + "/report.json"))
                        .path("totals")
                        .path("lost")
                        .asLong())
                .isZero();
        assertThat(f.get("/runs/" + id + "/secrets.txt").statusCode()).isEqualTo(404);
        assertThat(f.get("/runs/" + id + "/..%2Frun.json").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldRecordTheRunsTimelineServeItWhileRunningAndAfterAndCalmTheFarmAtTheEnd() throws Exception {
        HttpResponse<String> started = f.send(
                "POST",
                "/workflows/run",
                "{\"workflow\":\"idempotent_write\",\"connectors\":[\"stripe_mock\"],\"rate\":5,\"duration\":\"3s\",\"chaos\":\"storm\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).path("id").asText();
        // While it runs: the timeline so far (what a reloaded Live view fills its charts from).
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        json(f.get("/runs/" + id + "/timeline")).path("metrics").size() >= 2);
        JsonNode soFar = json(f.get("/runs/" + id + "/timeline"));
        assertThat(soFar.path("state").asText()).isEqualTo("running");
        assertThat(soFar.path("metrics").get(0).path("connectors").has("stripe_mock"))
                .isTrue();
        assertThat(soFar.path("events").findValuesAsText("what")).contains("started");

        JsonNode done = awaitDone(id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("passed");
        JsonNode t = json(f.get("/runs/" + id + "/timeline"));
        assertThat(t.path("complete").asBoolean()).isTrue();
        assertThat(t.path("metrics").size()).isBetween(3, 30);
        assertThat(t.path("metrics").get(0).has("dlq")).isTrue();
        assertThat(t.path("events").findValuesAsText("what")).contains("started", "phase", "finished");
        // The storm the run set, then the calm the run's end put back, both on the timeline.
        assertThat(t.path("events").findValuesAsText("level")).contains("storm", "calm");
        assertThat(t.path("events").findValuesAsText("reason")).anyMatch(r -> r.contains("back to calm"));
        assertThat(f.farm.url()).isNotBlank();
        HttpResponse<String> chaos = f.http.send(
                HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/chaos"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(json(chaos).path("services").path("stripe_mock").asText()).isEqualTo("calm");
        Path dir = data.resolve("runs").resolve(id);
        assertThat(dir.resolve(RunTimeline.FILE)).exists();
        // The report: the timeline inside when the UI (its report viewer) was built, else the static charts.
        String html = f.get("/runs/" + id + "/report.html").body();
        if (ReportTimeline.class.getClassLoader().getResource(ReportTimeline.VIEWER_JS) != null) {
            assertThat(html).contains("id=\"gauntlet-timeline-data\"").doesNotContain(ReportTimeline.SLOT);
        } else {
            assertThat(html).contains("id=\"static-charts\"");
        }
        assertThat(f.get("/runs/nope-1/timeline").statusCode()).isEqualTo(404);
    }

    @Test
    void shouldKeepTheHistoryAcrossARestartOnTheSameDataFolder(@TempDir Path other) throws Exception {
        String id;
        try (AamFixture first = new AamFixture(other)) {
            HttpResponse<String> started = first.send(
                    "POST",
                    "/workflows/run",
                    "{\"workflow\":\"high_volume_read\",\"connectors\":[\"github_mock\"],\"rate\":5,\"duration\":\"1s\",\"chaos\":\"calm\"}");
            id = json(started).path("id").asText();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !json(first.get("/runs/" + id))
                            .path("state")
                            .asText()
                            .equals("running"));
        }
        // A run the previous server was still running when it died: kept, but shown as an error, never as running.
        Path crashed = other.resolve("runs").resolve("hell-7");
        Files.createDirectories(crashed);
        Files.writeString(crashed.resolve("run.json"), """
                {"id":"hell-7","scenario":"hell","state":"running","started":"2026-01-01T00:00:00Z","finished":null}""");

        // A run.json cut short (a full disk, a crash mid-write of an older version): skipped, the server still starts.
        Path broken = other.resolve("runs").resolve("storm-3");
        Files.createDirectories(broken);
        Files.writeString(broken.resolve("run.json"), "{\"id\":\"storm-3\",\"sta");

        try (AamFixture second = new AamFixture(other)) {
            JsonNode runs = json(second.get("/runs")).path("runs");
            assertThat(runs.findValuesAsText("id")).containsExactly("hell-7", id);
            JsonNode again = json(second.get("/runs/" + id));
            assertThat(again.path("state").asText()).isEqualTo("passed");
            assertThat(again.path("passed").asBoolean()).isTrue();
            assertThat(again.path("report").path("scenario").asText()).isEqualTo("workflow_high_volume_read");
            assertThat(second.get("/runs/" + id + "/report.html").statusCode()).isEqualTo(200);
            JsonNode lost = json(second.get("/runs/hell-7"));
            assertThat(lost.path("state").asText()).isEqualTo("error");
            assertThat(lost.path("error").asText()).contains("stopped before this run ended");
            assertThat(second.get("/runs/hell-7/report.html").statusCode()).isEqualTo(404);

            // New runs continue the numbering instead of reusing an id.
            HttpResponse<String> next = second.send(
                    "POST",
                    "/workflows/run",
                    "{\"workflow\":\"high_volume_read\",\"connectors\":[\"github_mock\"],\"rate\":5,\"duration\":\"1s\"}");
            String nextId = json(next).path("id").asText();
            assertThat(nextId).isNotIn(id, "hell-7");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !json(second.get("/runs/" + nextId))
                            .path("state")
                            .asText()
                            .equals("running"));
        }
    }

    @Test
    void shouldRunEachBaselineAfterTheMeshAndKeepThemAllInTheReport() {
        HttpResponse<String> started = f.send(
                "POST",
                "/scenarios/run",
                "{\"scenario\":\"schema_drift\",\"duration\":\"2s\",\"seed\":5,\"compare\":[\"naive\",\"naive-retry\"]}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String id = json(started).path("id").asText();
        JsonNode done;
        try {
            done = awaitDone(id);
        } finally {
            f.send("POST", "/runs/" + id + "/stop", null); // the other tests need the server free; 409 once it is done
        }
        assertThat(done.path("state").asText()).as(done.toString()).isIn("passed", "failed");
        JsonNode report = done.path("report");
        assertThat(report.path("target").asText()).isEqualTo("mesh");
        assertThat(report.path("baselines").properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("naive", "naive-retry");
        assertThat(report.at("/baselines/naive-retry/target").asText()).isEqualTo("naive-retry");
        assertThat(report.at("/baselines/naive-retry/seed").asLong()).isEqualTo(5);
        assertThat(report.at("/baselines/naive-retry/totals/logical_ops").asLong())
                .isPositive();
        assertThat(report.at("/baseline/target").asText())
                .as("baseline keeps the first")
                .isEqualTo("naive");
        assertThat(f.get("/runs/" + id + "/junit.xml").body())
                .contains("gauntlet.schema_drift.baseline.naive\"", "gauntlet.schema_drift.baseline.naive-retry\"");
        assertThat(f.get("/runs/" + id + "/report.html").body())
                .contains("<th>mesh</th><th>naive</th><th>naive-retry</th>");
    }

    private static void assertRefused(HttpResponse<String> r, int status, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(json(r).path("field").asText()).as(r.body()).isEqualTo(field);
    }

    @Test
    void shouldAllowOneRunAtATimeAndStopItOnRequest() {
        HttpResponse<String> first =
                f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\",\"duration\":\"60s\",\"seed\":7}");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        String id = json(first).path("id").asText();

        HttpResponse<String> second = f.send("POST", "/scenarios/run", "{\"scenario\":\"mild\"}");
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(json(second).path("message").asText()).contains(id);

        assertRefused(f.send("POST", "/runs/" + id + "/stop", "{\"reason\":42}"), 400, "reason");
        assertRefused(f.send("POST", "/runs/" + id + "/stop", "{\"why\":\"x\"}"), 400, "why");
        HttpResponse<String> stopped =
                f.send("POST", "/runs/" + id + "/stop", "{\"reason\":\"storm got out of hand\"}");
        assertThat(stopped.statusCode()).as(stopped.body()).isEqualTo(202);
        JsonNode done = awaitDone(id);
        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("stopped");
        assertThat(done.path("stop_reason").asText()).isEqualTo("storm got out of hand");
        assertThat(done.path("report").path("seed").asLong()).isEqualTo(7);
        assertThat(f.send("POST", "/runs/" + id + "/stop", null).statusCode()).isEqualTo(409);
    }
}
