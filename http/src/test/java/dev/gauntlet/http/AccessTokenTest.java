package dev.gauntlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The access token's rule, and the client that carries it to the gauntlet's own servers only. */
class AccessTokenTest {

    private static final String VALUE = "a-token-of-enough-length";

    @Test
    void shouldAcceptTheTokenInItsHeaderOrAsBearerWhereAllowed() {
        AccessToken token = AccessToken.of(VALUE);
        assertThat(token.check(Map.of(AccessToken.HEADER, VALUE)::get, false)).isNull();
        assertThat(token.check(Map.of("Authorization", "Bearer " + VALUE)::get, true))
                .isNull();
        assertThat(token.check(Map.of("Authorization", "Bearer " + VALUE)::get, false))
                .extracting(Refusal::status)
                .isEqualTo(401);
        Refusal wrong = token.check(Map.of(AccessToken.HEADER, VALUE + "x")::get, true);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.field()).isEqualTo(AccessToken.HEADER);
        assertThat(wrong.message()).doesNotContain(VALUE);
        assertThat(token.check(Map.<String, String>of()::get, true).message())
                .contains(AccessToken.HEADER)
                .contains(AccessToken.ENV);
        assertThat(token.toString()).doesNotContain(VALUE);
    }

    @Test
    void shouldRefuseAShortOrUnprintableTokenWithoutEchoingIt() {
        assertThatThrownBy(() -> AccessToken.of("short"))
                .hasMessageContaining("at least 16")
                .hasMessageNotContaining("short");
        assertThatThrownBy(() -> AccessToken.of("has a space in the middle")).hasMessageContaining("visible ASCII");
        assertThatThrownBy(() -> AccessToken.requireBeyondLoopback("AAM", "0.0.0.0", Optional.empty()))
                .hasMessageContaining("--token");
        AccessToken.requireBeyondLoopback("AAM", "127.0.0.1", Optional.empty());
        AccessToken.requireBeyondLoopback("AAM", "localhost", Optional.empty());
        AccessToken.requireBeyondLoopback("AAM", "[::1]", Optional.empty());
    }

    @Test
    void shouldSendTheTokenToTheGauntletsServersAndToNoOtherHost() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", ex -> {
            seen.add(ex.getLocalAddress().getPort() + "="
                    + ex.getRequestHeaders().getFirst(AccessToken.HEADER));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", ex -> {
            seen.add(ex.getLocalAddress().getPort() + "="
                    + ex.getRequestHeaders().getFirst(AccessToken.HEADER));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.start();
        other.start();
        String ours = "http://127.0.0.1:" + server.getAddress().getPort();
        String theirs = "http://127.0.0.1:" + other.getAddress().getPort();
        try (HttpClient http =
                TokenClient.wrap(HttpClient.newHttpClient(), Optional.of(AccessToken.of(VALUE)), List.of(ours + "/"))) {
            http.send(
                    HttpRequest.newBuilder(URI.create(ours + "/admin/status"))
                            .header(AccessToken.HEADER, "stale")
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            http.send(
                    HttpRequest.newBuilder(URI.create(theirs + "/v1/customers")).build(),
                    HttpResponse.BodyHandlers.discarding());
        } finally {
            server.stop(0);
            other.stop(0);
        }
        assertThat(seen)
                .containsExactly(
                        server.getAddress().getPort() + "=" + VALUE,
                        other.getAddress().getPort() + "=null");
        HttpClient plain = HttpClient.newHttpClient();
        assertThat(TokenClient.wrap(plain, Optional.empty(), List.of(ours))).isSameAs(plain);
    }
}
