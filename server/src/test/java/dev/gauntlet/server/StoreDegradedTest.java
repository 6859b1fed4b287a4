package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.CompetingLock;
import dev.gauntlet.mesh.store.TmpfsMount;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AAM over a store that cannot take writes - a real lock held by another process, a real full file system -
 * answers 503 with Retry-After at once (API routes, the proxy in both shapes, /health), sends nothing upstream for a
 * write whose intent it could not record, and recovers by itself within seconds of the cause going away.
 */
class StoreDegradedTest {

    @TempDir
    Path data;

    private static HttpResponse<String> stripeCreate(AamFixture f, String opId, String name, boolean meshAware) {
        var b = HttpRequest.newBuilder(f.uri("/proxy/stripe_mock/v1/customers"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", "caller-" + opId)
                .POST(HttpRequest.BodyPublishers.ofString("name=" + name + "&metadata[op_id]=" + opId));
        if (meshAware) b.header("X-Gauntlet-Op-Id", opId);
        return f.send(b);
    }

    private static long commits(AamFixture f, String service, String opId) {
        long n = 0;
        for (JsonNode e : f.ledger(service).path("entries"))
            if (e.path("op_id").asText().equals(opId)) n += e.path("commits").asLong();
        return n;
    }

    /** How many requests the farm's Stripe has received: the counting upstream. */
    private static long stripeRequests(AamFixture f) throws Exception {
        HttpResponse<String> r = f.http.send(
                HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/status"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        for (JsonNode s : json(r).path("services"))
            if (s.path("id").asText().equals("stripe_mock"))
                return s.path("requests").asLong();
        throw new AssertionError("no stripe_mock in " + r.body());
    }

    @Test
    void shouldAnswer503WithRetryAfterWithin1sWhileAnotherProcessLocksTheStoreAndRecoverWithin5s() throws Exception {
        try (AamFixture f = new AamFixture(data, b -> b.allowEgress("loopback"))) {
            JsonNode healthy = json(f.get("/health")).path("store");
            assertThat(healthy.path("status").asText()).isEqualTo("ok");
            // Events and roll-ups are written behind the callers: the queue and what it lost are shown.
            assertThat(healthy.path("write_behind").path("capacity").asInt())
                    .isEqualTo(WriteBehind.Settings.DEFAULT.capacity());
            assertThat(healthy.path("write_behind").path("dropped_events").isIntegralNumber())
                    .isTrue();
            assertThat(healthy.path("write_behind").path("failed").isIntegralNumber())
                    .isTrue();
            assertThat(f.get("/prometheus").body())
                    .contains(
                            "mesh_store_write_behind_dropped_total{kind=\"event\"}",
                            "mesh_store_write_behind_dropped_total{kind=\"rollup\"}",
                            "mesh_store_write_behind_failed_total",
                            "mesh_store_write_behind_queued");
            // A parked entry, for an API route that writes (discarding it).
            f.send("POST", "/connectors", """
                    {"id":"nowhere","base_url":"http://127.0.0.1:1/api","retry":{"max_attempts":1}}""");
            HttpResponse<String> parked = f.send(HttpRequest.newBuilder(f.uri("/proxy/nowhere/items"))
                    .header("Content-Type", "application/json")
                    .header("X-Gauntlet-Op-Id", "op-parked")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
            String dlqId = json(parked).path("dlq_id").asText();
            assertThat(dlqId).as(parked.body()).isNotBlank();
            long before = stripeRequests(f);

            try (CompetingLock lock = CompetingLock.take(data.resolve(SqliteStore.FILE_NAME))) {
                long t0 = System.nanoTime();
                HttpResponse<String> w = stripeCreate(f, "op-locked", "Locked", true);
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .as("answered within a second")
                        .isLessThan(Duration.ofSeconds(1));
                assertThat(w.statusCode()).as(w.body()).isEqualTo(503);
                assertThat(w.headers().firstValue("Retry-After")).contains("1");
                assertThat(json(w).path("error_class").asText()).isEqualTo("store_unavailable");
                assertThat(w.body())
                        .contains("store")
                        .doesNotContain(data.toString())
                        .doesNotContain("mesh.db");

                // A vendor's client used as-is: Stripe's envelope, its retry signal, Retry-After.
                HttpResponse<String> v = stripeCreate(f, "op-locked-vendor", "Vendor", false);
                assertThat(v.statusCode()).as(v.body()).isEqualTo(503);
                assertThat(v.headers().firstValue("Retry-After")).contains("1");
                assertThat(v.headers().firstValue("Stripe-Should-Retry")).contains("true");
                assertThat(json(v).path("error").path("code").asText()).isEqualTo("store_unavailable");

                HttpResponse<String> health = f.get("/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.headers().firstValue("Retry-After")).isPresent();
                assertThat(json(health).path("status").asText()).isEqualTo("degraded");
                assertThat(json(health).path("store").path("reason").asText()).isEqualTo("locked");
                assertThat(health.body()).doesNotContain(data.toString());

                HttpResponse<String> discard = f.send("DELETE", "/dlq/" + dlqId, null);
                assertThat(discard.statusCode()).as(discard.body()).isEqualTo(503);
                assertThat(discard.headers().firstValue("Retry-After")).isPresent();
                assertThat(json(discard).path("error").asText()).isEqualTo("store_unavailable");
                assertThat(json(discard).path("store").path("reason").asText()).isEqualTo("locked");

                assertThat(stripeRequests(f))
                        .as("no write went upstream without its intent")
                        .isEqualTo(before);
            }
            long released = System.nanoTime();
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> f.get("/health").statusCode() == 200);
            assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(5));
            assertThat(json(f.get("/health")).path("store").path("status").asText())
                    .isEqualTo("ok");

            HttpResponse<String> again = stripeCreate(f, "op-locked", "Locked", true);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(commits(f, "stripe_mock", "op-locked")).isEqualTo(1);
            assertThat(commits(f, "stripe_mock", "op-locked-vendor")).isZero();
        }
    }

    @Test
    void shouldAnswer503WhenTheDiskIsFullAndRecoverWithin5sOfSpaceFreed() throws Exception {
        try (TmpfsMount fs = TmpfsMount.mount("8m")) {
            Path onTmpfs = fs.dir().resolve("data");
            try (AamFixture f = new AamFixture(onTmpfs)) {
                assertThat(f.get("/health").statusCode()).isEqualTo(200);
                fs.fill("filler");
                String big = "x".repeat(48 * 1024);
                HttpResponse<String> refused = null;
                String refusedOp = null;
                for (int i = 0; i < 300 && refused == null; i++) {
                    String op = "op-full-" + i;
                    HttpResponse<String> r = stripeCreate(f, op, big, true);
                    if (r.statusCode() == 503) {
                        refused = r;
                        refusedOp = op;
                    } else {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                    }
                }
                assertThat(refused).as("a write meets the full disk").isNotNull();
                assertThat(json(refused).path("error_class").asText()).isEqualTo("store_unavailable");
                assertThat(refused.headers().firstValue("Retry-After")).contains("5");
                assertThat(refused.body()).doesNotContain(fs.dir().toString());
                HttpResponse<String> health = f.get("/health");
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(json(health).path("store").path("reason").asText()).isEqualTo("full");
                assertThat(commits(f, "stripe_mock", refusedOp))
                        .as("refused before anything was sent")
                        .isZero();

                Files.delete(fs.dir().resolve("filler"));
                long freed = System.nanoTime();
                await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> f.get("/health").statusCode() == 200);
                assertThat(Duration.ofNanos(System.nanoTime() - freed)).isLessThan(Duration.ofSeconds(5));
                HttpResponse<String> again = stripeCreate(f, refusedOp, "Again", true);
                assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                assertThat(commits(f, "stripe_mock", refusedOp)).isEqualTo(1);
            }
        }
    }
}
