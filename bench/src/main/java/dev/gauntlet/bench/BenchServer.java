package dev.gauntlet.bench;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import io.javalin.Javalin;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The servers the farm benchmarks compare, one per process so they never share a JIT, a heap or a GC:
 * <pre>
 *   farm           --port P [--services DIR] [--chaos FILE]   the real farm, bench service only, calm
 *   farm-delay     --port P [--services DIR] [--chaos FILE] [--level delay50]   the farm with a fixed-latency level set
 *   wiremock       --port P [--services DIR]                  WireMock 3.13, default settings, equivalent static stub
 *   wiremock-delay --port P [--services DIR] [--delay-ms 50]  the same stub with withFixedDelay
 *   bare           --port P [--services DIR]                  a bare Javalin 7 route on virtual threads, constant body
 *   bare-delay     --port P [--services DIR] [--delay-ms 50]  the same route sleeping first (the stack's ceiling)
 *   burst          --url U --n 1000 [--header K:V] [--rounds 2] [--limit-ms 2200] [--client raw|jdk]   see {@link Burst}
 * </pre>
 * Every server prints {@code READY <url>} once it answers and runs until killed. The stub bodies of wiremock and bare
 * are the farm's own record bytes: they are read from an in-process farm on a free port before the server starts.
 */
public final class BenchServer {

    /** The one record every throughput test fetches, and the key that unlocks it (see bench/services/bench_rest.yaml). */
    public static final String PATH = "/api/bench/items/item_1";

    public static final String API_KEY = "bench_key_7f3a9c1e5b2d4680";
    public static final String SERVICE = "bench_rest";

    private BenchServer() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 0) usage("a mode is required");
        String mode = args[0];
        Map<String, String> opt = parseOptions(args);
        switch (mode) {
            case "farm" -> farm(opt, null);
            case "farm-delay" -> farm(opt, opt.getOrDefault("level", "delay50"));
            case "wiremock" -> wiremock(opt, 0);
            case "wiremock-delay" -> wiremock(opt, Integer.parseInt(opt.getOrDefault("delay-ms", "50")));
            case "bare" -> bare(opt, 0);
            case "bare-delay" -> bare(opt, Integer.parseInt(opt.getOrDefault("delay-ms", "50")));
            case "burst" -> System.exit(Burst.run(opt));
            default -> usage("unknown mode '" + mode + "'");
        }
    }

    private static void farm(Map<String, String> opt, String level) throws Exception {
        Path services = servicesDir(opt);
        Path chaos = opt.containsKey("chaos")
                ? Path.of(opt.get("chaos"))
                : (level == null ? null : resourceFile("bench/chaos/bench-levels.yaml"));
        FarmConfig config = FarmConfig.builder()
                .host("127.0.0.1")
                .port(port(opt))
                .builtIns(false)
                .servicesDir(services)
                .chaosFile(chaos)
                .watchInterval(Duration.ofSeconds(60))
                .build();
        FarmServer server = FarmServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        if (server.farm().service(SERVICE) == null) {
            throw new IllegalStateException("service " + SERVICE + " did not load from " + services + ": "
                    + server.farm().loadErrors());
        }
        if (level != null) {
            HttpResponse<String> r = client().send(
                            HttpRequest.newBuilder(URI.create(server.url() + "/admin/chaos"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"level\":\"" + level + "\"}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200)
                throw new IllegalStateException(
                        "POST /admin/chaos level " + level + " answered " + r.statusCode() + ": " + r.body());
        }
        ready(server.url(), level == null ? "farm calm" : "farm at chaos level " + level);
    }

    private static void wiremock(Map<String, String> opt, int delayMs) throws Exception {
        byte[] body = farmRecord(servicesDir(opt));
        // Default settings: only where to listen is chosen.
        WireMockServer wm = new WireMockServer(options().port(port(opt)).bindAddress("127.0.0.1"));
        wm.start();
        Runtime.getRuntime().addShutdownHook(new Thread(wm::stop));
        ResponseDefinitionBuilder answer = aResponse()
                .withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(body);
        if (delayMs > 0) answer = answer.withFixedDelay(delayMs);
        wm.stubFor(
                get(urlEqualTo(PATH)).withHeader("X-API-Key", equalTo(API_KEY)).willReturn(answer));
        ready(
                "http://127.0.0.1:" + wm.port(),
                "wiremock " + body.length + "-byte stub" + (delayMs > 0 ? ", fixed delay " + delayMs + " ms" : ""));
    }

    private static void bare(Map<String, String> opt, int delayMs) throws Exception {
        byte[] body = farmRecord(servicesDir(opt));
        Javalin app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = port(opt);
            cfg.routes.get(PATH, ctx -> {
                if (delayMs > 0) Thread.sleep(delayMs); // parks the virtual thread, as the farm's injected latency does
                ctx.contentType("application/json").result(body);
            });
        });
        app.start();
        Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
        ready(
                "http://127.0.0.1:" + app.port(),
                "bare Javalin route, " + body.length + "-byte constant body"
                        + (delayMs > 0 ? ", sleeps " + delayMs + " ms" : ""));
    }

    /** The exact bytes the farm answers for {@link #PATH}, from a farm started here on a free port and stopped again. */
    static byte[] farmRecord(Path services) throws Exception {
        FarmConfig config = FarmConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .builtIns(false)
                .servicesDir(services)
                .build();
        try (FarmServer farm = FarmServer.start(config)) {
            HttpResponse<byte[]> r = client().send(
                            HttpRequest.newBuilder(URI.create(farm.url() + PATH))
                                    .header("X-API-Key", API_KEY)
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("the farm answered " + r.statusCode() + " for " + PATH + ": "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
            return r.body();
        }
    }

    private static HttpClient client() {
        return HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private static void ready(String url, String what) throws InterruptedException {
        System.out.println("READY " + url + " " + what);
        System.out.flush();
        Thread.currentThread().join();
    }

    private static Path servicesDir(Map<String, String> opt) throws IOException {
        if (opt.containsKey("services")) return Path.of(opt.get("services"));
        Path dir = Files.createTempDirectory("gauntlet-bench-services");
        Files.copy(resource("bench/services/bench_rest.yaml"), dir.resolve("bench_rest.yaml"));
        dir.toFile().deleteOnExit();
        dir.resolve("bench_rest.yaml").toFile().deleteOnExit();
        return dir;
    }

    private static Path resourceFile(String name) throws IOException {
        Path f = Files.createTempFile("gauntlet-bench", ".yaml");
        f.toFile().deleteOnExit();
        try (InputStream in = resource(name)) {
            Files.write(f, in.readAllBytes());
        }
        return f;
    }

    private static InputStream resource(String name) {
        InputStream in = BenchServer.class.getClassLoader().getResourceAsStream(name);
        if (in == null)
            throw new UncheckedIOException(new IOException("resource " + name + " is missing from the bench jar"));
        return in;
    }

    private static int port(Map<String, String> opt) {
        if (!opt.containsKey("port")) usage("--port is required");
        return Integer.parseInt(opt.get("port"));
    }

    /** --name value pairs after the mode; a repeated --header keeps every value, joined by newlines. */
    static Map<String, String> parseOptions(String[] args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length)
                usage("expected --name value, got '" + args[i] + "'");
            String name = args[i].substring(2);
            String value = args[++i];
            out.merge(name, value, (a, b) -> a + "\n" + b);
        }
        return out;
    }

    static void usage(String why) {
        System.err.println("gauntlet-bench: " + why + """

                usage: java -jar gauntlet-bench.jar MODE [--name value ...]
                  farm           --port P [--services DIR] [--chaos FILE]
                  farm-delay     --port P [--services DIR] [--chaos FILE] [--level delay50|delay2s]
                  wiremock       --port P [--services DIR]
                  wiremock-delay --port P [--services DIR] [--delay-ms 50]
                  bare           --port P [--services DIR]
                  bare-delay     --port P [--services DIR] [--delay-ms 50]
                  burst          --url URL --n 1000 [--header 'X-API-Key: k'] [--rounds 2] [--limit-ms 2200] [--timeout-s 30] [--client raw|jdk]""");
        System.exit(2);
    }
}
