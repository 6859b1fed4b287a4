package dev.gauntlet.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The MongoDB Atlas Data API's documented HTTP calls ("Data API Endpoints", v1 actions) with the JDK's HttpClient:
 * {@code POST <app url>/endpoint/data/v1/action/<action>} with an {@code apiKey} header and a JSON body naming the
 * data source, database and collection. MongoDB never shipped a client library for the Data API (the drivers speak the
 * wire protocol), and deprecated it in September 2024 (end of life September 30, 2025).
 */
final class MongoDataApi implements AutoCloseable {

    private final JsonHttp http;
    private final String endpoint;
    private final String apiKey;

    /**
     * @param endpoint the app's Data API URL, ending in {@code /endpoint/data/v1}
     * @param timeout  how long to wait for an answer (a hung one at storm costs that much)
     */
    MongoDataApi(String endpoint, String apiKey, Duration timeout) {
        this.endpoint = endpoint;
        this.apiKey = apiKey;
        this.http = new JsonHttp(timeout);
    }

    /** One action on a collection of the {@code gauntlet} database; the rest of the body as the action takes it. */
    JsonNode action(String action, String collection, Map<String, Object> rest) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("dataSource", "Cluster0");
        body.put("database", "gauntlet");
        body.put("collection", collection);
        body.putAll(rest);
        JsonHttp.Answer a = http.send(
                "POST",
                endpoint + "/action/" + action,
                Map.of("apiKey", apiKey, "Content-Type", "application/json"),
                body);
        if (!a.ok()) throw new DataApiError(a);
        return a.json();
    }

    @Override
    public void close() {
        http.close();
    }

    /** An error answer: the Data API's {@code {"error","error_code","link"}} with its status. */
    static final class DataApiError extends IOException {
        final int status;

        DataApiError(JsonHttp.Answer a) {
            super(a.status() + " " + a.text());
            this.status = a.status();
        }
    }
}
