package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.check.CheckResult;
import dev.gauntlet.harness.check.Checker;
import dev.gauntlet.harness.check.IntendedWrite;
import dev.gauntlet.harness.load.LoadPlan;
import dev.gauntlet.harness.load.OpenLoad;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.harness.run.RunTarget;
import dev.gauntlet.harness.run.Targets;
import dev.gauntlet.harness.workflow.WorkflowContext;
import dev.gauntlet.harness.workflow.builtin.IdempotentWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the AAM while it writes for all six connectors - keyed (Stripe), upserts (Salesforce, MongoDB,
 * Supabase) and plain creates without any key (GitHub, Datadog) - under the network_chaos_dlq scenario's chaos (hell on
 * MongoDB, Stripe and Datadog) and storm on the others, then a restart on the same data folder: the callers send their
 * writes again with the same op id, the restarted AAM settles each write the killed one left in flight (read back or
 * parked as of unknown outcome, never sent again blindly), the DLQ drains, and the farm's ledger shows every intended
 * write committed exactly once. Two real processes; about a minute.
 */
@org.junit.jupiter.api.Tag("crash")
class CrashDurabilityTest {

    @TempDir
    Path data;

    /**
     * The AAM in a JVM of its own, on the test's class path. {@code --recover-after 1s}: a single AAM restarted by its
     * supervisor takes what the killed one left in flight (intents, DLQ claims) for its own at start; the callers'
     * resends then meet those writes parked and are answered as their entries (IdempotencyStageTest covers a resend
     * that meets an intent still in flight).
     */
    Process startAam(int port, String farmUrl) throws IOException {
        return GauntletProcesses.start(
                data,
                "aam",
                "aam",
                "--port",
                Integer.toString(port),
                "--farm-url",
                farmUrl,
                "--data",
                data.toString(),
                "--recover-after",
                "1s");
    }

    static void awaitHealthy(HttpClient http, String url) {
        GauntletProcesses.awaitAam(http, url);
    }

    static final List<String> CONNECTORS =
            List.of("salesforce_mock", "mongodb_mock", "stripe_mock", "github_mock", "supabase_mock", "datadog_mock");
    static final int PER_CONNECTOR = 60;

    @Test
    void shouldLoseAndDuplicateNothingForAnyConnectorWhenTheAamIsKilledMidRunAndRestarted() throws Exception {
        try (FarmServer farm = FarmServer.start(
                        FarmConfig.builder().host("127.0.0.1").port(0).build());
                HttpClient http = HttpClient.newHttpClient()) {
            FarmControl control = new FarmControl(farm.url(), http);
            control.chaos("hell", List.of("mongodb_mock", "stripe_mock", "datadog_mock"));
            control.chaos("storm", List.of("salesforce_mock", "github_mock", "supabase_mock"));
            int port = GauntletProcesses.freePort();
            String aamUrl = "http://127.0.0.1:" + port;
            Process first = startAam(port, farm.url());
            Process second = null;
            try {
                awaitHealthy(http, aamUrl);
                RunTarget target = Targets.aam(aamUrl, http);
                var intents = new ConcurrentLinkedQueue<IntendedWrite>();
                AtomicLong done = new AtomicLong();
                List<Thread> threads = writeToAll(target, "crash", intents, done);
                // Kill -9 while writes of every connector are in flight, then start again on the same data folder and
                // port.
                await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= 60);
                first.destroyForcibly().waitFor();
                second = startAam(port, farm.url());
                awaitHealthy(http, aamUrl);
                for (Thread t : threads) t.join(Duration.ofSeconds(120));

                control.chaos("calm", List.of());
                var probe = Targets.aam(aamUrl, http).probe();
                try {
                    await().atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500))
                            .until(() -> probe.dlqBacklog() == 0);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    System.out.println("DLQ not drained: "
                            + http.send(
                                            HttpRequest.newBuilder(URI.create(aamUrl + "/dlq?state=pending&limit=20"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body());
                    try (var logs = Files.list(data)) {
                        for (Path f : logs.filter(
                                        f -> f.getFileName().toString().startsWith("aam-"))
                                .toList()) {
                            Files.copy(
                                    f,
                                    Path.of("/tmp", "crash-" + f.getFileName()),
                                    StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                    throw e;
                }
                CheckResult check = new Checker(control.ledger(), probe).check(List.copyOf(intents));
                if (!check.clean()) diagnose(http, farm.url(), aamUrl, check);
                assertThat(intents).hasSize(CONNECTORS.size() * PER_CONNECTOR);
                assertThat(check.lost()).as(check.toString()).isZero();
                assertThat(check.duplicates()).as(check.toString()).isZero();
                assertThat(check.committed()).as(check.toString()).isEqualTo(CONNECTORS.size() * PER_CONNECTOR);
                for (String keyless : List.of("github_mock", "datadog_mock")) {
                    assertThat(check.services().get(target.serviceOf(keyless)).committed())
                            .as(keyless)
                            .isEqualTo(PER_CONNECTOR);
                }
                // What the restart found and how each keyless write left in flight was settled.
                System.out.println("crash check: " + check);
                HttpResponse<String> status = http.send(
                        HttpRequest.newBuilder(URI.create(aamUrl + "/connectors/datadog_mock/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.println("datadog_mock after the restart: " + status.body());
                try (var logs = Files.list(data)) {
                    logs.filter(f -> f.getFileName().toString().startsWith("aam-"))
                            .forEach(f -> {
                                try {
                                    Files.readAllLines(f).stream()
                                            .filter(l -> l.contains("recovered"))
                                            .forEach(System.out::println);
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
                }
            } finally {
                first.destroyForcibly();
                if (second != null) second.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * Starts the idempotent_write workflow on every connector of {@code target}, {@link #PER_CONNECTOR} writes each at
     * 10 a second (one thread per connector); each write's intent goes to {@code intents}, each finished one counts in
     * {@code done}.
     */
    static List<Thread> writeToAll(RunTarget target, String runId, Queue<IntendedWrite> intents, AtomicLong done) {
        var workflow = new IdempotentWrite();
        var threads = new ArrayList<Thread>();
        for (String connector : CONNECTORS) {
            var ctx =
                    new WorkflowContext(target.apis().get(connector), target.serviceOf(connector), runId, intents::add);
            threads.add(Thread.ofVirtual()
                    .start(() -> OpenLoad.run(
                            new LoadPlan(10, Duration.ofSeconds(6), PER_CONNECTOR, 200),
                            (seq, due) -> {
                                workflow.iterate(ctx, seq);
                                done.incrementAndGet();
                            },
                            () -> false,
                            120_000)));
        }
        return threads;
    }

    /** What a failed run leaves to look at: the DLQ entries and ledger rows of the doubled writes, and the AAM's logs. */
    private void diagnose(HttpClient http, String farmUrl, String aamUrl, CheckResult check) throws Exception {
        for (String sample : check.samples().getOrDefault("duplicate", List.of()).stream()
                .limit(4)
                .toList()) {
            String service = sample.substring(0, sample.indexOf('/'));
            String op = sample.substring(sample.indexOf('/') + 1, sample.indexOf(' '));
            String dlq = http.send(
                            HttpRequest.newBuilder(URI.create(aamUrl + "/dlq?connector=" + service + "&limit=100000"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (var e : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(dlq)
                    .path("entries")) {
                if (op.equals(e.path("op_id").asText())) System.out.println("DLQ " + op + ": " + e);
            }
            String ledger = http.send(
                            HttpRequest.newBuilder(URI.create(farmUrl + "/admin/ledger?service=" + service))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            for (var e : new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(ledger)
                    .path("entries")) {
                if (op.equals(e.path("op_id").asText())) System.out.println("LEDGER " + op + ": " + e);
            }
        }
        try (var logs = Files.list(data)) {
            for (Path f : logs.filter(f -> f.getFileName().toString().startsWith("aam-"))
                    .toList()) {
                Files.copy(
                        f,
                        Path.of(System.getProperty("java.io.tmpdir"), "crash-" + f.getFileName()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
