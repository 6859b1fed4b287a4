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
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of the AAM while it writes through hell, then a restart on the same data folder: the DLQ and the
 * writes left in flight are recovered from SQLite, replays and the callers' own retries carry the same keys, and the
 * farm's ledger shows every intended write committed exactly once (or still held in the DLQ). Two real processes.
 */
class CrashDurabilityTest {

    @TempDir
    Path data;

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The AAM in a JVM of its own, on the test's class path. */
    Process startAam(int port, String farmUrl) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "dev.gauntlet.cli.GauntletCli", "aam",
                "--port", Integer.toString(port), "--farm-url", farmUrl, "--data", data.toString(), "--recover-after", "1s")
                .redirectErrorStream(true).redirectOutput(data.resolve("aam-" + System.nanoTime() + ".log").toFile()).start();
    }

    static void awaitHealthy(HttpClient http, String url) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                http.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    @Test
    void shouldLoseAndDuplicateNothingWhenTheAamIsKilledMidRunAndRestarted() throws Exception {
        try (FarmServer farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
             HttpClient http = HttpClient.newHttpClient()) {
            FarmControl control = new FarmControl(farm.url(), http);
            control.chaos("hell", List.of("stripe_mock", "mongodb_mock"));
            int port = freePort();
            String aamUrl = "http://127.0.0.1:" + port;
            Process first = startAam(port, farm.url());
            Process second = null;
            try {
                awaitHealthy(http, aamUrl);
                RunTarget target = Targets.aam(aamUrl, http);
                var intents = new ConcurrentLinkedQueue<IntendedWrite>();
                var workflow = new IdempotentWrite();
                var threads = new ArrayList<Thread>();
                AtomicLong done = new AtomicLong();
                for (String connector : List.of("stripe_mock", "mongodb_mock")) {
                    var ctx = new WorkflowContext(target.apis().get(connector), target.serviceOf(connector), "crash", intents::add);
                    threads.add(Thread.ofVirtual().start(() -> OpenLoad.run(new LoadPlan(20, Duration.ofSeconds(6), 120, 500),
                            (seq, due) -> {
                                workflow.iterate(ctx, seq);
                                done.incrementAndGet();
                            }, () -> false, 120_000)));
                }
                // Kill -9 while writes are in flight, then start again on the same data folder and port.
                await().atMost(Duration.ofSeconds(30)).until(() -> done.get() >= 20);
                first.destroyForcibly().waitFor();
                second = startAam(port, farm.url());
                awaitHealthy(http, aamUrl);
                for (Thread t : threads) t.join(Duration.ofSeconds(180));

                control.chaos("calm", List.of());
                var probe = Targets.aam(aamUrl, http).probe();
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> probe.dlqBacklog() == 0);
                CheckResult check = new Checker(control.ledger(), probe).check(List.copyOf(intents));
                assertThat(intents).hasSize(240);
                assertThat(check.lost()).as(check.toString()).isZero();
                assertThat(check.duplicates()).as(check.toString()).isZero();
                assertThat(check.committed()).isEqualTo(240);
                // What the restart found: writes the killed process left in flight, recovered into the DLQ and replayed.
                try (var logs = java.nio.file.Files.list(data)) {
                    logs.filter(f -> f.getFileName().toString().startsWith("aam-")).forEach(f -> {
                        try {
                            java.nio.file.Files.readAllLines(f).stream().filter(l -> l.contains("recovered")).forEach(System.out::println);
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
                }
            } finally {
                first.destroyForcibly();
                if (second != null) second.destroyForcibly().waitFor();
            }
        }
    }
}
