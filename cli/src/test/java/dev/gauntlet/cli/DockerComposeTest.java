package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.http.AccessToken;
import dev.gauntlet.mesh.limit.RedisUrl;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.server.AamConfig;
import dev.gauntlet.server.AamServer;
import dev.gauntlet.server.UiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import picocli.CommandLine;

/**
 * docker-compose.yml and the Dockerfile, checked without a Docker engine (this machine has none): every gauntlet
 * service's command line goes through the real CLI parser and the config it would start with; ports, volumes,
 * secrets and the names the containers call each other by are consistent; the image's entry point is the jar the cli
 * module builds and its health checks ask what the servers answer (real servers, started from the compose command
 * lines moved onto loopback and free ports). Not exercised: building the image, Docker's networking, the containers'
 * Host headers (docs/scaling-out.md, "Docker Compose").
 */
class DockerComposeTest {

    private static final Path ROOT = Path.of("..");
    private static final String TOKEN = "compose-test-token-0123456789";
    private static final String PASSWORD = "composetestpassword";
    private static final Map<String, String> ENV = Map.of("GAUNTLET_TOKEN", TOKEN, "POSTGRES_PASSWORD", PASSWORD);

    @TempDir
    Path dir;

    /** One gauntlet service: its compose node and its command line as the CLI parsed it. */
    private record Service(
            String name, JsonNode node, List<String> args, Object command, CommandLine.Model.CommandSpec spec) {
        String sub() {
            return spec.name();
        }

        String option(String name) {
            int i = args.indexOf(name);
            assertThat(i).as("%s: %s is given", this.name, name).isNotNegative();
            return args.get(i + 1);
        }

        String env(String key) {
            JsonNode v = node.path("environment").get(key);
            assertThat(v).as("%s: environment %s is set", name, key).isNotNull();
            return v.asText();
        }
    }

    private static JsonNode compose() throws IOException {
        return new ObjectMapper(new YAMLFactory())
                .readTree(ROOT.resolve("docker-compose.yml").toFile());
    }

    /** The services built from this repository's Dockerfile, their command lines interpolated and parsed. */
    private static Map<String, Service> gauntletServices(JsonNode compose) {
        Map<String, Service> out = new LinkedHashMap<>();
        compose.path("services").properties().forEach(e -> {
            if (!e.getValue().has("build")) return;
            List<String> args = new ArrayList<>();
            e.getValue().path("command").forEach(a -> args.add(interpolate(a.asText(), ENV)));
            CommandLine.ParseResult parsed = GauntletCli.commandLine().parseArgs(args.toArray(String[]::new));
            assertThat(parsed.hasSubcommand())
                    .as("%s names a command", e.getKey())
                    .isTrue();
            CommandLine.Model.CommandSpec spec = parsed.subcommand().commandSpec();
            out.put(e.getKey(), new Service(e.getKey(), e.getValue(), args, spec.userObject(), spec));
        });
        return out;
    }

    /** Compose's interpolation: {@code $$}, {@code ${V}}, {@code ${V:-default}}, {@code ${V-default}}, {@code ${V:?error}}, {@code ${V?error}}. */
    static String interpolate(String text, Map<String, String> env) {
        Matcher m = Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}")
                .matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("$$")) {
                replacement = "$";
            } else {
                String value = env.get(m.group(1));
                String op = m.group(2);
                boolean missing = value == null || (op != null && op.startsWith(":") && value.isEmpty());
                if (op == null) replacement = value == null ? "" : value;
                else if (op.endsWith("-")) replacement = missing ? m.group(3) : value;
                else if (missing)
                    throw new IllegalArgumentException(
                            "required variable " + m.group(1) + " is missing: " + m.group(3));
                else replacement = value;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static AamConfig aamConfig(Service s) {
        AamCommand a = (AamCommand) s.command();
        a.token.token = interpolate(s.env("GAUNTLET_TOKEN"), ENV);
        return a.options.toConfig(a.spec, a.host, a.port, a.farmUrl, a.token.get(a.spec));
    }

    private static FarmConfig farmConfig(Service s) {
        FarmCommand f = (FarmCommand) s.command();
        f.token.token = interpolate(s.env("GAUNTLET_TOKEN"), ENV);
        return f.farm.options
                .toConfig(f.spec, f.host, f.port, f.data)
                .token(f.token.get(f.spec).orElse(null))
                .build();
    }

    private static UiServer.Config uiConfig(Service s) {
        UiCommand u = (UiCommand) s.command();
        u.token.token = interpolate(s.env("GAUNTLET_TOKEN"), ENV);
        return new UiServer.Config(u.host, u.port, u.aamUrl, u.farmUrl, u.token.get(u.spec));
    }

    private static List<Service> of(Map<String, Service> services, String command) {
        return services.values().stream().filter(s -> s.sub().equals(command)).toList();
    }

    @Test
    void everyGauntletServiceStartsWithOptionsTheRealCliAccepts() throws IOException {
        Map<String, Service> services = gauntletServices(compose());
        assertThat(services).containsOnlyKeys("farm", "aam1", "aam2", "ui");
        assertThat(of(services, "aam")).hasSize(2);
        for (Service s : services.values()) {
            // The whole config each command would start with: URLs parsed, ports in range, the token present.
            switch (s.sub()) {
                case "aam" -> {
                    AamConfig c = aamConfig(s);
                    assertThat(c.host()).isEqualTo("0.0.0.0");
                    assertThat(c.store().kind()).as(s.name()).isEqualTo("postgresql");
                    assertThat(c.limits().kind()).as(s.name()).isEqualTo("redis");
                    assertThat(c.token()).isPresent();
                }
                case "farm" -> assertThat(farmConfig(s).host()).isEqualTo("0.0.0.0");
                case "ui" -> assertThat(uiConfig(s).host()).isEqualTo("0.0.0.0");
                default -> throw new AssertionError(s.name() + " runs `" + s.sub() + "`, not a server of the stack");
            }
        }
    }

    @Test
    void aMistypedFlagWouldBeCaught() {
        // The parse above is a real check: the same command line with one letter off fails, as `docker compose up`
        // would.
        assertThatThrownBy(() -> GauntletCli.commandLine().parseArgs("aam", "--limit", "redis://redis:6379/0"))
                .isInstanceOf(CommandLine.UnmatchedArgumentException.class)
                .hasMessageContaining("--limit");
    }

    @Test
    void theStackRefusesToStartWithoutItsSecrets() throws IOException {
        JsonNode compose = compose();
        Map<String, Service> services = gauntletServices(compose);
        for (Service s : services.values()) {
            assertThat(s.env("GAUNTLET_TOKEN")).as(s.name()).startsWith("${GAUNTLET_TOKEN:?");
            assertThatThrownBy(() -> interpolate(s.env("GAUNTLET_TOKEN"), Map.of()))
                    .hasMessageContaining("GAUNTLET_TOKEN");
        }
        assertThat(compose.at("/services/postgres/environment/POSTGRES_PASSWORD")
                        .asText())
                .startsWith("${POSTGRES_PASSWORD:?");
        // Without the token the servers themselves refuse: they bind beyond loopback (docs/security.md).
        Service aam = services.get("aam1");
        AamCommand a = (AamCommand) aam.command();
        assertThatThrownBy(() -> a.options.toConfig(a.spec, a.host, a.port, a.farmUrl, Optional.empty()))
                .hasMessageContaining("without a token");
    }

    @Test
    void theNodesShareOneStoreAndOneLimitsPrefixEachWithItsOwnDataVolume() throws IOException {
        JsonNode compose = compose();
        List<Service> nodes = of(gauntletServices(compose), "aam");
        Set<String> stores = new HashSet<>();
        Set<String> limits = new HashSet<>();
        Set<String> volumes = new HashSet<>();
        for (Service n : nodes) {
            stores.add(n.option("--store"));
            limits.add(n.option("--limits"));
            List<String> mounts = new ArrayList<>();
            n.node().path("volumes").forEach(v -> mounts.add(v.asText()));
            assertThat(mounts).as("%s mounts one volume", n.name()).hasSize(1);
            String[] mount = mounts.getFirst().split(":");
            assertThat(mount[1]).as("%s mounts it at its --data", n.name()).isEqualTo(n.option("--data"));
            assertThat(compose.path("volumes").has(mount[0]))
                    .as("volume %s is a named volume", mount[0])
                    .isTrue();
            assertThat(volumes.add(mount[0]))
                    .as("%s's data volume is its own", n.name())
                    .isTrue();
        }
        assertThat(stores).as("one --store for all nodes").hasSize(1);
        assertThat(limits).as("one --limits for all nodes").hasSize(1);

        PostgresUrl pg = PostgresUrl.parse(stores.iterator().next());
        JsonNode postgres = compose.at("/services/" + pg.host());
        assertThat(postgres.path("image").asText()).startsWith("postgres:16");
        assertThat(pg.database())
                .isEqualTo(postgres.at("/environment/POSTGRES_DB").asText());
        assertThat(pg.params().get("user"))
                .isEqualTo(postgres.at("/environment/POSTGRES_USER").asText());
        assertThat(pg.params().get("password"))
                .isEqualTo(interpolate(
                        postgres.at("/environment/POSTGRES_PASSWORD").asText(), ENV));
        RedisUrl redis = RedisUrl.parse(limits.iterator().next());
        assertThat(compose.at("/services/" + redis.host() + "/image").asText()).startsWith("redis:7");
        assertThat(redis.prefix()).isNotBlank();
        for (Service n : nodes) {
            for (String dependency : List.of(
                    pg.host(), redis.host(), URI.create(n.option("--farm-url")).getHost())) {
                assertThat(n.node()
                                .at("/depends_on/" + dependency + "/condition")
                                .asText())
                        .as("%s waits for %s to be healthy", n.name(), dependency)
                        .isEqualTo("service_healthy");
            }
        }
    }

    @Test
    void portsArePublishedOnLoopbackOnlyAndLeadToTheServersPorts() throws IOException {
        JsonNode compose = compose();
        Map<String, Service> services = gauntletServices(compose);
        Set<String> hostPorts = new HashSet<>();
        compose.path("services")
                .properties()
                .forEach(e -> e.getValue().path("ports").forEach(p -> {
                    String[] parts = p.asText().split(":");
                    assertThat(parts)
                            .as("%s publishes %s as ADDRESS:HOST:CONTAINER", e.getKey(), p.asText())
                            .hasSize(3);
                    assertThat(parts[0])
                            .as("%s publishes on loopback only", e.getKey())
                            .isEqualTo("127.0.0.1");
                    assertThat(hostPorts.add(parts[1]))
                            .as("host port %s published once", parts[1])
                            .isTrue();
                    Service s = services.get(e.getKey());
                    assertThat(s)
                            .as("%s: only gauntlet servers are published", e.getKey())
                            .isNotNull();
                    assertThat(parts[2])
                            .as("%s's container port is its --port", s.name())
                            .isEqualTo(s.option("--port"));
                }));
        assertThat(compose.at("/services/postgres/ports").isMissingNode()).isTrue();
        assertThat(compose.at("/services/redis/ports").isMissingNode()).isTrue();
    }

    @Test
    void containersCallEachOtherByNamesTheServersAccept() throws IOException {
        JsonNode compose = compose();
        Map<String, Service> services = gauntletServices(compose);
        for (Service s : services.values()) {
            // The Host guard of a server bound to 0.0.0.0 accepts the machine's own host name: a container's is
            // its hostname, so it must be the name the others use in their URLs.
            assertThat(s.node().path("hostname").asText()).as(s.name()).isEqualTo(s.name());
            assertThat(s.option("--host")).as(s.name()).isEqualTo("0.0.0.0");
        }
        Map<String, String> targets = new LinkedHashMap<>();
        for (Service n : of(services, "aam")) targets.put(n.name() + " --farm-url", n.option("--farm-url"));
        for (Service u : of(services, "ui")) {
            targets.put(u.name() + " --farm-url", u.option("--farm-url"));
            targets.put(u.name() + " --aam-url", u.option("--aam-url"));
            for (String url : List.of(u.option("--farm-url"), u.option("--aam-url"))) {
                assertThat(u.node()
                                .at("/depends_on/" + URI.create(url).getHost() + "/condition")
                                .asText())
                        .isEqualTo("service_healthy");
            }
        }
        targets.forEach((what, url) -> {
            URI u = URI.create(url);
            Service target = services.get(u.getHost());
            assertThat(target).as("%s names a gauntlet service", what).isNotNull();
            assertThat(String.valueOf(u.getPort())).as(what).isEqualTo(target.option("--port"));
            String wanted = what.endsWith("--farm-url") ? "farm" : "aam";
            assertThat(target.sub()).as(what).isEqualTo(wanted);
        });
    }

    @Test
    void theImageRunsTheJarTheCliModuleBuilds() throws Exception {
        List<String> lines = dockerfile();
        String entrypoint = instruction(lines, "ENTRYPOINT");
        Matcher jar = Pattern.compile("(/[\\w./-]+\\.jar)").matcher(entrypoint);
        assertThat(jar.find()).as("ENTRYPOINT names a jar: %s", entrypoint).isTrue();
        String finalName = shadeFinalName();
        String copy = lines.stream()
                .filter(l -> l.startsWith("COPY --from=build ") && l.endsWith(" " + jar.group(1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no COPY --from=build to " + jar.group(1)));
        assertThat(copy).contains("/cli/target/" + finalName + ".jar ");
        // The build stage builds that module, and the user the image runs as is not root.
        assertThat(instruction(lines, "RUN --mount=type=cache,target=/root/.m2"))
                .contains("-pl cli -am package");
        assertThat(lines.stream().filter(l -> l.startsWith("USER ")).toList().getLast())
                .doesNotContain("root");
        assertThat(lines.getFirst()).startsWith("# syntax=docker/dockerfile:");
        assertThat(lines)
                .anyMatch(l -> l.startsWith("FROM ") && l.contains("JDK_IMAGE"))
                .anyMatch(l -> l.startsWith("ARG JDK_IMAGE=eclipse-temurin:25-jdk"))
                .anyMatch(l -> l.startsWith("ARG JRE_IMAGE=eclipse-temurin:25-jre"))
                .anyMatch(l -> l.startsWith("ARG NODE_IMAGE=node:20"));
    }

    @Test
    void healthChecksAskWhatTheServersAnswer() throws Exception {
        List<String> lines = dockerfile();
        String check = instruction(lines, "HEALTHCHECK");
        assertThat(check).contains("\"$GAUNTLET_HEALTH_URL\"").contains("X-Gauntlet-Token: ${GAUNTLET_TOKEN:-}");
        String defaultUrl = instruction(lines, "ENV GAUNTLET_HEALTH_URL=").replaceAll(".*=\"?([^\"]+)\"?", "$1");
        assertThat(URI.create(defaultUrl).getPort()).isEqualTo(AamConfig.DEFAULT_PORT);
        assertThat(URI.create(defaultUrl).getPath()).isEqualTo("/health");

        Map<String, Service> services = gauntletServices(compose());
        Map<String, String> wanted = Map.of("farm", "/admin/status", "aam", "/health", "ui", "/");
        Map<String, URI> probes = new HashMap<>();
        for (Service s : services.values()) {
            URI url = URI.create(s.env("GAUNTLET_HEALTH_URL"));
            assertThat(url.getHost()).as(s.name()).isEqualTo("127.0.0.1");
            assertThat(String.valueOf(url.getPort())).as(s.name()).isEqualTo(s.option("--port"));
            assertThat(url.getPath()).as(s.name()).isEqualTo(wanted.get(s.sub()));
            probes.put(s.sub(), url);
        }

        // The servers each compose command line starts, moved onto loopback and free ports, answer those probes as
        // the health check sends them (with the token header) and refuse them without it, except the AAM's /health.
        Service farmService = services.get("farm");
        FarmCommand f = (FarmCommand) farmService.command();
        f.host = "127.0.0.1";
        f.port = 0;
        f.data = dir.resolve("farm");
        try (HttpClient http = HttpClient.newHttpClient();
                FarmServer farm = FarmServer.start(farmConfig(farmService))) {
            assertThat(get(http, farm.url(), probes.get("farm"), true)).isEqualTo(200);
            assertThat(get(http, farm.url(), probes.get("farm"), false)).isEqualTo(401);
            Service aamService = services.get("aam1");
            AamCommand a = (AamCommand) aamService.command();
            a.host = "127.0.0.1";
            a.port = 0;
            a.farmUrl = farm.url();
            a.options.data = dir.resolve("aam");
            a.options.store = "memory";
            a.options.limits = null;
            try (AamServer aam = AamServer.start(aamConfig(aamService))) {
                assertThat(get(http, aam.url(), probes.get("aam"), true)).isEqualTo(200);
                assertThat(get(http, aam.url(), probes.get("aam"), false)).isEqualTo(200);
                Service uiService = services.get("ui");
                UiCommand u = (UiCommand) uiService.command();
                u.host = "127.0.0.1";
                u.port = 0;
                u.aamUrl = aam.url();
                u.farmUrl = farm.url();
                try (UiServer ui = UiServer.start(uiConfig(uiService))) {
                    // 200 with the bundle; 503 "not built" in a build without the UI (the image's build stage
                    // fails when the bundle is missing). Either way the probe passed the token and Host checks.
                    assertThat(get(http, ui.url(), probes.get("ui"), true)).isIn(200, 503);
                    assertThat(get(http, ui.url(), probes.get("ui"), false)).isEqualTo(401);
                }
            }
        }
    }

    /** The status of GET base + probe's path, as the image's health check sends it (with or without the token). */
    private static int get(HttpClient http, String base, URI probe, boolean withToken) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + probe.getPath()));
        if (withToken) req.header(AccessToken.HEADER, TOKEN);
        return http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** The Dockerfile's lines with continuations joined. */
    private static List<String> dockerfile() throws IOException {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String line : Files.readAllLines(ROOT.resolve("Dockerfile"))) {
            if (cur.isEmpty() && line.startsWith("#") && !out.isEmpty()) continue;
            String t = cur.isEmpty() ? line.strip() : " " + line.strip();
            if (t.endsWith("\\")) {
                cur.append(t, 0, t.length() - 1);
                continue;
            }
            cur.append(t);
            if (!cur.toString().isBlank()) out.add(cur.toString().replaceAll("\\s+", " "));
            cur.setLength(0);
        }
        return out;
    }

    private static String instruction(List<String> lines, String prefix) {
        List<String> found = lines.stream().filter(l -> l.startsWith(prefix)).toList();
        assertThat(found).as("the Dockerfile has one %s", prefix).hasSize(1);
        return found.getFirst();
    }

    /** The shade plugin's finalName in cli/pom.xml: the runnable jar is cli/target/NAME.jar. */
    private static String shadeFinalName() throws Exception {
        var pom = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(ROOT.resolve("cli/pom.xml").toFile());
        NodeList names = pom.getElementsByTagName("finalName");
        assertThat(names.getLength()).isEqualTo(1);
        Element name = (Element) names.item(0);
        assertThat(((Element) name.getParentNode()
                                .getParentNode()
                                .getParentNode()
                                .getParentNode())
                        .getElementsByTagName("artifactId")
                        .item(0)
                        .getTextContent())
                .isEqualTo("maven-shade-plugin");
        return name.getTextContent().strip();
    }
}
