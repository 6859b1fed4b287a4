package dev.gauntlet.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.server.AamConfig;
import dev.gauntlet.server.AamServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The real farm and an AAM in front of it, in-process on free loopback ports, shared by one test class; plus the
 * farm's admin API (chaos dial, scripted faults, ledger) that a conformance test stages faults and reads ground truth
 * with. Every service also answers at the root of a farm port of its own, and Stripe's connector at the root of an
 * AAM port of its own, for clients that take only a host and a port.
 */
final class Rig implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> SERVICES =
            List.of("salesforce_mock", "mongodb_mock", "stripe_mock", "github_mock", "supabase_mock", "datadog_mock");

    private static boolean reportStarted;

    final FarmServer farm;
    final AamServer aam;
    private final HttpClient admin = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    Rig(Path data) {
        FarmConfig.Builder farmConfig = FarmConfig.builder().host("127.0.0.1").port(0);
        for (String s : SERVICES) farmConfig.servicePort(s, 0);
        this.farm = FarmServer.start(farmConfig.build());
        this.aam = AamServer.start(AamConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .farmUrl(farm.url())
                .dataDir(data)
                .proxyPort("stripe_mock", 0)
                .build());
    }

    /** The farm's own URL of a service: its base path on the farm's port, e.g. http://127.0.0.1:p/api/stripe. */
    String farmBase(String basePath) {
        return farm.url() + basePath;
    }

    /** The root of the farm port a service answers on by itself (--service-port). */
    String farmServicePort(String service) {
        return "http://127.0.0.1:" + farm.servicePort(service);
    }

    /** The AAM's egress proxy for a connector: http://127.0.0.1:p/proxy/{connector}. */
    String proxy(String connector) {
        return aam.url() + "/proxy/" + connector;
    }

    /** The root of the AAM port that serves one connector's proxy (--proxy-port). */
    String proxyPort(String connector) {
        return aam.proxyPortUrl(connector);
    }

    /** Turns the chaos dial for one service (calm puts it back). */
    void chaos(String service, String level) {
        adminPost("/admin/chaos", Map.of("level", level, "services", List.of(service)));
    }

    /** Scripts a fault for the next matching request (POST /admin/faults/script); see docs/farm.md. */
    JsonNode script(Map<String, Object> fault) {
        return adminPost("/admin/faults/script", fault);
    }

    void clearScript() {
        adminSend(HttpRequest.newBuilder(URI.create(farm.url() + "/admin/faults/script"))
                .DELETE());
    }

    /** The farm's ledger for one service: every committed write with its op id and commit count. */
    JsonNode ledger(String service) {
        return adminSend(HttpRequest.newBuilder(URI.create(farm.url() + "/admin/ledger?service=" + service))
                .GET());
    }

    /** The ledger entries whose op id starts with a prefix (each test names its writes' op ids with one). */
    List<JsonNode> ledgerEntries(String service, String opIdPrefix) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : ledger(service).path("entries")) {
            if (e.path("op_id").asText("").startsWith(opIdPrefix)) out.add(e);
        }
        return out;
    }

    /** How many requests a service has received (GET /admin/status), to count a client's attempts exactly. */
    long requests(String service) {
        for (JsonNode s : adminSend(HttpRequest.newBuilder(URI.create(farm.url() + "/admin/status"))
                        .GET())
                .path("services")) {
            if (s.path("id").asText().equals(service)) return s.path("requests").asLong();
        }
        throw new AssertionError("no service " + service + " in the farm's status");
    }

    /** Where a service's fault log ends now: the sequence number of its newest entry (0 while it is empty). */
    long faultMark(String service) {
        long mark = 0;
        for (JsonNode e : faultsAfter(service, 0))
            mark = Math.max(mark, e.path("seq").asLong());
        return mark;
    }

    /** The faults injected into a service after a mark, counted by type, the ones struck after a commit apart. */
    Map<String, Integer> faultsSince(String service, long mark) {
        Map<String, Integer> out = new TreeMap<>();
        for (JsonNode e : faultsAfter(service, mark)) {
            out.merge(
                    e.path("type").asText() + (e.path("after_commit").asBoolean() ? " after commit" : ""),
                    1,
                    Integer::sum);
        }
        return out;
    }

    private JsonNode faultsAfter(String service, long mark) {
        return adminSend(HttpRequest.newBuilder(URI.create(
                                farm.url() + "/admin/faults?service=" + service + "&after=" + mark + "&limit=100000"))
                        .GET())
                .path("entries");
    }

    /**
     * A line of the conformance report: what a client did at storm where it is reported rather than asserted. Printed
     * and kept in target/conformance-report.txt.
     */
    static synchronized void report(String line) {
        System.out.println("conformance: " + line);
        try {
            Files.writeString(
                    reportFile(), line + System.lineSeparator(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The report file, emptied the first time this test run asks for it (the JavaScript clients append to it too). */
    static synchronized Path reportFile() {
        Path file = Path.of(System.getProperty("conformance.report", "target/conformance-report.txt"))
                .toAbsolutePath();
        if (!reportStarted) {
            try {
                Files.createDirectories(file.getParent());
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            reportStarted = true;
        }
        return file;
    }

    JsonNode adminPost(String path, Object body) {
        try {
            return adminSend(HttpRequest.newBuilder(URI.create(farm.url() + path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private JsonNode adminSend(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r =
                    admin.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300)
                throw new AssertionError(
                        "farm admin " + r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
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
        admin.close();
    }
}
