package dev.gauntlet.mesh.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A token endpoint that fails transiently is retried inside the one refresh every caller waits on. */
class TokenRetryTest {

    HttpServer server;
    final AtomicInteger tokenCalls = new AtomicInteger();
    volatile int failFirst;
    final FakeTime time = new FakeTime();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/token", ex -> {
            int n = tokenCalls.incrementAndGet();
            byte[] body = n <= failFirst
                    ? "{\"error\":\"temporarily_unavailable\"}".getBytes(StandardCharsets.UTF_8)
                    : ("{\"access_token\":\"t" + n + "\",\"expires_in\":600}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(n <= failFirst ? 503 : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.createContext("/data", ex -> {
            boolean ok = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"))
                    .startsWith("Bearer t");
            byte[] body = (ok ? "{\"ok\":true}" : "{\"error\":\"no token\"}").getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ok ? 200 : 401, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private MeshException.CallFailed callWith(int failures) {
        failFirst = failures;
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        try (Mesh mesh = Mesh.builder().time(time).build()) {
            var c = mesh.register(ConnectorSpec.builder("api", base)
                    .auth(AuthConfig.OAuth2.clientCredentials(base + "/token", "id", "secret"))
                    .build());
            try {
                assertThat(c.get("/data").status()).isEqualTo(200);
                return null;
            } catch (MeshException.CallFailed e) {
                return e;
            }
        }
    }

    @Test
    void shouldRetryTheTokenRequestWhenTheEndpointFailsTransiently() {
        assertThat(callWith(2)).isNull();
        assertThat(tokenCalls.get()).isEqualTo(3);
        assertThat(time.sleeps).as("a short pause between tries").isNotEmpty();
    }

    @Test
    void shouldGiveUpAfterThreeTriesWithTheEndpointsClass() {
        MeshException.CallFailed e = callWith(100);
        assertThat(e).isNotNull();
        assertThat(e.errorClass()).isEqualTo(ErrorClass.server_error);
        // The retry stage tries the call again, and each try asks the token endpoint three times.
        assertThat(tokenCalls.get() % OAuthTokens.TOKEN_TRIES).isZero();
    }
}
