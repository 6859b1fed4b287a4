package dev.gauntlet.mesh;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The real API Farm in-process on a free loopback port, scripted through its admin API, for mesh tests. */
public final class FarmFixture implements AutoCloseable {

    public final FarmServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    private FarmFixture(FarmServer server) {
        this.server = server;
    }

    /** The six built-in services, seed 42. */
    public static FarmFixture start() {
        return start(FarmConfig.builder());
    }

    public static FarmFixture start(FarmConfig.Builder config) {
        return new FarmFixture(FarmServer.start(config.host("127.0.0.1").port(0).build()));
    }

    /** Base URL of a service, e.g. {@code http://127.0.0.1:PORT/api/stripe}. */
    public String serviceUrl(String serviceId) {
        return server.url() + server.farm().service(serviceId).spec().basePath();
    }

    public String url() {
        return server.url();
    }

    /** Sets a chaos level: {@code chaos("{\"level\":\"hell\"}")}. */
    public void chaos(String json) {
        post("/admin/chaos", json);
    }

    public String get(String path) {
        return send(
                HttpRequest.newBuilder(URI.create(server.url() + path)).GET().build());
    }

    public String post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());
    }

    private String send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 400)
                throw new AssertionError(request.uri() + " → " + r.statusCode() + " " + r.body());
            return r.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The built-in services' error profiles: a chaos file must define each one. */
    static final List<String> PROFILES = List.of(
            "server_errors",
            "schema_drift",
            "mostly_ok",
            "aggressive_limits",
            "network_flakiness",
            "rate_limits",
            "token_rotation");

    /**
     * A chaos file for a test: the four standard levels inject nothing, {@code levels} adds levels by name and error
     * rate, and every built-in profile injects only {@code fault}, except those {@code overrides} names.
     */
    public static String chaos(Map<String, Double> levels, String fault, Map<String, String> overrides) {
        var sb = new StringBuilder("levels:\n");
        for (String l : List.of("calm", "mild", "storm", "hell"))
            sb.append("  ").append(l).append(": { error_rate: 0, network_rate: 0 }\n");
        new TreeMap<>(levels)
                .forEach((l, rate) -> sb.append("  ")
                        .append(l)
                        .append(": { error_rate: ")
                        .append(rate)
                        .append(", network_rate: 0 }\n"));
        sb.append("profiles:\n");
        for (String p : PROFILES)
            sb.append("  ")
                    .append(p)
                    .append(": { errors: { ")
                    .append(overrides.getOrDefault(p, fault))
                    .append(": 1 } }\n");
        return sb.toString();
    }

    /** Writes a service YAML into a folder (for a farm started with that services folder). */
    public static Path write(Path dir, String name, String yaml) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
        http.close();
    }
}
