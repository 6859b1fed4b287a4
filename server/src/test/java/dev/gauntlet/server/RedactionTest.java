package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 item 8: secrets planted where no header name gives them away - a custom signature header, a password in
 * base_url, a client secret in token_url's query, a caller's header that carries the key - are masked by value in
 * connector views, proxy answers, DLQ entries and recent errors.
 */
class RedactionTest {

    static final String SIG = "planted-custom-sig-4711";
    static final String KEY = "planted-api-key-0815";
    static final String BASE_PASSWORD = "planted-base-query-42";
    static final String TOKEN_URL_SECRET = "planted-token-url-secret-7";
    static final List<String> ALL = List.of(SIG, KEY, BASE_PASSWORD, TOKEN_URL_SECRET);

    @TempDir
    static Path data;

    static AamFixture f;
    static HttpServer upstream;
    static String upstreamUrl;

    @BeforeAll
    static void start() throws Exception {
        upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        // Echoes what it was sent in its answer's headers and bodies, as careless upstreams do.
        upstream.createContext("/", exchange -> {
            String sig = exchange.getRequestHeaders().getFirst("X-Custom-Sig");
            String key = exchange.getRequestHeaders().getFirst("X-Api-Key");
            exchange.getResponseHeaders().add("X-Echo-Sig", String.valueOf(sig));
            exchange.getResponseHeaders().add("X-Echo-Key", "key was " + key);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            boolean fail = exchange.getRequestURI().getPath().contains("fail");
            byte[] body = ("{\"message\":\"signature " + sig + " and key " + key + " rejected\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(fail ? 400 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        upstream.start();
        upstreamUrl = "http://127.0.0.1:" + upstream.getAddress().getPort();
        f = new AamFixture(data, b -> b.allowEgress("loopback"));
        String echo = """
                {"id":"echo","base_url":"%s/api","flavor":"rest","headers":{"X-Custom-Sig":"%s"},
                 "auth":{"type":"api_key","header":"X-Api-Key","key":"%s"},"retry":{"max_attempts":1}}""".formatted(upstreamUrl, SIG, KEY);
        assertThat(f.send("POST", "/connectors", echo).statusCode()).isEqualTo(201);
        String odd = """
                {"id":"odd","base_url":"http://127.0.0.1:%2$d/api?access_token=%1$s","flavor":"rest",
                 "auth":{"type":"oauth2","token_url":"%3$s/token?client_secret=%4$s","client_id":"cid","client_secret":"plain-client-secret-1"}}""".formatted(BASE_PASSWORD, upstream.getAddress().getPort(), upstreamUrl, TOKEN_URL_SECRET);
        // A password in base_url itself is refused at creation (the egress policy): none can be shown.
        HttpResponse<String> created = f.send("POST", "/connectors", odd);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    @AfterAll
    static void stop() {
        f.close();
        upstream.stop(0);
    }

    static void assertClean(String what, String text) {
        for (String secret : ALL) assertThat(text).as(what + " shows " + secret).doesNotContain(secret);
    }

    @Test
    void shouldMaskSecretsInConnectorViews() {
        assertClean("GET /connectors", f.get("/connectors").body());
        String odd = f.get("/connectors/odd").body();
        assertClean("GET /connectors/odd", odd);
        assertThat(odd).contains("access_token=***").contains("client_secret=***");
        assertThat(f.get("/connectors/echo").body()).contains("\"X-Custom-Sig\":\"***\"");
    }

    @Test
    void shouldMaskSecretsAnUpstreamEchoesInProxyAnswers() {
        HttpResponse<String> r = f.get("/proxy/echo/things");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("X-Echo-Sig")).hasValue("***");
        assertThat(r.headers().firstValue("X-Echo-Key")).hasValue("key was ***");
    }

    @Test
    void shouldMaskSecretsInDlqEntriesAndRecentErrors() {
        // A caller that sends the connector's own signature in a header of another name, and a write the upstream
        // refuses.
        HttpResponse<String> refused = f.send(HttpRequest.newBuilder(f.uri("/proxy/echo/fail"))
                .header("Content-Type", "application/json")
                .header("X-Gauntlet-Op-Id", "op-redact-1")
                .header("X-Trace", SIG)
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertClean("the proxy's refusal", refused.body());
        refused.headers().map().forEach((k, v) -> assertClean("header " + k, String.join(",", v)));
        assertClean("recent errors", f.get("/connectors/echo/status").body());

        // Parked: a write to an upstream nobody listens on.
        String down = """
                {"id":"echo_down","base_url":"http://127.0.0.1:1/api","flavor":"rest","headers":{"X-Custom-Sig":"%s"},
                 "auth":{"type":"api_key","header":"X-Api-Key","key":"%s"},"retry":{"max_attempts":1}}""".formatted(SIG, KEY);
        assertThat(f.send("POST", "/connectors", down).statusCode()).isEqualTo(201);
        HttpResponse<String> parked = f.send(HttpRequest.newBuilder(f.uri("/proxy/echo_down/things"))
                .header("Content-Type", "application/json")
                .header("X-Gauntlet-Op-Id", "op-redact-2")
                .header("X-Trace", SIG)
                .header("Idempotency-Key", "k-redact-2")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}")));
        assertThat(parked.statusCode()).as(parked.body()).isEqualTo(202);
        String id = json(parked).path("dlq_id").asText();
        String entry = f.get("/dlq/" + id).body();
        assertClean("DLQ entry", entry);
        JsonNode headers = json(f.get("/dlq/" + id)).path("headers");
        assertThat(headers.has("X-Trace"))
                .as("a header carrying a secret value is not kept")
                .isFalse();
        assertClean("DLQ list", f.get("/dlq?connector=echo_down").body());
        assertClean("recent errors", f.get("/connectors/echo_down/status").body());
    }
}
