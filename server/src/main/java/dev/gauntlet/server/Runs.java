package dev.gauntlet.server;

import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.report.ReportWriter;
import dev.gauntlet.harness.report.RunReport;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.harness.run.ScenarioRunner;
import dev.gauntlet.harness.run.Targets;
import dev.gauntlet.harness.scenario.Scenario;
import dev.gauntlet.harness.workflow.Workflows;
import dev.gauntlet.mesh.Mesh;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario runs started over the API: one at a time, each in a virtual thread, through this server's mesh against
 * its farm; live progress while it runs, the report (also written under {@code <data>/runs/<id>/}) once done.
 */
final class Runs {

    private static final Logger LOG = LoggerFactory.getLogger(Runs.class);

    /** Where a run is. */
    enum State { running, passed, failed, stopped, error }

    /** One run and what is known of it so far. */
    static final class Run {
        final String id;
        final String scenario;
        final Instant started;
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<ScenarioRunner.Live> live = new AtomicReference<>();
        volatile State state = State.running;
        volatile Instant finished;
        volatile RunReport report;
        volatile String error;
        volatile Path reportDir;

        Run(String id, String scenario, Instant started) {
            this.id = id;
            this.scenario = scenario;
            this.started = started;
        }

        Map<String, Object> summary() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", id);
            out.put("scenario", scenario);
            out.put("state", state.name());
            out.put("started", started.toString());
            out.put("finished", finished == null ? null : finished.toString());
            return out;
        }

        Map<String, Object> detail() {
            Map<String, Object> out = summary();
            ScenarioRunner.Live l = live.get();
            out.put("phase", l == null ? null : l.phase());
            out.put("live", l);
            out.put("error", error);
            out.put("report_dir", reportDir == null ? null : reportDir.toString());
            out.put("report", report);
            return out;
        }
    }

    private final Mesh mesh;
    private final Supplier<List<ConnectorsFile.Entry>> connectors;
    private final Workflows workflows;
    private final String farmUrl;
    private final HttpClient http;
    private final Path dataDir;
    private final InstantSource clock;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final AtomicReference<Run> active = new AtomicReference<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    Runs(Mesh mesh, Supplier<List<ConnectorsFile.Entry>> connectors, Workflows workflows, String farmUrl, HttpClient http, Path dataDir,
         InstantSource clock) {
        this.mesh = mesh;
        this.connectors = connectors;
        this.workflows = workflows;
        this.farmUrl = farmUrl;
        this.http = http;
        this.dataDir = dataDir;
        this.clock = clock;
    }

    Workflows workflows() {
        return workflows;
    }

    /** Starts a run, or refuses with 409 while another one is running. */
    synchronized Run start(Scenario scenario, boolean compare, boolean resetFarm) {
        Run current = active.get();
        if (current != null) {
            throw ApiError.conflict("run_in_progress", "run " + current.id + " (" + current.scenario + ") is still running; one run at a time: "
                    + "POST /runs/" + current.id + "/stop to end it");
        }
        String id = scenario.name().replaceAll("[^A-Za-z0-9_-]", "_") + "-" + sequence.incrementAndGet();
        while (runs.containsKey(id)) id = id + "x";
        Run run = new Run(id, scenario.name(), clock.instant());
        runs.put(id, run);
        active.set(run);
        List<ConnectorsFile.Entry> entries = connectors.get();
        threads.removeIf(t -> !t.isAlive());
        threads.add(Thread.ofVirtual().name("aam-run-" + id).start(() -> execute(run, scenario, entries, compare, resetFarm)));
        return run;
    }

    private void execute(Run run, Scenario scenario, List<ConnectorsFile.Entry> entries, boolean compare, boolean resetFarm) {
        try {
            var runner = new ScenarioRunner(workflows, new FarmControl(farmUrl, http), resetFarm);
            RunReport report = runner.run(scenario, Targets.mesh(mesh, entries), run.live::set, run.stop::get);
            if (compare && !run.stop.get()) {
                RunReport naive = runner.run(scenario, Targets.naive(entries, http), run.live::set, run.stop::get);
                report = report.withBaseline(naive);
            }
            run.report = report;
            Path dir = dataDir.resolve("runs").resolve(run.id);
            ReportWriter.write(report, dir);
            run.reportDir = dir;
            run.state = run.stop.get() ? State.stopped : report.passed() ? State.passed : State.failed;
            LOG.info("run {} ({}) {}; reports in {}", run.id, run.scenario, run.state, dir);
        } catch (IOException | RuntimeException e) {
            run.error = e.getMessage() == null ? e.toString() : e.getMessage();
            run.state = State.error;
            LOG.warn("run {} ({}) failed: {}", run.id, run.scenario, run.error);
        } finally {
            run.finished = clock.instant();
            active.compareAndSet(run, null);
        }
    }

    synchronized List<Run> all() {
        return List.copyOf(runs.values());
    }

    synchronized Run get(String id) {
        Run r = runs.get(id);
        if (r == null) throw ApiError.notFound("run", id, runs.keySet());
        return r;
    }

    /** Asks every running run to stop and waits a little for them (server shutdown). */
    void close() {
        Run r = active.get();
        if (r != null) r.stop.set(true);
        List<Thread> alive;
        synchronized (this) {
            alive = List.copyOf(threads);
        }
        for (Thread t : alive) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
