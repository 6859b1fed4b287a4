package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.server.AamConfig;
import dev.gauntlet.server.AamServer;
import dev.gauntlet.server.DlqBackend;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code gauntlet aam}, {@code up} and {@code dlq}: help, option checks, up on free ports, and the DLQ client's output. */
class AamCliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    /** A DLQ with one entry that replays fine. */
    private static final DlqBackend ONE = new DlqBackend() {
        private final DlqEntry e = entry(Instant.parse("2026-01-01T00:00:00Z"));

        private static DlqEntry entry(Instant at) {
            var attempt = new Attempt(1, at, 30, 0, ErrorClass.network_error, "connection reset");
            return new DlqEntry(
                    "dlq-1",
                    "stripe_mock",
                    "default",
                    "POST",
                    "/v1/customers",
                    Map.of(),
                    new byte[0],
                    null,
                    "key-1",
                    "op-1",
                    List.of(attempt, attempt, attempt, attempt),
                    ErrorClass.network_error,
                    "connection reset",
                    DlqEntry.SCHEMA_VERSION,
                    DlqState.pending,
                    true,
                    0,
                    at,
                    at,
                    at);
        }

        @Override
        public List<DlqEntry> list(DlqFilter filter) {
            return filter.connector() == null || filter.connector().equals("stripe_mock") ? List.of(e) : List.of();
        }

        @Override
        public Optional<DlqEntry> get(String id) {
            return id.equals(e.id()) ? Optional.of(e) : Optional.empty();
        }

        @Override
        public Optional<Replay> replay(String id) {
            return get(id).map(x -> new Replay(id, "succeeded", 200, "committed"));
        }

        @Override
        public List<Replay> replayAll(String connector) {
            return List.of(new Replay("dlq-1", "succeeded", 200, "committed"));
        }

        @Override
        public boolean discard(String id) {
            return false;
        }

        @Override
        public Map<String, Object> stats() {
            return Map.of("pending", 1);
        }
    };

    @Test
    void shouldDescribeTheNewCommandsWhenAskedForHelp() {
        assertThat(run("--help").out()).contains("aam", "dlq", "up");
        CliRun aam = run("aam", "--help");
        assertThat(aam.exit()).isZero();
        assertThat(aam.out())
                .contains(
                        "--host",
                        "--port",
                        "--farm-url",
                        "--data",
                        "--connectors",
                        "--store",
                        "--limits",
                        "--proxy-port");
        assertThat(run("up", "--help").out())
                .contains("--farm-port", "--aam-port", "--ui-port", "--data", "--seed", "--proxy-port");
        assertThat(run("dlq", "ls", "--help").out()).contains("--aam-url", "--connector");
        assertThat(run("dlq", "replay", "--help").out()).contains("--all", "ID");
    }

    @Test
    void shouldRefuseABadStoreUrlAndARedisUserWithoutAPassword() {
        CliRun pg = run("aam", "--port", "0", "--store", "postgresql://127.0.0.1:5432/");
        assertThat(pg.exit()).isEqualTo(2);
        assertThat(pg.err()).contains("database name is required");
        // A Redis URL that cannot work (an ACL user without a password) is refused before anything starts.
        CliRun redis = run("aam", "--port", "0", "--limits", "redis://mesh:@localhost:6379");
        assertThat(redis.exit()).isEqualTo(2);
        assertThat(redis.err()).contains("--limits").contains("needs a password");
        assertThat(run(
                                "aam",
                                "--port",
                                "0",
                                "--connectors",
                                dir.resolve("missing.yaml").toString())
                        .err())
                .contains("--connectors must be an existing file");
    }

    @Test
    void shouldTakeRepeatedProxyPortsAndRefuseAConnectorThatIsNotLoadedOrAPortOutOfRange() {
        AamCommand aam = (AamCommand) GauntletCli.commandLine()
                .parseArgs("aam", "--proxy-port", "stripe_mock=12112", "--proxy-port", "github_mock=0")
                .subcommand()
                .commandSpec()
                .userObject();
        assertThat(aam.options.proxyPorts)
                .containsExactly(Map.entry("stripe_mock", 12112), Map.entry("github_mock", 0));

        CliRun unknown = run("aam", "--port", "0", "--data", dir.toString(), "--proxy-port", "nope=0");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("--proxy-port", "'nope'", "stripe_mock", "github_mock");
        CliRun viaUp = run(
                "up",
                "--farm-port",
                "0",
                "--aam-port",
                "0",
                "--ui-port",
                "0",
                "--data",
                dir.toString(),
                "--proxy-port",
                "nope=0");
        assertThat(viaUp.exit()).isEqualTo(2);
        assertThat(viaUp.err()).contains("'nope'", "stripe_mock");
        CliRun range = run("aam", "--port", "0", "--data", dir.toString(), "--proxy-port", "stripe_mock=70000");
        assertThat(range.exit()).isEqualTo(2);
        assertThat(range.err()).contains("stripe_mock", "70000");
        assertThat(run("aam", "--port", "0", "--data", dir.toString(), "--proxy-port", "stripe_mock=x")
                        .exit())
                .isEqualTo(2);
    }

    @Test
    void shouldStartTheFarmTheAamPointedAtItAndTheUiWhenUp() throws Exception {
        CommandLine cli = GauntletCli.commandLine();
        UpCommand up = (UpCommand) cli.parseArgs(
                        "up",
                        "--farm-port",
                        "0",
                        "--aam-port",
                        "0",
                        "--ui-port",
                        "0",
                        "--data",
                        dir.toString(),
                        "--proxy-port",
                        "stripe_mock=0")
                .subcommand()
                .commandSpec()
                .userObject();
        try (UpCommand.Started s = up.start();
                HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> health = http.send(
                    HttpRequest.newBuilder(URI.create(s.aam().url() + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(health.body())
                    .contains("\"status\":\"ok\"", "\"farm\":\"" + s.farm().url() + "\"");
            HttpResponse<String> viaProxy = http.send(
                    HttpRequest.newBuilder(URI.create(s.aam().url() + "/proxy/stripe_mock/v1/customers?limit=1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(viaProxy.statusCode()).as(viaProxy.body()).isEqualTo(200);
            // Stripe's proxy also at the root of a port of its own, as the banner says.
            String stripeRoot = s.aam().proxyPortUrl("stripe_mock");
            HttpResponse<String> atRoot = http.send(
                    HttpRequest.newBuilder(URI.create(stripeRoot + "/v1/customers?limit=1"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(atRoot.statusCode()).as(atRoot.body()).isEqualTo(200);
            assertThat(atRoot.body()).contains("\"object\":\"list\"");
            assertThat(health.body())
                    .contains("\"proxy_ports\":{\"stripe_mock\":"
                            + s.aam().proxyPorts().get("stripe_mock") + "}");
            assertThat(printed(() -> Banner.aam(s.aam()))).contains("stripe_mock", stripeRoot + "/");
            // The UI reaches both through its own origin.
            HttpResponse<String> uiHealth = http.send(
                    HttpRequest.newBuilder(URI.create(s.ui().url() + "/api/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(uiHealth.body()).contains("\"status\":\"ok\"");
            HttpResponse<String> uiFarm = http.send(
                    HttpRequest.newBuilder(URI.create(s.ui().url() + "/farm/admin/status"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(uiFarm.body()).contains("\"chaos\"");
            // The farm keeps its ledger and fault log in up's data folder.
            assertThat(s.farm().dataDir()).isEqualTo(dir);
            assertThat(uiFarm.body()).contains("\"kept\":\"disk\"");
        }
    }

    /** What a piece of code printed on standard output. */
    private static String printed(Runnable code) {
        PrintStream before = System.out;
        var out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            code.run();
        } finally {
            System.setOut(before);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldServeTheUiAloneInFrontOfAnAamThatRunsElsewhere() throws Exception {
        try (AamServer aam = AamServer.start(
                AamConfig.builder()
                        .port(0)
                        .dataDir(dir)
                        .farmUrl("http://127.0.0.1:9")
                        .build(),
                ONE)) {
            UiCommand cmd = (UiCommand) GauntletCli.commandLine()
                    .parseArgs("ui", "--port", "0", "--aam-url", aam.url())
                    .subcommand()
                    .commandSpec()
                    .userObject();
            try (var ui = cmd.start();
                    HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> health = http.send(
                        HttpRequest.newBuilder(URI.create(ui.url() + "/api/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(health.body()).contains("\"status\":\"ok\"");
            }
        }
        CliRun bad = run("ui", "--port", "0", "--aam-url", "localhost:8002");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--aam-url", "must be an http URL");
    }

    @Test
    void shouldListAndReplayTheDlqAsATable() {
        try (AamServer aam = AamServer.start(
                AamConfig.builder()
                        .port(0)
                        .dataDir(dir)
                        .farmUrl("http://127.0.0.1:9")
                        .build(),
                ONE)) {
            CliRun ls = run("dlq", "ls", "--aam-url", aam.url());
            assertThat(ls.exit()).as(ls.err()).isZero();
            assertThat(ls.out()).contains("ID", "CONNECTOR", "dlq-1", "stripe_mock", "network_error?", "1 entry");
            CliRun filtered = run("dlq", "ls", "--aam-url", aam.url(), "--connector", "github_mock");
            assertThat(filtered.out()).contains("empty");
            CliRun one = run("dlq", "replay", "dlq-1", "--aam-url", aam.url());
            assertThat(one.exit()).isZero();
            assertThat(one.out()).contains("dlq-1", "succeeded");
            CliRun all = run("dlq", "replay", "--all", "--connector", "stripe_mock", "--aam-url", aam.url());
            assertThat(all.exit()).as(all.err()).isZero();
            assertThat(all.out()).contains("dlq-1", "succeeded", "1 replayed (1 succeeded, 0 failed, 0 skipped)");
            CliRun started = run("dlq", "replay", "--all", "--no-wait", "--aam-url", aam.url());
            assertThat(started.out()).contains("replay job replay_", "GET /dlq/replays/replay_");
            CliRun missing = run("dlq", "replay", "nope", "--aam-url", aam.url());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err()).contains("no DLQ entry 'nope'");
            CliRun bad = run("dlq", "ls", "--aam-url", aam.url(), "--connector", "nope");
            assertThat(bad.exit()).isEqualTo(1);
            assertThat(bad.err()).contains("unknown connector 'nope'");
        }
    }

    /** A DLQ that refuses every call with 503, as a server whose DLQ is down answers. */
    static final DlqBackend UNAVAILABLE = new DlqBackend() {
        private dev.gauntlet.server.ApiError unavailable() {
            return new dev.gauntlet.server.ApiError(
                    503, "dlq_unavailable", null, "the durable DLQ is not wired into this server yet");
        }

        @Override
        public List<dev.gauntlet.mesh.dlq.DlqEntry> list(dev.gauntlet.mesh.dlq.DlqFilter filter) {
            throw unavailable();
        }

        @Override
        public Optional<dev.gauntlet.mesh.dlq.DlqEntry> get(String id) {
            throw unavailable();
        }

        @Override
        public Optional<Replay> replay(String id) {
            throw unavailable();
        }

        @Override
        public List<Replay> replayAll(String connector) {
            throw unavailable();
        }

        @Override
        public boolean discard(String id) {
            throw unavailable();
        }

        @Override
        public Map<String, Object> stats() {
            throw unavailable();
        }
    };

    @Test
    void shouldExitOneWithTheServersMessageWhenTheDlqIsUnavailableOrUnreachable() {
        try (AamServer aam = AamServer.start(
                AamConfig.builder()
                        .port(0)
                        .dataDir(dir)
                        .farmUrl("http://127.0.0.1:9")
                        .build(),
                UNAVAILABLE)) {
            CliRun r = run("dlq", "ls", "--aam-url", aam.url());
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("not wired", "503");
        }
        CliRun gone = run("dlq", "ls", "--aam-url", "http://127.0.0.1:9");
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("cannot reach the AAM server");
        assertThat(run("dlq", "replay", "--aam-url", "http://127.0.0.1:9").exit())
                .isEqualTo(2);
    }
}
