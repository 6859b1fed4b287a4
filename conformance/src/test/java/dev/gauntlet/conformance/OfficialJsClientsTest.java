package dev.gauntlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vendors' official JavaScript clients (conformance/js: @octokit/rest with its retry and throttling plugins,
 * @supabase/supabase-js), where a vendor has no official Java one: their node:test files run against a farm and an
 * AAM started here, whose URLs they get in environment variables. Needs Node.js 20+; skipped with the UI
 * ({@code -Dskip.ui=true}, or alone with {@code -Dskip.js=true}) on a machine without it. The npm packages are installed as package-lock.json pins them,
 * only when missing or when the lock file changed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficialJsClientsTest {

    /** Bounds on the child processes: an install from the registry, and the whole node:test run. */
    static final Duration INSTALL = Duration.ofMinutes(3);

    static final Duration RUN = Duration.ofMinutes(3);

    @TempDir
    static Path data;

    Rig rig;
    Path js;

    @BeforeAll
    void start() {
        assumeThat(Boolean.getBoolean("skip.js"))
                .as("-Dskip.ui=true (or -Dskip.js=true) skips the JavaScript clients: no Node.js needed")
                .isFalse();
        js = Path.of(System.getProperty("conformance.js.dir", "js")).toAbsolutePath();
        assertThat(js.resolve("package-lock.json"))
                .as("the conformance suite's npm packages")
                .exists();
        rig = new Rig(data);
    }

    @AfterAll
    void stop() {
        if (rig != null) rig.close();
    }

    @Test
    void shouldPassEveryNodeTestOfTheOfficialJavaScriptClients() throws Exception {
        assertThat(run(List.of("node", "scripts/ensure-deps.mjs"), Map.of(), INSTALL))
                .as("npm ci of conformance/js")
                .isZero();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("GAUNTLET_FARM_URL", rig.farm.url());
        env.put("GAUNTLET_AAM_URL", rig.aam.url());
        Map<String, String> ports = new LinkedHashMap<>();
        for (String s : Rig.SERVICES) ports.put(s, rig.farmServicePort(s));
        env.put("GAUNTLET_SERVICE_PORTS", Rig.JSON.writeValueAsString(ports));
        env.put("GAUNTLET_CONFORMANCE_REPORT", Rig.reportFile().toString());

        assertThat(run(
                        List.of(
                                "node",
                                "--disable-warning=ExperimentalWarning",
                                "--test",
                                "--test-concurrency=2",
                                "--test-reporter=spec"),
                        env,
                        RUN))
                .as("node --test in conformance/js")
                .isZero();
    }

    /** Runs a command in conformance/js, streaming its output line by line; its exit code, or a failure past the bound. */
    private int run(List<String> command, Map<String, String> env, Duration bound)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(js.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new AssertionError(
                    "cannot run " + command.getFirst()
                            + ": the JavaScript clients need Node.js 20+ and npm on the PATH "
                            + "(or build with -Dskip.ui=true to skip them with the UI)",
                    e);
        }
        Thread pump = Thread.ofVirtual().start(() -> {
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) System.out.println("js | " + line);
            } catch (IOException ignored) {
                // the process went away; its exit code says how
            }
        });
        if (!p.waitFor(bound.toSeconds(), TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            throw new AssertionError(String.join(" ", command) + " did not finish within " + bound);
        }
        pump.join(Duration.ofSeconds(10));
        return p.exitValue();
    }
}
