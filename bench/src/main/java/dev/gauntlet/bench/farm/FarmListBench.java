package dev.gauntlet.bench.farm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The farm's list and query cost against the size of its store (issue 10, item 4): the list, query and search shapes
 * the built-in workflows and the mesh's read-backs send, at 1k, 100k and 1M records of the resource they read.
 * <pre>
 *   java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.farm.FarmListBench [--sizes 1000,100000,1000000]
 *        [--warmup-s 3] [--measure-s 6] [--only salesforce,stripe,...]
 * </pre>
 * For each vendor and size: a farm in this process on 127.0.0.1 with only that vendor's built-in service, its main
 * resource seeded to the size and its rate limits lifted (so nothing is refused), then each query sent back to back
 * from one thread over one kept-alive connection: a warm-up, then a bounded measurement. An unreported first pass at
 * the smallest size lets the JIT compile the paths first, so the smallest size is not timed cold. It prints req/s, the mean
 * time per request, the CPU per request (this process's CPU time, the client's share included, over the requests),
 * and for each query the ratio of the largest size's figures to the smallest's. Every answer must be a 200.
 */
public final class FarmListBench {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One vendor: its built-in YAML, its main resource's count line, how to log in, and the queries to time. */
    private record Target(
            String vendor,
            String yaml,
            String countOf,
            Function<Session, Map<String, String>> headers,
            List<Query> queries) {}

    /** One timed request: GET path, or POST path with a JSON body. */
    private record Query(String name, String path, String body) {}

    /** A running farm and what the queries need of it. */
    private record Session(FarmServer server, HttpClient http) {
        String url(String path) {
            return server.url() + path;
        }
    }

    /** A query's figures at one size. */
    private record Figure(double reqPerS, double meanUs, double cpuUsPerReq, long requests) {}

    private static final String MONGO = "/api/mongodb/app/data-gauntlet/endpoint/data/v1/action/";
    private static final String SUPA_ROLE =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImdhdW50bGV0ZmFybXN1cGFiYXNlIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoyMDUxMjY1NjAwfQ.fpnY-ncCwFmlTbFN2BJ9V8k_lfQPp6OSsYa4EYdqYAg";

    private static final List<Target> TARGETS = List.of(
            new Target(
                    "salesforce",
                    "salesforce_mock",
                    "Account",
                    s -> Map.of(
                            "Authorization",
                            "Bearer "
                                    + token(
                                            s,
                                            "/api/salesforce/services/oauth2/token",
                                            "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret")),
                    List.of(
                            new Query(
                                    "SOQL ORDER BY Id LIMIT 20 OFFSET 500",
                                    "/api/salesforce/services/data/v59.0/query?q="
                                            + enc("SELECT Id, Name FROM Account ORDER BY Id LIMIT 20 OFFSET 500"),
                                    null),
                            new Query(
                                    "SOQL WHERE External_Id__c = (read-back)",
                                    "/api/salesforce/services/data/v59.0/query?q="
                                            + enc("SELECT Id FROM Account WHERE External_Id__c = 'op-not-there'"),
                                    null),
                            new Query(
                                    "SOQL no ORDER BY, batch at 500",
                                    "/api/salesforce/services/data/v59.0/query?q="
                                            + enc("SELECT Id, Name FROM Account LIMIT 20 OFFSET 500"),
                                    null))),
            new Target(
                    "stripe",
                    "stripe_mock",
                    "customer",
                    s -> Map.of("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"),
                    List.of(
                            new Query("GET /v1/customers?limit=10", "/api/stripe/v1/customers?limit=10", null),
                            new Query(
                                    "list, created[gte] + starting_after (read-back)",
                                    "/api/stripe/v1/customers?limit=100&created%5Bgte%5D=0&starting_after=$CURSOR",
                                    null))),
            new Target(
                    "supabase",
                    "supabase_mock",
                    "accounts",
                    s -> Map.of("apikey", SUPA_ROLE, "Authorization", "Bearer " + SUPA_ROLE),
                    List.of(
                            new Query(
                                    "order=id&limit=20&offset=250",
                                    "/api/supabase/rest/v1/accounts?select=*&order=id&limit=20&offset=250",
                                    null),
                            new Query(
                                    "no order, limit=20&offset=250",
                                    "/api/supabase/rest/v1/accounts?select=*&limit=20&offset=250",
                                    null))),
            new Target(
                    "github",
                    "github_mock",
                    "issues",
                    s -> Map.of(
                            "Authorization",
                            "Bearer "
                                    + token(
                                            s,
                                            "/api/github/login/oauth/access_token",
                                            "client_id=gauntlet&client_secret=gauntlet-secret&code=bench")),
                    List.of(
                            new Query(
                                    "issues?per_page=20&page=3",
                                    "/api/github/repos/gauntlet/demo/issues?per_page=20&page=3",
                                    null),
                            new Query(
                                    "state=all&sort=created&direction=desc (read-back)",
                                    "/api/github/repos/gauntlet/demo/issues?state=all&sort=created&direction=desc&per_page=100",
                                    null))),
            new Target(
                    "mongodb",
                    "mongodb_mock",
                    "accounts",
                    s -> Map.of("apiKey", "mdb-gauntlet-key"),
                    List.of(
                            new Query(
                                    "find skip=500 limit=20",
                                    MONGO + "find",
                                    "{\"dataSource\":\"Cluster0\",\"database\":\"gauntlet\",\"collection\":\"accounts\",\"limit\":20,\"skip\":500}"))));

    private FarmListBench() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        List<Integer> sizes = new ArrayList<>();
        for (String s : opt.getOrDefault("sizes", "1000,100000,1000000").split(","))
            sizes.add(Integer.parseInt(s.trim()));
        Duration warmup = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("warmup-s", "3")));
        Duration measure = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("measure-s", "6")));
        List<String> only = opt.containsKey("only") ? List.of(opt.get("only").split(",")) : null;

        Map<String, Map<Integer, Figure>> results = new LinkedHashMap<>();
        for (Target t : TARGETS) {
            if (only != null && !only.contains(t.vendor())) continue;
            // A first pass at the smallest size, not reported: the JIT compiles the paths before any size is timed.
            List<Integer> passes = new ArrayList<>(sizes);
            passes.addFirst(-sizes.getFirst());
            for (int pass : passes) {
                boolean reported = pass > 0;
                int size = Math.abs(pass);
                Path dir = Files.createTempDirectory("farm-list-bench");
                Files.writeString(dir.resolve(t.yaml() + ".yaml"), sized(t, size));
                long startedAt = System.nanoTime();
                try (FarmServer server = FarmServer.start(FarmConfig.builder()
                        .builtIns(false)
                        .servicesDir(dir)
                        .host("127.0.0.1")
                        .port(0)
                        .build())) {
                    System.out.printf(
                            "%s at %,d records%s: farm up in %.1f s%n",
                            t.vendor(),
                            size,
                            reported ? "" : " (JIT warm-up pass)",
                            (System.nanoTime() - startedAt) / 1e9);
                    // Seeding a million records leaves the collector busy for seconds: settle it before anything is
                    // timed.
                    System.gc();
                    Session s = new Session(
                            server,
                            HttpClient.newBuilder()
                                    .version(HttpClient.Version.HTTP_1_1)
                                    .build());
                    Map<String, String> headers = t.headers().apply(s);
                    for (Query q : t.queries()) {
                        Query bound = bind(q, s, headers);
                        run(s, bound, headers, warmup);
                        Figure f = run(s, bound, headers, measure);
                        if (reported)
                            results.computeIfAbsent(t.vendor() + ": " + q.name(), k -> new LinkedHashMap<>())
                                    .put(size, f);
                        System.out.printf(
                                "  %-55s %,10.0f req/s %,10.0f us/req %,10.0f us CPU/req (%d requests)%n",
                                q.name(), f.reqPerS(), f.meanUs(), f.cpuUsPerReq(), f.requests());
                    }
                } finally {
                    try (var files = Files.list(dir)) {
                        for (Path p : files.toList()) Files.delete(p);
                    }
                    Files.delete(dir);
                }
                System.gc();
            }
        }
        System.out.println();
        System.out.println("| query | "
                + String.join(
                        " | ",
                        sizes.stream()
                                .map(n -> String.format("%,d req/s (CPU us/req)", n))
                                .toList()) + " | " + String.format("%,d / %,d", sizes.getLast(), sizes.getFirst())
                + " time per req | CPU per req |");
        System.out.println("|---|" + "---:|".repeat(sizes.size() + 2));
        for (var e : results.entrySet()) {
            StringBuilder row = new StringBuilder("| " + e.getKey() + " |");
            for (int n : sizes) {
                Figure f = e.getValue().get(n);
                row.append(f == null ? " - |" : String.format(" %,.0f (%,.0f) |", f.reqPerS(), f.cpuUsPerReq()));
            }
            Figure small = e.getValue().get(sizes.getFirst());
            Figure large = e.getValue().get(sizes.getLast());
            if (small != null && large != null) {
                row.append(String.format(
                        " %.2fx | %.2fx |",
                        large.meanUs() / small.meanUs(), large.cpuUsPerReq() / small.cpuUsPerReq()));
            } else {
                row.append(" - | - |");
            }
            System.out.println(row);
        }
    }

    /** The built-in YAML with the main resource seeded to {@code size} and no limit that could refuse a request. */
    static String sized(Target t, int size) throws IOException {
        String yaml;
        try (InputStream in = FarmServer.class.getResourceAsStream("/services/" + t.yaml() + ".yaml")) {
            if (in == null) throw new IllegalStateException("no built-in service " + t.yaml());
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        yaml = yaml.replaceAll(
                "(?m)^rate_limit:.*$", "rate_limit: { max_rps: 10000000, burst: 10000000, per: client }");
        // GitHub's secondary limits: the block up to the next top-level key goes.
        yaml = yaml.replaceAll("(?ms)^secondary_limits:\\n(?:[ #].*?\\n)*(?=\\S)", "");
        int at = yaml.indexOf("- name: " + t.countOf());
        int count = yaml.indexOf("count:", at);
        if (at < 0 || count < 0) throw new IllegalStateException("no count for " + t.countOf() + " in " + t.yaml());
        int end = yaml.indexOf('\n', count);
        return yaml.substring(0, count) + "count: " + size + yaml.substring(end);
    }

    /** A query with $CURSOR bound to an id from the middle of the first page of 100 (Stripe's read-back pages on). */
    private static Query bind(Query q, Session s, Map<String, String> headers) throws Exception {
        if (!q.path().contains("$CURSOR")) return q;
        JsonNode list = JSON.readTree(send(s, new Query("cursor", "/api/stripe/v1/customers?limit=100", null), headers)
                .body());
        String id = list.path("data").get(50).path("id").asText();
        return new Query(q.name(), q.path().replace("$CURSOR", id), null);
    }

    private static Figure run(Session s, Query q, Map<String, String> headers, Duration budget) throws Exception {
        var cpu = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuBefore = cpu.getProcessCpuTime();
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        long n = 0;
        // At least 3 requests, however slow each is, so a size where the store is walked still gets a figure.
        while (n < 3 || System.nanoTime() < deadline) {
            HttpResponse<String> r = send(s, q, headers);
            if (r.statusCode() != 200)
                throw new IllegalStateException(q.name() + ": HTTP " + r.statusCode() + " " + r.body());
            n++;
        }
        double elapsed = System.nanoTime() - start;
        double cpuNs = cpu.getProcessCpuTime() - cpuBefore;
        return new Figure(n / (elapsed / 1e9), elapsed / n / 1e3, cpuNs / n / 1e3, n);
    }

    private static HttpResponse<String> send(Session s, Query q, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(s.url(q.path()))).timeout(Duration.ofMinutes(2));
        headers.forEach(b::header);
        if (q.body() == null) b.GET();
        else b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(q.body()));
        return s.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String token(Session s, String path, String form) {
        try {
            HttpResponse<String> r = s.http()
                    .send(
                            HttpRequest.newBuilder(URI.create(s.url(path)))
                                    // GitHub answers a form unless JSON is asked for; the others answer JSON anyway.
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .header("Accept", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString(form))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException(path + ": HTTP " + r.statusCode() + " " + r.body());
            return JSON.readTree(r.body()).path("access_token").asText();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
