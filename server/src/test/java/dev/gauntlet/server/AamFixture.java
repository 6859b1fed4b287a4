package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;

/** The real farm and an AAM server pointed at it, both in-process on free loopback ports, and a plain JDK client. */
final class AamFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final FarmServer farm;
    final AamServer aam;
    final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    AamFixture(Path data) {
        this(data, UnaryOperator.identity());
    }

    /** @param aamConfig adds to the AAM's config (free port, the farm, the data folder already set) */
    AamFixture(Path data, UnaryOperator<AamConfig.Builder> aamConfig) {
        this.farm =
                FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
        this.aam = AamServer.start(aamConfig
                .apply(AamConfig.builder().port(0).farmUrl(farm.url()).dataDir(data))
                .build());
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    HttpResponse<String> send(String method, String path, String body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body)));
    }

    HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    URI uri(String path) {
        return URI.create(aam.url() + path);
    }

    static JsonNode json(HttpResponse<String> r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + r.statusCode() + "): " + r.body(), e);
        }
    }

    /**
     * Adds connector {@code id} to an upstream nobody listens on (a closed loopback port, one attempt) and sends a write
     * through its proxy, which the mesh parks in the DLQ: returns the entry's id. The AAM must allow loopback egress.
     */
    String parkedWrite(String id, String opId) {
        HttpResponse<String> created = send("POST", "/connectors", """
                {"id":"%s","base_url":"http://127.0.0.1:1/api","retry":{"max_attempts":1}}""".formatted(id));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        HttpResponse<String> write = send(HttpRequest.newBuilder(uri("/proxy/" + id + "/items"))
                .header("Content-Type", "application/json")
                .header("X-Gauntlet-Op-Id", opId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
        assertThat(write.statusCode()).as(write.body()).isEqualTo(202);
        return json(write).path("dlq_id").asText();
    }

    /** The farm's ledger of one service, straight from its admin API. */
    JsonNode ledger(String service) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(farm.url() + "/admin/ledger?service=" + service))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        aam.close();
        farm.close();
        http.close();
    }
}
