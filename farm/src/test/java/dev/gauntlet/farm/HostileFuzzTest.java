package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.runtime.ServiceRuntime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Generated hostile requests at every route of the farm's OpenAPI document (admin routes and every service route), at
 * calm: seeded, so a failure replays. Paths, queries, headers and bodies are drawn from junk a fuzzer or a careless
 * client sends (malformed escapes, unknown charsets, broken chunking, deep and broken JSON, bracket forms, regex bombs,
 * wrong credentials). Nothing is injected at calm, so any answer ≥ 500 is the farm's own failure; none may take over
 * 2 s on a quiet farm; the farm answers normally afterwards.
 */
class HostileFuzzTest {

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
        "'%20OR%201=1--",
        "%7B%7D",
        "99999999999999999999",
        "null",
        "NaN",
        "cus_nope",
        "ghost",
        "External_Id__c",
        "caf%C3%A9",
        "%",
        "a+b"
    };
    private static final String[] NAMES = {
        "limit",
        "offset",
        "page",
        "per_page",
        "select",
        "order",
        "q",
        "filter",
        "starting_after",
        "ending_before",
        "state",
        "from",
        "to",
        "query",
        "id",
        "name",
        "fields",
        "expand[]",
        "metadata[a]",
        "on_conflict",
        "columns",
        "service",
        "type",
        "client",
        "after",
        "duplicates",
        "grant_type",
        "sort",
        "direction",
        "since",
        "labels",
        "kind",
        "value",
        "%zz",
        "%uD800",
        "a[b",
        ""
    };
    private static final String[] VALUES = {
        "1",
        "-5",
        "abc",
        "",
        "%uD800",
        "%zz",
        "%",
        "eq.x",
        "like.*_*_*_*_*_*_*_*Q",
        "ilike.%25a%25",
        "in.(a,b",
        "imatch.((a%7B1000%7D)%7B1000%7D)",
        "match.%5B",
        "is.maybe",
        "not.eq.1",
        "gt.abc",
        "eq.",
        "99999999999999999999999",
        "1e99999",
        "true",
        "SELECT+Id+FROM+Account+WHERE+Name+LIKE+'%25'",
        "x".repeat(2000),
        "avg:system.cpu%7B*%7D",
        "name.asc,ghost.desc",
        "*,nope(",
        "%F0%9F%98%80",
        "null",
        "%00%01",
        "a,b,,c",
        "desc",
        "storms"
    };
    private static final String[] TYPES = {
        "application/json",
        "application/json; charset=utf-8",
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/json; charset=ebcdic",
        "application/json; charset=\"\"",
        "application/x-www-form-urlencoded; charset=@@",
        "application/octet-stream",
        "*/*",
        null
    };
    private static final String[] KEYS = {
        "level",
        "services",
        "duration_s",
        "seed",
        "service",
        "type",
        "rule",
        "count",
        "status",
        "document",
        "documents",
        "filter",
        "update",
        "collection",
        "database",
        "dataSource",
        "title",
        "body",
        "labels",
        "series",
        "points",
        "metric",
        "amount",
        "currency",
        "metadata",
        "name",
        "email",
        "external_id",
        "grant_type",
        "client_id",
        "client_secret",
        "refresh_token",
        "upsert",
        "projection",
        "sort",
        "limit",
        "skip",
        "pipeline",
        "$regex",
        "$where",
        "$gt",
        "_id",
        "$oid",
        "$set",
        "tags",
        "text",
        "Name",
        "Id",
        "attributes",
        "records",
        "allOrNone",
        "q"
    };
    private static final String[] STRINGS = {
        "",
        "x",
        "storms",
        "nope_service",
        "boom",
        "%uD800",
        "\u0000",
        "\uD800",
        "😀",
        "((a{1000}){1000}){1000}",
        "^(x+x+)+y$",
        "*_*_*_*Q",
        "1e999",
        "SELECT Id FROM",
        "cus_x",
        "a".repeat(600)
    };
    private static final JunkJson JUNK = new JunkJson(KEYS, STRINGS, 5);

    @Test
    void shouldAnswerEveryGeneratedRequestBelow500AndQuickly() {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        Random random = new Random(SEED);
        Map<Integer, Integer> statuses = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        Map<String, Integer> perRoute = new TreeMap<>();
        long slowest = 0;
        String slowestRequest = "";
        long started = System.nanoTime();
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().clock(clock))) {
            List<String[]> routes = routes(farm);
            Map<String, Map<String, String>> credentials = new HashMap<>();
            for (int i = 0; i < REQUESTS; i++) {
                // 100 ms of fake time per request keeps every bucket and hourly limit from hiding a handler.
                clock.advance(Duration.ofMillis(100));
                if (i % 500 == 0) credentials.clear();
                String[] route = routes.get(i % routes.size());
                String request = request(random, farm, route, credentials);
                long t0 = System.nanoTime();
                TestFarm.RawAnswer answer = farm.raw(request);
                long took = System.nanoTime() - t0;
                if (took > slowest) {
                    slowest = took;
                    slowestRequest = abbreviated(request);
                }
                statuses.merge(answer.status(), 1, Integer::sum);
                perRoute.merge(route[0] + " " + route[1], 1, Integer::sum);
                if (answer.status() >= 500 || answer.status() < 100) {
                    failures.add(answer.status() + " for " + abbreviated(request) + " → " + abbreviated(answer.body()));
                }
            }
            JsonNode status = TestFarm.json(farm.get("/admin/status"));
            assertThat(status.at("/chaos/level").asText())
                    .as("the fuzz never turns the dial")
                    .isEqualTo("calm");
            assertThat(TestFarm.json(farm.get("/admin/faults")).path("total").asLong())
                    .as("nothing injected at calm")
                    .isZero();
            assertThat(farm.get(
                                    "/api/stripe/v1/customers?limit=1",
                                    "Authorization",
                                    "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                            .statusCode())
                    .as("the farm still answers")
                    .isEqualTo(200);
            assertThat(perRoute).as("every route of the OpenAPI document").hasSize(routes.size());
        }
        Duration total = Duration.ofNanos(System.nanoTime() - started);
        System.out.printf(
                "hostile fuzz: %d requests over %d routes in %d ms, slowest %d ms (%s), statuses %s%n",
                REQUESTS, perRoute.size(), total.toMillis(), slowest / 1_000_000, slowestRequest, statuses);
        assertThat(failures).as("answers ≥ 500 (statuses %s)", statuses).isEmpty();
        assertThat(Duration.ofNanos(slowest))
                .as("slowest request: %s", slowestRequest)
                .isLessThan(Duration.ofSeconds(2));
        // Most requests get past the front door: the junk reaches handlers, not only the parser's refusals.
        assertThat(statuses.entrySet().stream()
                        .filter(e -> e.getKey() < 300)
                        .mapToInt(Map.Entry::getValue)
                        .sum())
                .isGreaterThan(REQUESTS / 20);
    }

    /** [method, path template] for every operation of GET /openapi.json. */
    private static List<String[]> routes(TestFarm farm) {
        JsonNode doc = TestFarm.json(farm.get("/openapi.json"));
        List<String[]> out = new ArrayList<>();
        doc.path("paths")
                .properties()
                .forEach(p -> p.getValue()
                        .properties()
                        .forEach(op -> out.add(new String[] {op.getKey().toUpperCase(), p.getKey()})));
        assertThat(out).hasSizeGreaterThan(40);
        return out;
    }

    private static String request(
            Random random, TestFarm farm, String[] route, Map<String, Map<String, String>> credentials) {
        String method = random.nextInt(20) == 0
                ? pick(random, new String[] {"PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "FOO"})
                : route[0];
        String path = route[1].replaceAll(
                "\\{[^}]*}",
                random.nextInt(3) == 0 ? "1" : pick(random, SEGMENTS).replace("$", "\\$"));
        StringBuilder target = new StringBuilder(path);
        int params = random.nextInt(5);
        for (int p = 0; p < params; p++) {
            target.append(p == 0 ? '?' : '&')
                    .append(pick(random, NAMES))
                    .append('=')
                    .append(pick(random, VALUES));
        }
        StringBuilder head = new StringBuilder();
        head.append(method)
                .append(' ')
                .append(target)
                .append(" HTTP/1.1\r\nHost: 127.0.0.1:")
                .append(farm.port())
                .append("\r\n");
        String service = serviceOf(farm, path);
        int who = random.nextInt(20);
        if (service != null && who > 1) {
            credentials
                    .computeIfAbsent(service, farm::credentials)
                    .forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        } else if (who == 1) {
            head.append("Authorization: Bearer nope\r\napiKey: nope\r\nDD-API-KEY: nope\r\napikey: nope\r\n");
        }
        if (random.nextInt(10) == 0)
            head.append("Idempotency-Key: fuzz-").append(random.nextInt(20)).append("\r\n");
        if (random.nextInt(25) == 0) head.append("Content-Encoding: gzip\r\n");
        if (random.nextInt(25) == 0)
            head.append("Range: items=").append(pick(random, VALUES)).append("\r\n");
        String type = path.startsWith("/admin") && random.nextInt(4) > 0 ? "application/json" : pick(random, TYPES);
        if (type != null) head.append("Content-Type: ").append(type).append("\r\n");
        byte[] body = method.equals("GET") && random.nextInt(4) > 0 ? new byte[0] : body(random, type);
        head.append("Connection: close\r\n");
        int framing = random.nextInt(40);
        if (framing == 0) {
            // A chunk size that is not hex.
            return head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + new String(body, StandardCharsets.ISO_8859_1)
                    + "\r\n0\r\n\r\n";
        }
        if (framing == 1) {
            // Fewer bytes than announced: the body ends early.
            return head + "Content-Length: " + (body.length + 10) + "\r\n\r\n"
                    + new String(body, StandardCharsets.ISO_8859_1);
        }
        return head + "Content-Length: " + body.length + "\r\n\r\n" + new String(body, StandardCharsets.ISO_8859_1);
    }

    private static byte[] body(Random random, String type) {
        String text = switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> "{";
            case 2 -> "[".repeat(1001) + "]".repeat(1001);
            case 3 -> "{\"a\":" + "{\"a\":".repeat(990) + "1" + "}".repeat(991);
            case 4 -> "metadata" + "[a]".repeat(random.nextInt(300)) + "=x&name=" + pick(random, VALUES);
            case 5 -> form(random);
            case 6 -> "\u0000\u0001\u00ff binary \r\n";
            case 7 -> "\"" + "s".repeat(5000) + "\"";
            default -> JUNK.value(random);
        };
        return text.getBytes(
                type != null && type.contains("json") ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    private static String form(Random random) {
        StringBuilder sb = new StringBuilder();
        int pairs = 1 + random.nextInt(60);
        for (int i = 0; i < pairs; i++) {
            if (i > 0) sb.append('&');
            String key = pick(random, KEYS);
            switch (random.nextInt(4)) {
                case 0 -> sb.append(key).append("[k").append(i).append(']');
                case 1 ->
                    sb.append(key).append('[').append(random.nextInt(2000)).append("][x]");
                default -> sb.append(key);
            }
            sb.append('=').append(pick(random, VALUES));
        }
        return sb.toString();
    }

    private static String serviceOf(TestFarm farm, String path) {
        ServiceRuntime svc = farm.farm().forPath(path);
        return svc == null ? null : svc.id();
    }

    private static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }

    private static String abbreviated(String s) {
        String one = s.replace("\r\n", " | ");
        return one.length() <= 300 ? one : one.substring(0, 300) + "… (" + one.length() + " chars)";
    }
}
