package dev.gauntlet.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.runtime.Farm;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** A farm on a free loopback port for tests, with a JDK HttpClient and small helpers to script it. */
public final class TestFarm implements AutoCloseable {

    public static final ObjectMapper JSON = new ObjectMapper();

    /** The built-in supabase_mock's anon key (a JWT for the anon role, docs/farm.md). */
    public static final String SUPABASE_ANON =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImdhdW50bGV0ZmFybXN1cGFiYXNlIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.-w48Aq2RPFe7n01nPi29ChDymSPFVHkMhDJzo_0UdR4";

    public final FarmServer server;
    public final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private TestFarm(FarmServer server) {
        this.server = server;
    }

    public static TestFarm start(FarmConfig.Builder config) {
        return new TestFarm(FarmServer.start(config.host("127.0.0.1").port(0).build()));
    }

    /** Built-in services, seed 42, system clock. */
    public static TestFarm builtIns() {
        return start(FarmConfig.builder());
    }

    public Farm farm() {
        return server.farm();
    }

    public String url(String path) {
        return server.url() + path;
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url(path)));
    }

    public HttpResponse<String> get(String path, String... headers) {
        var b = request(path).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b);
    }

    public HttpResponse<String> post(String path, String contentType, String body, String... headers) {
        var b = request(path).POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b);
    }

    public HttpResponse<String> postJson(String path, String body, String... headers) {
        return post(path, "application/json", body, headers);
    }

    public HttpResponse<String> postForm(String path, String body, String... headers) {
        return post(path, "application/x-www-form-urlencoded", body, headers);
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + response.statusCode() + "): " + response.body(), e);
        }
    }

    /** An OAuth access token from the farm-wide endpoint. */
    public String token(String service, String clientId, String secret) {
        var r = postForm(
                "/oauth2/token",
                "grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret + "&service="
                        + service);
        if (r.statusCode() != 200) throw new AssertionError("token request failed: " + r.statusCode() + " " + r.body());
        return json(r).get("access_token").asText();
    }

    /** Working credentials for a built-in service, as headers (OAuth services get a fresh token). */
    public Map<String, String> credentials(String serviceId) {
        ServiceRuntime svc = farm().service(serviceId);
        return switch (serviceId) {
            case "salesforce_mock", "github_mock" ->
                Map.of("Authorization", "Bearer " + token(serviceId, "gauntlet", "gauntlet-secret"));
            case "supabase_mock" ->
                Map.of(
                        "Authorization",
                        "Bearer " + token(serviceId, "gauntlet", "gauntlet-secret"),
                        "apikey",
                        SUPABASE_ANON);
            case "stripe_mock" ->
                Map.of("Authorization", "Bearer " + svc.spec().auth().apiKeys().getFirst());
            case "mongodb_mock" -> Map.of("apiKey", svc.spec().auth().apiKeys().getFirst());
            case "datadog_mock" ->
                Map.of("DD-API-KEY", svc.spec().auth().apiKeys().getFirst());
            default -> Map.of();
        };
    }

    /** The port the farm's main connector listens on. */
    public int port() {
        return server.port();
    }

    /**
     * Sends bytes as they are on a fresh connection (for requests the JDK client will not send: malformed escapes,
     * broken chunking, foreign Host headers) and returns the answer's status line, headers and body as text.
     */
    public RawAnswer raw(String request) {
        try (Socket s = new Socket("127.0.0.1", port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            s.shutdownOutput();
            String text = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return RawAnswer.parse(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An answer read off a raw socket. */
    public record RawAnswer(int status, String head, String body) {
        static RawAnswer parse(String text) {
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            int status = head.length() >= 12 ? Integer.parseInt(head.substring(9, 12)) : -1;
            return new RawAnswer(status, head, body);
        }

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (status " + status + "): " + head + "\n\n" + body, e);
            }
        }
    }

    public void chaos(String body) {
        var r = postJson("/admin/chaos", body);
        if (r.statusCode() != 200) throw new AssertionError("chaos request failed: " + r.statusCode() + " " + r.body());
    }

    /** Writes a file into a folder, creating it; returns the file. */
    public static Path write(Path dir, String name, String text) {
        try {
            Files.createDirectories(dir);
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built-in chaos file plus levels that inject exactly one socket fault type on every request (for tests). */
    public static Path chaosWithOnly(Path dir) {
        String extra = """
                levels:
                  calm: { error_rate: 0, network_rate: 0 }
                  mild: { error_rate: 0.05, network_rate: 0.005 }
                  storm: { error_rate: 0.2, rate_limit_factor: 0.5, network_rate: 0.03 }
                  hell: { error_rate: 0.5, rate_limit_factor: 0.2, network_rate: 0.08 }
                  all_network: { error_rate: 0, network_rate: 1.0 }
                  all_errors: { error_rate: 1.0, network_rate: 0 }
                profiles:
                  mostly_ok: { errors: { server_error: 1 } }
                  only_reset: { network: { reset: 1 } }
                  only_close: { network: { close: 1 } }
                  only_truncate: { network: { truncate: 1 } }
                  only_timeout: { network: { timeout: 1 }, hang_ms: 5000 }
                  only_server_error: { errors: { server_error: 1 } }
                  only_rate_limit: { errors: { rate_limit: 1 } }
                  only_auth_revoke: { errors: { auth_revoke: 1 } }
                  only_slow: { errors: { slow: 1 }, slow_ms: 300 }
                """;
        return write(dir, "chaos.yaml", extra);
    }

    @Override
    public void close() {
        server.close();
    }

    /** The text of a built-in service file ({@code services/<name>} on the class path), to write changed copies of. */
    public static String builtInYaml(String name) {
        try (InputStream in = TestFarm.class.getResourceAsStream("/services/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
