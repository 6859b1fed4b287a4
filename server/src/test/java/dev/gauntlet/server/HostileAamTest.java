package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.JunkJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generated hostile requests at every route of the AAM's OpenAPI document and at every connector's proxy (on the API
 * port and on a proxy port), the farm at calm behind it: seeded, so a failure replays ({@code -Dfuzz.seed=N}). Paths,
 * queries, headers and bodies are junk a fuzzer or a careless client sends (malformed escapes, unknown charsets, broken
 * chunking, deep and broken JSON, huge numbers, unknown fields). Nothing is injected at calm, so an answer ≥ 500 is the
 * AAM's own failure - except the mesh's verdicts on a slow machine (a write parked, 503 with its DLQ id; an attempt
 * timed out, 504), counted apart. No request may take over 2 s; both servers answer normally afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileAamTest {

    private static final int REQUESTS = 10_000;
    private static final long SEED = Long.getLong("fuzz.seed", 14);

    private static final String[] SEGMENTS = {
        "1",
        "0",
        "-1",
        "",
        "%uD800",
        "%zz",
        "%ED%A0%80",
        "%00",
        "..",
        "%2e%2e",
        "a%2Fb",
        "x".repeat(3000),
        "%F0%9F%98%80",
        "%7B%7D",
        "99999999999999999999",
        "null",
        "ghost",
        "caf%C3%A9",
        "%",
        "a+b",
        "d-1",
        "run-1"
    };
    private static final String[] NAMES = {
        "limit",
        "connector",
        "state",
        "error_class",
        "offset",
        "page",
        "per_page",
        "q",
        "id",
        "since",
        "%zz",
        "%uD800",
        "a[b",
        "",
        "service",
        "after"
    };
    private static final String[] VALUES = {
        "1",
        "-5",
        "abc",
        "",
        "%uD800",
        "%zz",
        "%",
        "0",
        "100001",
        "99999999999999999999999",
        "1e99999",
        "true",
        "pending",
        "dead",
        "network_error",
        "stripe_mock",
        "x".repeat(2000),
        "%F0%9F%98%80",
        "null",
        "%00%01"
    };
    private static final String[] TYPES = {
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=ebcdic",
        "application/json; charset=\"\"",
        "application/x-www-form-urlencoded",
        "application/octet-stream",
        "*/*",
        null
    };
    private static final String[] KEYS = {
        "id",
        "base_url",
        "flavor",
        "auth",
        "type",
        "limit",
        "retry",
        "circuit",
        "timeouts",
        "tenants",
        "headers",
        "idempotency",
        "drift",
        "dlq",
        "initial_rps",
        "max_attempts",
        "workflow",
        "connectors",
        "rate",
        "duration",
        "chaos",
        "seed",
        "reset",
        "compare",
        "scenario",
        "reason",
        "max_in_flight",
        "name",
        "email",
        "amount",
        "currency",
        "metadata",
        "title",
        "body",
        "document",
        "filter",
        "series",
        "points",
        "external_id"
    };
    private static final String[] STRINGS = {
        "",
        "x",
        "storms",
        "nope",
        "boom",
        "%uD800",
        "\u0000",
        "\uD800",
        "😀",
        "1e999",
        "-1s",
        "99999d",
        "http://",
        "ftp://x",
        "naive,ghost",
        "a".repeat(600),
        "PT1S",
        "stripe",
        "oauth2"
    };
    private static final JunkJson JUNK = new JunkJson(KEYS, STRINGS, 4);

    @TempDir
    static Path data;

    AamFixture f;

    @BeforeAll
    void start() {
        f = new AamFixture(data, b -> b.proxyPort("github_mock", 0));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @Test
    void shouldAnswerEveryGeneratedRequestBelow500AndQuickly() {
        Random random = new Random(SEED);
        List<String[]> routes = routes();
        List<String> connectors = json(f.get("/connectors")).path("connectors").findValuesAsText("id");
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Integer> perRoute = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int verdicts = 0;
        long slowest = 0;
        String slowestRequest = "";
        long started = System.nanoTime();
        for (int i = 0; i < REQUESTS; i++) {
            String[] route = routes.get(i % routes.size());
            boolean ownPort = route[1].equals("/") && route.length > 2;
            int port = ownPort ? f.aam.proxyPorts().get("github_mock") : f.aam.port();
            String request = request(random, port, route, connectors);
            long t0 = System.nanoTime();
            Answer answer = raw(port, request);
            long took = System.nanoTime() - t0;
            if (took > slowest) {
                slowest = took;
                slowestRequest = abbreviated(request);
            }
            statuses.merge(answer.status(), 1, Integer::sum);
            perRoute.merge(route[0] + " " + route[1], 1, Integer::sum);
            if (answer.status() >= 500 || answer.status() < 100) {
                if (meshVerdict(answer)) verdicts++;
                else
                    failures.add(answer.status() + " for " + abbreviated(request) + " → "
                            + abbreviated(answer.head() + answer.body()));
            }
        }
        Duration total = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf(
                "hostile AAM: %d requests over %d routes in %d ms, slowest %d ms (%s), statuses %s, mesh verdicts (parked/timed out) %d%n",
                REQUESTS, perRoute.size(), total.toMillis(), slowest / 1_000_000, slowestRequest, statuses, verdicts);

        assertThat(f.get("/health").statusCode()).as("the AAM still answers").isEqualTo(200);
        JsonNode faults = json(f.send(HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/faults"))));
        assertThat(faults.path("total").asLong()).as("nothing injected at calm").isZero();
        assertThat(f.get("/proxy/github_mock/repos/gauntlet/demo/issues?per_page=1")
                        .statusCode())
                .as("the proxy still works")
                .isEqualTo(200);
        assertThat(perRoute)
                .as("every route of the OpenAPI document, and a proxy port")
                .hasSize(routes.size());
        assertThat(failures).as("answers ≥ 500 (statuses %s)", statuses).isEmpty();
        assertThat(Duration.ofNanos(slowest))
                .as("slowest request: %s", slowestRequest)
                .isLessThan(Duration.ofSeconds(2));
        assertThat(verdicts).as("the mesh's own verdicts stay rare at calm").isLessThan(REQUESTS / 100);
        assertThat(statuses.entrySet().stream()
                        .filter(e -> e.getKey() < 300)
                        .mapToInt(Map.Entry::getValue)
                        .sum())
                .as("the junk reaches handlers, not only the front door")
                .isGreaterThan(REQUESTS / 20);
    }

    /** A 503 for a write the mesh parked (its DLQ id says so) or a 504 for an attempt that ran out of time. */
    private static boolean meshVerdict(Answer a) {
        return a.status() == 503 && a.head().toLowerCase().contains("x-gauntlet-dlq-id")
                || a.status() == 504 && a.body().contains("timeout");
    }

    /** [method, path template] for every operation of the AAM's OpenAPI document, plus a proxy port's root. */
    private List<String[]> routes() {
        List<String[]> out = new ArrayList<>();
        json(f.get("/openapi.json"))
                .path("paths")
                .properties()
                .forEach(p -> p.getValue()
                        .properties()
                        .forEach(op -> out.add(new String[] {op.getKey().toUpperCase(), p.getKey()})));
        assertThat(out).hasSizeGreaterThan(25);
        for (String m : List.of("GET", "POST", "PATCH")) out.add(new String[] {m, "/", "own-port"});
        return out;
    }

    private static final String[] VENDOR_PATHS = {
        "/v1/customers",
        "/v1/customers/cus_x",
        "/repos/gauntlet/demo/issues",
        "/repos/gauntlet/demo/issues/1",
        "/services/data/v59.0/query",
        "/services/data/v59.0/sobjects/Account",
        "/rest/v1/accounts",
        "/auth/v1/token",
        "/action/find",
        "/action/insertOne",
        "/api/v1/series",
        "/api/v2/series",
        "/api/v1/events",
        "/services/oauth2/token",
        "/oauth2/token"
    };

    private static String request(Random random, int port, String[] route, List<String> connectors) {
        String method = random.nextInt(20) == 0
                ? pick(random, new String[] {"PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO"})
                : route[0];
        String path = route[1];
        if (path.startsWith("/proxy")) {
            String connector =
                    random.nextInt(8) == 0 ? pick(random, SEGMENTS) : connectors.get(random.nextInt(connectors.size()));
            path = path.replace("{connector}", connector)
                    .replaceAll("\\{[^}]*}", vendorPath(random).substring(1));
        } else if (route.length > 2) {
            path = vendorPath(random);
        } else {
            path = path.replaceAll("\\{[^}]*}", pick(random, SEGMENTS).replace("$", "\\$"));
        }
        StringBuilder target = new StringBuilder(path);
        int params = random.nextInt(4);
        for (int p = 0; p < params; p++)
            target.append(p == 0 ? '?' : '&')
                    .append(pick(random, NAMES))
                    .append('=')
                    .append(pick(random, VALUES));
        StringBuilder head = new StringBuilder();
        head.append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(port)
                .append("\r\n");
        if (random.nextInt(3) == 0)
            head.append("X-Gauntlet-Op-Id: fuzz-").append(random.nextInt(50)).append("\r\n");
        if (random.nextInt(10) == 0)
            head.append("X-Gauntlet-Tenant: ")
                    .append(pick(random, new String[] {"a", "", "%uD800", "t".repeat(300)}))
                    .append("\r\n");
        if (random.nextInt(10) == 0)
            head.append("Idempotency-Key: fuzz-").append(random.nextInt(20)).append("\r\n");
        if (random.nextInt(15) == 0)
            head.append("Accept: ")
                    .append(pick(random, new String[] {"application/xml", "*/*", "", "text/html"}))
                    .append("\r\n");
        if (random.nextInt(25) == 0) head.append("Content-Encoding: gzip\r\n");
        String type = random.nextInt(3) > 0 ? "application/json" : pick(random, TYPES);
        if (type != null) head.append("Content-Type: ").append(type).append("\r\n");
        byte[] body =
                (method.equals("GET") || method.equals("HEAD")) && random.nextInt(4) > 0 ? new byte[0] : body(random);
        head.append("Connection: close\r\n");
        int framing = random.nextInt(40);
        if (framing == 0)
            return head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + new String(body, StandardCharsets.ISO_8859_1)
                    + "\r\n0\r\n\r\n";
        if (framing == 1)
            return head + "Content-Length: " + (body.length + 10) + "\r\n\r\n"
                    + new String(body, StandardCharsets.ISO_8859_1);
        return head + "Content-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
    }

    private static String vendorPath(Random random) {
        return random.nextInt(10) == 0 ? "/" + pick(random, SEGMENTS) : pick(random, VENDOR_PATHS);
    }

    private static byte[] body(Random random) {
        String text = switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[".repeat(1001) + "]".repeat(1001);
            case 3 -> "{\"a\":" + "{\"a\":".repeat(990) + "1" + "}".repeat(991);
            case 4 -> "name=x&metadata" + "[a]".repeat(random.nextInt(200)) + "=y";
            case 5 -> "\u0000\u0001\u00ff binary \r\n";
            case 6 -> "\"" + "s".repeat(5000) + "\"";
            default -> JUNK.value(random);
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    record Answer(int status, String head, String body) {}

    /** One request written to the socket as is; a connection closed without an answer is status 0. */
    private static Answer raw(int port, String request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            // The request is all there is: a body shorter than announced ends here, not at the idle timeout.
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                in.transferTo(all);
            } catch (SocketTimeoutException | SocketException cut) {
                // What arrived before the server closed (or stalled) is judged below.
            }
            String text = all.toString(StandardCharsets.UTF_8);
            if (text.length() < 12 || !text.startsWith("HTTP/1.")) return new Answer(0, text, "");
            int blank = text.indexOf("\r\n\r\n");
            return new Answer(
                    Integer.parseInt(text.substring(9, 12)),
                    blank < 0 ? text : text.substring(0, blank),
                    blank < 0 ? "" : text.substring(blank + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }

    private static String abbreviated(String s) {
        String one = s.replace("\r\n", " | ");
        return one.length() <= 300 ? one : one.substring(0, 300) + "… (" + one.length() + " chars)";
    }
}
