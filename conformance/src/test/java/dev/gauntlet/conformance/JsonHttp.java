package dev.gauntlet.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * JSON over the JDK's HttpClient, for the vendors that have no official client library: their documented HTTP calls
 * as an application writes them. One client per vendor client; HTTP/1.1, as the vendors' own SDKs speak it.
 */
final class JsonHttp implements AutoCloseable {

    /** One answer: the status, the headers and the body read as JSON (missing when it is empty or not JSON). */
    record Answer(int status, HttpHeaders headers, String text, JsonNode json) {
        boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final Duration timeout;

    JsonHttp(Duration timeout) {
        this.timeout = timeout;
    }

    /** Sends one request; a socket failure or a timeout is an IOException, as the JDK reports it. */
    Answer send(String method, String url, Map<String, String> headers, Object body) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(timeout);
        headers.forEach(b::header);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            String text = body instanceof String s ? s : Rig.JSON.writeValueAsString(body);
            if (!headers.containsKey("Content-Type")) b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(text));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        JsonNode json;
        try {
            json = r.body().isBlank() ? MissingNode.getInstance() : Rig.JSON.readTree(r.body());
        } catch (IOException notJson) {
            json = MissingNode.getInstance();
        }
        return new Answer(r.statusCode(), r.headers(), r.body(), json);
    }

    @Override
    public void close() {
        http.close();
    }
}
