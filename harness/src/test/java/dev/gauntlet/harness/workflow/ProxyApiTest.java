package dev.gauntlet.harness.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The proxy client against a stand-in AAM on loopback: what it sends again, and with which op id. */
class ProxyApiTest {

    @Test
    void shouldSendAWriteAgainWithTheSameOpIdAfterRetryAfterWhenTheAamsStoreRefusedIt() throws Exception {
        var opIds = new CopyOnWriteArrayList<String>();
        var calls = new AtomicInteger();
        HttpServer aam = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        aam.createContext("/", ex -> {
            opIds.add(ex.getRequestHeaders().getFirst("X-Gauntlet-Op-Id"));
            ex.getRequestBody().readAllBytes();
            boolean first = calls.incrementAndGet() == 1;
            byte[] body = (first
                            ? "{\"error_class\":\"store_unavailable\",\"message\":\"store unavailable\",\"attempts\":0}"
                            : "{\"id\":\"rec_1\"}")
                    .getBytes(StandardCharsets.UTF_8);
            if (first) ex.getResponseHeaders().add("Retry-After", "1");
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(first ? 503 : 201, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        aam.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            var api = new ProxyApi(
                    "http://127.0.0.1:" + aam.getAddress().getPort(),
                    "github_mock",
                    "github",
                    http,
                    Duration.ofSeconds(10));

            long t0 = System.nanoTime();
            ApiResult r = api.call("POST", "/repos/o/r/issues", Map.of(), Map.of("title", "t"), "op-1");

            assertThat(r.ok()).as(String.valueOf(r)).isTrue();
            assertThat(r.status()).isEqualTo(201);
            assertThat(opIds).isEqualTo(List.of("op-1", "op-1"));
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .as("waited for Retry-After")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(900));
        } finally {
            aam.stop(0);
        }
    }

    @Test
    void shouldGiveUpOnAStoreRefusalWhenRetryAfterIsPastItsDeadline() throws Exception {
        var calls = new AtomicInteger();
        HttpServer aam = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        aam.createContext("/", ex -> {
            calls.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"error_class\":\"store_unavailable\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Retry-After", "5");
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        aam.start();
        try (HttpClient http = HttpClient.newHttpClient()) {
            var api = new ProxyApi(
                    "http://127.0.0.1:" + aam.getAddress().getPort(),
                    "github_mock",
                    "github",
                    http,
                    Duration.ofSeconds(1));

            ApiResult r = api.call("POST", "/repos/o/r/issues", Map.of(), Map.of("title", "t"), "op-2");

            assertThat(r.ok()).isFalse();
            assertThat(r.errorClass()).isEqualTo("store_unavailable");
            assertThat(calls.get()).isEqualTo(1);
        } finally {
            aam.stop(0);
        }
    }
}
