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

    /** A stand-in AAM node that answers 201 and counts what it got; {@code answer} false breaks the connection instead. */
    static HttpServer node(List<String> got, String name, boolean answer) throws Exception {
        HttpServer aam = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        aam.createContext("/", ex -> {
            got.add(name + " " + ex.getRequestURI().getPath() + " "
                    + ex.getRequestHeaders().getFirst("X-Gauntlet-Op-Id"));
            ex.getRequestBody().readAllBytes();
            if (!answer) {
                ex.close(); // the request was read, no answer: a node killed mid-call
                return;
            }
            byte[] body = "{\"id\":\"rec_1\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(201, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        aam.start();
        return aam;
    }

    static String refusingUrl() throws Exception {
        try (var s = new java.net.ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort(); // closed again: nothing listens there
        }
    }

    @Test
    void shouldSpreadCallsOverTheNodesInTurnAndSkipANodeThatRefusesConnections() throws Exception {
        var got = new CopyOnWriteArrayList<String>();
        HttpServer a = node(got, "a", true);
        HttpServer b = node(got, "b", true);
        String dead = refusingUrl();
        String urlA = "http://127.0.0.1:" + a.getAddress().getPort();
        String urlB = "http://127.0.0.1:" + b.getAddress().getPort();
        try (HttpClient http = HttpClient.newHttpClient()) {
            var nodes = AamNodes.of(List.of(urlA, dead, urlB));
            var api = new ProxyApi(nodes, "github_mock", "github", http, Duration.ofSeconds(10));

            for (int i = 0; i < 6; i++) {
                ApiResult r = api.call("POST", "/repos/o/r/issues", Map.of(), Map.of("title", "t"), "op-" + i);
                assertThat(r.ok()).as(String.valueOf(r)).isTrue();
            }

            // Every write reached a live node once: the dead node's turn went to the next one, and once skipped it
            // is not asked again within 2 s.
            assertThat(got).hasSize(6);
            assertThat(got.stream().map(g -> g.split(" ")[2]).distinct()).hasSize(6);
            assertThat(got).allMatch(g -> g.contains(" /proxy/github_mock/repos/o/r/issues "));
            assertThat(got.stream().filter(g -> g.startsWith("a ")).count()).isEqualTo(3);
            assertThat(got.stream().filter(g -> g.startsWith("b ")).count()).isEqualTo(3);
            assertThat(nodes.counts().get(dead)).isEqualTo(new AamNodes.Count(0, 1));
            assertThat(nodes.counts().get(urlA).sent()
                            + nodes.counts().get(urlB).sent())
                    .isEqualTo(6);
        } finally {
            a.stop(0);
            b.stop(0);
        }
    }

    @Test
    void shouldSendACallWhoseConnectionBrokeAfterItWasSentToTheNextNodeWithTheSameOpId() throws Exception {
        var got = new CopyOnWriteArrayList<String>();
        HttpServer broken = node(got, "broken", false);
        HttpServer live = node(got, "live", true);
        try (HttpClient http = HttpClient.newHttpClient()) {
            var nodes = AamNodes.of(List.of(
                    "http://127.0.0.1:" + broken.getAddress().getPort(),
                    "http://127.0.0.1:" + live.getAddress().getPort()));
            var api = new ProxyApi(nodes, "stripe_mock", "stripe", http, Duration.ofSeconds(10));

            ApiResult r = api.call("POST", "/v1/customers", Map.of(), Map.of("name", "n"), "op-x");

            // The broken node may have recorded the write: the live one, on the same store, finds it by the op id.
            assertThat(r.ok()).as(String.valueOf(r)).isTrue();
            assertThat(got)
                    .containsExactly(
                            "broken /proxy/stripe_mock/v1/customers op-x", "live /proxy/stripe_mock/v1/customers op-x");
        } finally {
            broken.stop(0);
            live.stop(0);
        }
    }

    @Test
    void shouldRefuseAnEmptyOrRepeatedNodeNamingTheOption() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AamNodes.of(List.of("http://a", " ")))
                .hasMessageStartingWith("aam_url: an empty node URL");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AamNodes.of(List.of("http://a/", "http://a")))
                .hasMessage("aam_url: node http://a is named twice");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> AamNodes.of(List.of()))
                .hasMessage("aam_url: names no AAM node");
    }

    @Test
    void shouldGoRoundTheNodesInTurnAndBackToASkippedOneOnceItsTimeIsUp() {
        var now = new java.util.concurrent.atomic.AtomicLong(1_000);
        var nodes = new AamNodes(List.of("http://a", "http://b", "http://c"), Duration.ofSeconds(2), now::get);
        assertThat(List.of(nodes.next(), nodes.next(), nodes.next(), nodes.next()))
                .containsExactly(0, 1, 2, 0);
        nodes.refused(1);
        assertThat(List.of(nodes.next(), nodes.next(), nodes.next())).containsExactly(2, 2, 0);
        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(nodes.next()).isEqualTo(1);
        nodes.refused(0);
        nodes.refused(1);
        nodes.refused(2);
        assertThat(nodes.allDown()).isTrue();
        nodes.sent(2);
        assertThat(nodes.allDown()).isFalse();
    }
}
