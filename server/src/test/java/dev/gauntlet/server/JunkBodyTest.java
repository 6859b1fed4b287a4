package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Junk at every POST and PUT endpoint the OpenAPI document lists: always a 4xx with a JSON reason, never a 500. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JunkBodyTest {

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

    private static List<byte[]> junk() {
        var out = new ArrayList<byte[]>();
        for (String s : List.of(
                "",
                "{",
                "}",
                "[]",
                "null",
                "42",
                "\"text\"",
                "true",
                "{\"a\":1}",
                "{\"id\":null}",
                "{\"id\":42}",
                "{\"id\":\"x\",\"base_url\":42}",
                "{\"id\":\"x\",\"base_url\":\"::not a url\"}",
                "{\"id\":\"x\",\"base_url\":\"http://h\",\"limit\":7}",
                "{\"id\":\"x\",\"base_url\":\"http://h\",\"limit\":{\"initial_rps\":\"fast\"}}",
                "{\"id\":\"x\",\"base_url\":\"http://h\",\"retry\":{\"base_delay\":\"soon\"}}",
                "{\"id\":\"x\",\"base_url\":\"http://h\",\"tenants\":{\"a\":1}}",
                "{\"id\":\"x\",\"base_url\":\"http://h\",\"auth\":{\"type\":\"oauth2\"}}",
                "{\"scenario\":[],\"workflow\":{}}",
                "{\"scenario\":\"mild\",\"duration\":-5}",
                "{\"scenario\":\"mild\",\"seed\":\"x\"}",
                "{\"scenario\":\"mild\",\"duration\":1e400}",
                "{\"workflow\":\"idempotent_write\",\"rate\":1e400}",
                "{\"workflow\":\"idempotent_write\",\"rate\":\"NaN\"}",
                "{\"workflow\":\"idempotent_write\",\"max_in_flight\":0}",
                "{\"workflow\":\"idempotent_write\",\"connectors\":[1,2]}",
                "{\"workflow\":\"idempotent_write\",\"chaos\":\"../x\"}",
                "[".repeat(5000),
                "{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}",
                "\"" + "x".repeat(100_000) + "\"")) {
            out.add(s.getBytes(StandardCharsets.UTF_8));
        }
        Random r = new Random(7);
        for (int i = 0; i < 5; i++) {
            byte[] b = new byte[1 + r.nextInt(200)];
            r.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    @Test
    void shouldAnswerEveryJunkBodyWithA4xxNeverA500() {
        JsonNode paths = json(f.get("/openapi.json")).path("paths");
        int tried = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            if (p.getKey().startsWith("/proxy/")) continue; // forwards any body upstream by design
            for (String method : List.of("post", "put")) {
                if (!p.getValue().has(method)) continue;
                String path = p.getKey().replace("{id}", "stripe_mock");
                for (byte[] body : junk()) {
                    HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri(path))
                            .header("Content-Type", "application/json")
                            .method(method.toUpperCase(), HttpRequest.BodyPublishers.ofByteArray(body)));
                    String what = method + " " + path + " <- "
                            + new String(body, 0, Math.min(body.length, 60), StandardCharsets.UTF_8);
                    if (path.endsWith("/replay") || path.endsWith("/stop")) {
                        // These take no body: junk in it is ignored, and the action answers for itself (never a 5xx).
                        assertThat(r.statusCode()).as(what + " -> " + r.body()).isBetween(200, 499);
                    } else {
                        assertThat(r.statusCode()).as(what + " -> " + r.body()).isBetween(400, 499);
                    }
                    if (r.statusCode() >= 400)
                        assertThat(json(r).path("message").asText()).as(what).isNotBlank();
                    tried++;
                }
            }
        }
        assertThat(tried).isGreaterThan(150);
        assertThat(json(f.get("/runs")).path("runs").size())
                .as("no junk started a run")
                .isZero();
        assertThat(json(f.get("/connectors/stripe_mock")).path("id").asText()).isEqualTo("stripe_mock");
    }
}
