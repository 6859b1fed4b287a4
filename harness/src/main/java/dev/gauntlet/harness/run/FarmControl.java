package dev.gauntlet.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.harness.check.FarmLedger;
import dev.gauntlet.harness.check.GroundTruth;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The farm as a run drives it over its admin API: reset under a seed, set chaos per phase, read the ledger. */
public final class FarmControl {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String url;
    private final HttpClient http;

    public FarmControl(String url, HttpClient http) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.http = http;
    }

    public String url() {
        return url;
    }

    public void reset(long seed) {
        post("/admin/reset", Map.of("seed", seed));
    }

    /** Sets a chaos level for some services (all when empty). */
    public void chaos(String level, List<String> services) {
        var body = new LinkedHashMap<String, Object>();
        body.put("level", level);
        if (!services.isEmpty()) body.put("services", services);
        post("/admin/chaos", body);
    }

    /** What the farm's process has cost so far ({@code process} of {@code /admin/status}); null when it cannot be read. */
    public com.fasterxml.jackson.databind.JsonNode process() {
        try {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/admin/status"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? JSON.readTree(r.body()).get("process") : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Turns every service back to calm (a run's end: the storm must not outlive it). */
    public void calm() {
        chaos("calm", List.of());
    }

    /** {@code GET /admin/chaos}: the levels now and the history of changes ({@code at}, {@code level}, {@code services}). */
    public JsonNode chaosStatus() {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url + "/admin/chaos"))
                            .timeout(Duration.ofSeconds(10))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException(
                        "farm " + url + "/admin/chaos answered " + r.statusCode() + ": " + r.body());
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the farm at " + url + "/admin/chaos: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling the farm", e);
        }
    }

    public GroundTruth ledger() {
        return new FarmLedger(url, http);
    }

    private void post(String path, Object body) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(url + path))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException("farm " + url + path + " answered " + r.statusCode() + ": " + r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the farm at " + url + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling the farm", e);
        }
    }
}
