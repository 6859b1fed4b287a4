package dev.gauntlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** A route that ignores the body still answers every client that sends one: 200 each time, over one kept-alive client. */
class UnreadBodyTest {

    @Test
    void shouldAnswerEveryRequestWhoseBodyTheRouteDidNotRead() throws Exception {
        Javalin app = Javalin.create(cfg -> {
                    cfg.routes.post("/action", ctx -> ctx.result("done"));
                    cfg.routes.after(ctx -> UnreadBody.drain(ctx.req()));
                })
                .start("127.0.0.1", 0);
        try (HttpClient http = HttpClient.newHttpClient()) {
            byte[] body = "x".repeat(200_000).getBytes();
            for (int i = 0; i < 50; i++) {
                HttpResponse<String> r = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/action"))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("done");
            }
        } finally {
            app.stop();
        }
    }
}
