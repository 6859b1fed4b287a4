package dev.gauntlet.farm.vendor.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/** The Datadog flavour over real loopback HTTP: series submission, the ledger, limits, errors, compression and drift. */
class DatadogVendorTest extends BuiltInFarmTest {

    private static final String KEY = "dd-gauntlet-api-key";
    private static final String BASE = "/api/datadog";

    private static long now() {
        return Instant.now().getEpochSecond();
    }

    private static String series(String metric, String opId, long ts, double value, String... tags) {
        StringBuilder t = new StringBuilder();
        if (opId != null) t.append("\"op_id:").append(opId).append('"');
        for (String tag : tags)
            t.append(t.isEmpty() ? "" : ",").append('"').append(tag).append('"');
        return "{\"metric\":\"" + metric + "\",\"type\":3,\"points\":[{\"timestamp\":" + ts + ",\"value\":" + value
                + "}]," + "\"resources\":[{\"name\":\"web-1\",\"type\":\"host\"}],\"tags\":[" + t + "]}";
    }

    private HttpResponse<String> submit(String body, String... extraHeaders) {
        List<String> headers = new ArrayList<>(List.of("DD-API-KEY", KEY));
        headers.addAll(List.of(extraHeaders));
        return farm.postJson(BASE + "/api/v2/series", body, headers.toArray(String[]::new));
    }

    private HttpResponse<String> submitBytes(byte[] body, String encoding) {
        var b = farm.request(BASE + "/api/v2/series")
                .header("DD-API-KEY", KEY)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) b.header("Content-Encoding", encoding);
        return farm.send(b);
    }

    private JsonNode ledger() {
        return TestFarm.json(farm.get("/admin/ledger?service=datadog_mock"));
    }

    private JsonNode query(String q, long from, long to) {
        var r = farm.get(
                BASE + "/api/v1/query?from=" + from + "&to=" + to + "&query="
                        + q.replace("{", "%7B").replace("}", "%7D").replace(" ", "%20"),
                "DD-API-KEY",
                KEY);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestFarm.json(r);
    }

    @Test
    void shouldAnswer202AndCommitEachSeriesWithItsOpIdTag() {
        long ts = now();
        var r = submit("{\"series\":[" + series("app.orders.created", "op-1", ts, 1) + ","
                + series("app.orders.created", "op-2", ts, 2) + "," + series("app.queue.depth", null, ts, 7) + "]}");

        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.body()).isEqualTo("{\"errors\":[]}");
        JsonNode ledger = ledger();
        assertThat(ledger.get("total").asInt()).isEqualTo(3);
        List<String> opIds = new ArrayList<>();
        ledger.get("entries").forEach(e -> {
            opIds.add(e.get("op_id").asText());
            assertThat(e.get("resource").asText()).isEqualTo("series");
            assertThat(e.get("commits").asInt()).isEqualTo(1);
        });
        assertThat(opIds).contains("op-1", "op-2");
    }

    @Test
    void shouldShowADuplicateWhenTheSameOpIdIsSubmittedTwice() {
        String body = "{\"series\":[" + series("app.orders.created", "op-dup", now(), 1) + "]}";
        submit(body);
        // Datadog has no idempotency keys: the key is ignored and the retry is a second commit.
        submit(body, "Idempotency-Key", "k-1");

        JsonNode entry = ledger().get("entries").get(0);
        assertThat(entry.get("op_id").asText()).isEqualTo("op-dup");
        assertThat(entry.get("commits").asInt()).isEqualTo(2);
    }

    @Test
    void shouldAnswer413WhenThePayloadIsOver512000Bytes() {
        StringBuilder big = new StringBuilder("{\"series\":[");
        String one = series("app.queue.depth", null, now(), 1, "pad:" + "x".repeat(200));
        while (big.length() <= 512_000) big.append(one).append(',');
        big.setLength(big.length() - 1);
        big.append("]}");

        var r = submit(big.toString());

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(TestFarm.json(r).get("errors").isArray()).isTrue();
        assertThat(ledger().get("total").asInt()).isZero();
    }

    @Test
    void shouldDeliverThe413ToAClientStillSendingAFarBiggerBody() {
        // The refused body is read before the answer: otherwise the client meets a closed socket mid-send, not a 413.
        byte[] big = new byte[4 * 1024 * 1024];
        Arrays.fill(big, (byte) ' ');
        for (int i = 0; i < 5; i++) {
            var r = submitBytes(big, null);

            assertThat(r.statusCode()).as("attempt %d", i).isEqualTo(413);
        }
        assertThat(ledger().get("total").asInt()).isZero();
    }

    @Test
    void shouldAnswer403ForbiddenWhenTheKeyIsMissingOrWrong() {
        var missing = farm.postJson(BASE + "/api/v2/series", "{\"series\":[]}");
        var wrong = farm.get(BASE + "/api/v1/validate", "DD-API-KEY", "not-a-key");

        for (var r : List.of(missing, wrong)) {
            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode body = TestFarm.json(r);
            assertThat(body.get("errors").toString()).isEqualTo("[\"Forbidden\"]");
            assertThat(body.get("code").asInt()).isEqualTo(403);
        }
    }

    @Test
    void shouldValidateAKeyFromTheHeaderOrTheQuery() {
        var header = farm.get(BASE + "/api/v1/validate", "DD-API-KEY", KEY);
        var query = farm.get(BASE + "/api/v1/validate?api_key=" + KEY);

        assertThat(header.statusCode()).isEqualTo(200);
        assertThat(header.body()).isEqualTo("{\"valid\":true}");
        assertThat(query.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer400WhenTheJsonIsMalformedOrASeriesIsIncomplete() {
        var malformed = submit("{\"series\":[{\"metric\":");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(malformed).get("errors").get(0).asText())
                .startsWith("Payload is not in the expected format");

        var noSeries = submit("{\"metrics\":[]}");
        assertThat(noSeries.statusCode()).isEqualTo(400);

        var incomplete =
                submit("{\"series\":[{\"metric\":\"\",\"points\":[]}," + series("ok.metric", "op-ok", now(), 1) + "]}");
        assertThat(incomplete.statusCode()).isEqualTo(400);
        JsonNode errors = TestFarm.json(incomplete).get("errors");
        assertThat(errors.toString()).contains("series[0].metric is required").contains("series[0].points");
        // One bad item rejects the whole payload.
        assertThat(ledger().get("total").asInt()).isZero();
    }

    @Test
    void shouldAcceptGzipAndDeflateBodiesAndRefuseACorruptOne() {
        long ts = now();
        byte[] plain = ("{\"series\":[" + series("app.orders.created", "op-gz", ts, 1) + "]}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] plain2 = ("{\"series\":[" + series("app.orders.created", "op-zlib", ts, 1) + "]}")
                .getBytes(StandardCharsets.UTF_8);

        assertThat(submitBytes(gzip(plain), "gzip").statusCode()).isEqualTo(202);
        assertThat(submitBytes(deflate(plain2), "deflate").statusCode()).isEqualTo(202);
        var corrupt = submitBytes("definitely not gzip".getBytes(StandardCharsets.UTF_8), "gzip");
        assertThat(corrupt.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(corrupt).get("errors").get(0).asText()).contains("decompressed");

        List<String> opIds = new ArrayList<>();
        ledger().get("entries").forEach(e -> opIds.add(e.get("op_id").asText()));
        assertThat(opIds).containsExactlyInAnyOrder("op-gz", "op-zlib");
    }

    @Test
    void shouldReturnSubmittedPointsFromAQueryAggregatedAndScoped() {
        long ts = now() - 60;
        submit("{\"series\":[" + series("app.checkout.latency", null, ts, 2, "env:prod") + ","
                + series("app.checkout.latency", null, ts, 4, "env:prod") + ","
                + series("app.checkout.latency", null, ts, 100, "env:staging") + "]}");

        JsonNode avg = query("avg:app.checkout.latency{env:prod}", ts - 10, ts + 10);
        assertThat(avg.get("status").asText()).isEqualTo("ok");
        assertThat(avg.get("series")).hasSize(1);
        JsonNode s = avg.get("series").get(0);
        assertThat(s.get("metric").asText()).isEqualTo("app.checkout.latency");
        assertThat(s.get("pointlist").get(0).get(0).asDouble()).isEqualTo(ts * 1000.0);
        assertThat(s.get("pointlist").get(0).get(1).asDouble()).isEqualTo(3.0);

        JsonNode byEnv = query("sum:app.checkout.latency{*} by {env}", ts - 10, ts + 10);
        assertThat(byEnv.get("series")).hasSize(2);
        assertThat(byEnv.get("series").get(1).get("tag_set").get(0).asText()).isEqualTo("env:staging");
    }

    @Test
    void shouldShowDriftOnAQueryAfterTheRuleFires() {
        long to = now();
        JsonNode before = query("avg:system.cpu.user{*}", to - 3600, to);
        assertThat(before.get("series").get(0).has("metric")).isTrue();

        var fired = farm.postJson("/admin/drift", "{\"service\":\"datadog_mock\",\"rule\":0}");
        assertThat(fired.statusCode()).isEqualTo(200);

        JsonNode after = query("avg:system.cpu.user{*}", to - 3600, to);
        JsonNode s = after.get("series").get(0);
        assertThat(s.has("metric")).isFalse();
        assertThat(s.get("metric_name").asText()).isEqualTo("system.cpu.user");
        assertThat(s.get("pointlist").size()).isGreaterThan(10);
    }

    @Test
    void shouldServeMetadataAndActiveMetricsWithDriftOnMetadata() {
        var meta = farm.get(BASE + "/api/v1/metrics/system.cpu.user", "DD-API-KEY", KEY);
        assertThat(meta.statusCode()).isEqualTo(200);
        JsonNode m = TestFarm.json(meta);
        assertThat(m.get("unit").asText()).isEqualTo("percent");
        assertThat(m.get("integration").asText()).isEqualTo("system");
        assertThat(m.get("statsd_interval").isInt()).isTrue();

        farm.postJson("/admin/drift", "{\"service\":\"datadog_mock\",\"rule\":1}");
        JsonNode drifted = TestFarm.json(farm.get(BASE + "/api/v1/metrics/system.cpu.user", "DD-API-KEY", KEY));
        assertThat(drifted.get("statsd_interval").isTextual()).isTrue();

        submit("{\"series\":[" + series("brand.new.metric", null, now(), 1) + "]}");
        JsonNode list = TestFarm.json(farm.get(BASE + "/api/v1/metrics?from=" + (now() - 3600), "DD-API-KEY", KEY));
        assertThat(list.get("metrics")).hasSize(101);
        assertThat(list.get("metrics").toString()).contains("system.cpu.user", "brand.new.metric");

        var unknown = farm.get(BASE + "/api/v1/metrics/no.such.metric", "DD-API-KEY", KEY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(unknown).get("errors").isArray()).isTrue();
    }

    @Test
    void shouldSendRateLimitHeadersAndA429WhenTheLimitIsSpent() {
        var ok = farm.get(BASE + "/api/v1/validate", "DD-API-KEY", KEY);
        assertThat(ok.headers().firstValue("X-RateLimit-Limit")).hasValue("600");
        assertThat(ok.headers().firstValue("X-RateLimit-Period")).hasValue("2");
        assertThat(ok.headers().firstValue("X-RateLimit-Remaining")).hasValue("599");
        assertThat(ok.headers().firstValue("X-RateLimit-Reset")).isPresent();
        assertThat(ok.headers().firstValue("X-RateLimit-Name")).hasValue("validate");

        farm.close();
        TestFarm.write(dir.resolve("services"), "dd_tiny.yaml", """
                id: dd_tiny
                flavor: datadog
                base_path: /api/dd_tiny
                auth: { type: api_key, api_keys: [tiny-key] }
                rate_limit: { max_rps: 0.1, burst: 1, per: client }
                resources:
                  - { name: metrics, path: /api/v1/metrics, id_field: metric, fields: { description: sentence }, count: 2 }
                  - { name: series, path: /api/v2/series, count: 0 }
                """);
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")));
        assertThat(farm.get("/api/dd_tiny/api/v1/validate", "DD-API-KEY", "tiny-key")
                        .statusCode())
                .isEqualTo(200);
        var limited = farm.get("/api/dd_tiny/api/v1/validate", "DD-API-KEY", "tiny-key");

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.body()).isEqualTo("{\"errors\":[\"Too many requests\"]}");
        assertThat(limited.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(Long.parseLong(
                        limited.headers().firstValue("X-RateLimit-Reset").orElseThrow()))
                .isPositive();
        assertThat(limited.headers().firstValue("X-RateLimit-Period")).isPresent();
    }

    @Test
    void shouldAnswerDatadogsBodyWhenChaosInjectsAServerError() {
        farm.close();
        String yaml = new String(readResource("/services/datadog_mock.yaml"), StandardCharsets.UTF_8)
                .replace("error_profile: schema_drift", "error_profile: only_server_error");
        TestFarm.write(dir.resolve("services"), "datadog_mock.yaml", yaml);
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        farm.chaos("{\"level\":\"all_errors\"}");

        var r = submit("{\"series\":[" + series("app.orders.created", "op-x", now(), 1) + "]}");

        assertThat(r.statusCode()).isBetween(500, 504);
        assertThat(TestFarm.json(r).get("errors").get(0).asText())
                .isIn("Internal Server Error", "Bad Gateway", "Service Unavailable", "Gateway Timeout");
        assertThat(ledger().get("total").asInt()).isZero();
    }

    @Test
    void shouldAcceptTheV1SeriesFormat() {
        long ts = now();
        var r = submit("{\"series\":[{\"metric\":\"legacy.metric\",\"points\":[[" + ts
                + ",5.5]],\"type\":\"count\",\"host\":\"h1\"," + "\"tags\":[\"op_id:op-v1\"]}]}");
        // The v2 path refuses the v1 point shape...
        assertThat(r.statusCode()).isEqualTo(400);
        // ...and the v1 path takes it.
        var v1 = farm.postJson(
                BASE + "/api/v1/series",
                "{\"series\":[{\"metric\":\"legacy.metric\",\"points\":[[" + ts + ",5.5]],"
                        + "\"type\":\"count\",\"host\":\"h1\",\"tags\":[\"op_id:op-v1\"]}]}",
                "DD-API-KEY",
                KEY);
        assertThat(v1.statusCode()).isEqualTo(202);
        assertThat(v1.body()).isEqualTo("{\"status\":\"ok\"}");
        assertThat(query("avg:legacy.metric{host:h1}", ts - 5, ts + 5)
                        .get("series")
                        .get(0)
                        .get("pointlist")
                        .get(0)
                        .get(1)
                        .asDouble())
                .isEqualTo(5.5);
    }

    private static byte[] gzip(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] data) {
        var out = new ByteArrayOutputStream();
        try (var z = new DeflaterOutputStream(out)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] readResource(String name) {
        try (var in = DatadogVendorTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
