package dev.gauntlet.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Jetty listener: a client that stalls inside its headers is cut off; one that idles between requests is not. */
class HeaderDeadlineTest {

    private Javalin app;
    private ServerConnector connector;

    @BeforeEach
    void start() {
        app = Javalin.create(cfg -> {
                    cfg.startup.showJavalinBanner = false;
                    cfg.jetty.addConnector((server, http) -> {
                        connector = Listeners.connector(server, http, "127.0.0.1", 0, Duration.ofMillis(1500));
                        return connector;
                    });
                    cfg.routes.get("/", ctx -> ctx.result("ok"));
                })
                .start();
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldCloseAConnectionThatStallsInsideItsHeaders() throws Exception {
        try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(500);
            InputStream in = s.getInputStream();
            long started = System.nanoTime();
            // One more header byte now and then: Jetty's idle timeout alone would never fire.
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(400))
                    .until(() -> {
                        try {
                            out.write('a');
                            out.flush();
                            return in.read() < 0;
                        } catch (SocketTimeoutException stillOpen) {
                            return false;
                        } catch (IOException reset) {
                            return true;
                        }
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
        }
        assertThat(Listeners.headerDeadline(connector).closed()).isEqualTo(1);
    }

    @Test
    void shouldLeaveAKeptAliveConnectionBetweenRequestsToTheIdleTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", connector.getLocalPort())) {
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
            // Idle for longer than the header deadline (but nothing of a request sent): still served.
            await().pollDelay(Duration.ofMillis(3000))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readAnswer(in)).startsWith("HTTP/1.1 200");
        }
        assertThat(Listeners.headerDeadline(connector).closed()).isZero();
    }

    /** Reads one small answer (headers and the two-byte body). */
    private static String readAnswer(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\nok")) {
            int c = in.read();
            if (c < 0) break;
            b.append((char) c);
        }
        return b.toString();
    }
}
