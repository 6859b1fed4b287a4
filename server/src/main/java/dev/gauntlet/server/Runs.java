package dev.gauntlet.server;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scenario runs started over the API: one at a time, each in a virtual thread, through this server's mesh against
 * its farm; live progress while it runs, the report once done. Every run is kept under {@code <data>/runs/<id>/}
 * ({@code run.json} beside the three reports), so the history survives a restart of the server.
 */
final class Runs {

    private static final Logger LOG = LoggerFactory.getLogger(Runs.class);
    static final String RUN_FILE = "run.json";
    /** The report files a finished run can be downloaded as. */
    static final List<String> REPORT_FILES = List.of("report.json", "junit.xml", "report.html");

    /** Where a run is. */
    enum State {
        running,
        passed,
        failed,
        stopped,
        error
    }

    /** One row of {@code GET /runs}: a run's id, state and outcome (the start of every other view of a run). */
    record RunSummary(
            String id,
            String scenario,
            State state,
            String started,
            String finished,
            Boolean passed,
            String stopReason) {}

    /** {@code GET /runs}: every run, oldest first. */
    record RunList(List<RunSummary> runs) {}

    /**
     * {@code GET /runs/{id}}: the summary, live progress while it runs, and its report once done.
     *
     * @param report the {@link RunReport} this server wrote, or the report.json an earlier server wrote (as read)
     */
    record RunDetail(
            @JsonUnwrapped RunSummary summary,
            String phase,
            ScenarioRunner.Live live,
            String error,
            String reportDir,
            Object report) {}

    /** One run and what is known of it so far. */
    static final class Run {
        final String id;
        final String scenario;
        final Instant started;
        final Scenario plan; // null for a run loaded from an earlier server's data folder
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicReference<ScenarioRunner.Live> live = new AtomicReference<>();
        volatile State state = State.running;
        volatile Instant finished;
        volatile RunReport report;
        volatile String error;
        volatile String stopReason;
        volatile Boolean passed;
        volatile Path reportDir;
        /** The timeline being recorded (null once the run is over: it is then read from its file). */
        volatile RunTimeline timeline;

        Run(String id, String scenario, Instant started, Scenario plan) {
            this.id = id;
            this.scenario = scenario;
            this.started = started;
            this.plan = plan;
        }

        RunSummary summary() {
            return new RunSummary(
                    id,
                    scenario,
                    state,
                    started.toString(),
                    finished == null ? null : finished.toString(),
                    passed,
                    stopReason);
        }

        RunDetail detail() {
            ScenarioRunner.Live l = live.get();
            return new RunDetail(
                    summary(),
                    l == null ? null : l.phase(),
                    l,
                    error,
                    reportDir == null ? null : reportDir.toString(),
                    report != null ? report : storedReport());
        }

        /** The report.json of a run an earlier server finished (read from disk, as written). */
        private JsonNode storedReport() {
            if (reportDir == null) return null;
            Path file = reportDir.resolve("report.json");
            if (!Files.isRegularFile(file)) return null;
            try {
                return Json.MAPPER.readTree(file.toFile());
            } catch (IOException e) {
                LOG.warn("cannot read {}: {}", file, e.getMessage());
                return null;
            }
        }

        /** What {@code run.json} keeps of a run. */
        Map<String, Object> record() {
            Map<String, Object> out = Json.fields(summary());
            out.put("error", error);
            return out;
        }
    }

    private final Mesh mesh;
    private final Supplier<List<ConnectorsFile.Entry>> connectors;
    private final Workflows workflows;
    private final String farmUrl;
    private final HttpClient http;
    private final Path runsDir;
    private final InstantSource clock;
    private final Consumer<Map<String, Object>> events;
    private final Supplier<Object> snapshot;
    private final Map<String, Run> runs = new LinkedHashMap<>();
    private final AtomicReference<Run> active = new AtomicReference<>();
    private final AtomicLong sequence = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * @param events   receives each run's {@code run} events (started, phase, finished) for the event stream
     * @param snapshot the event stream's once-a-second {@code metrics} payload, recorded in each run's timeline
     */
    Runs(
            Mesh mesh,
            Supplier<List<ConnectorsFile.Entry>> connectors,
            Workflows workflows,
            String farmUrl,
            HttpClient http,
            Path dataDir,
            InstantSource clock,
            Consumer<Map<String, Object>> events,
            Supplier<Object> snapshot) {
        this.mesh = mesh;
        this.connectors = connectors;
        this.workflows = workflows;
        this.farmUrl = farmUrl;
        this.http = http;
        this.runsDir = dataDir.resolve("runs");
        this.clock = clock;
        this.events = Objects.requireNonNull(events, "events");
        this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
        loadEarlierRuns();
    }

    Workflows workflows() {
        return workflows;
    }

    /**
     * Starts a run, or refuses with 409 while another one is running.
     *
     * @param baselines names from {@link Targets#BASELINES}, run in this order after the mesh on the same scenario
     */
    synchronized Run start(Scenario scenario, List<String> baselines, boolean resetFarm) {
        Run current = active.get();
        if (current != null) {
            throw ApiError.conflict(
                    "run_in_progress",
                    "run " + current.id + " (" + current.scenario + ") is still running; one run at a time: "
                            + "POST /runs/" + current.id + "/stop to end it");
        }
        String id = scenario.name().replaceAll("[^A-Za-z0-9_-]", "_") + "-" + sequence.incrementAndGet();
        while (runs.containsKey(id)) id = id + "x";
        Run run = new Run(id, scenario.name(), clock.instant(), scenario);
        run.reportDir = runsDir.resolve(id);
        runs.put(id, run);
        active.set(run);
        save(run);
        run.timeline = new RunTimeline(run.reportDir);
        announce(run, "started", null);
        List<ConnectorsFile.Entry> entries = connectors.get();
        threads.removeIf(t -> !t.isAlive());
        threads.add(Thread.ofVirtual()
                .name("aam-run-" + id)
                .start(() -> execute(run, scenario, entries, List.copyOf(baselines), resetFarm)));
        return run;
    }

    private void execute(
            Run run, Scenario scenario, List<ConnectorsFile.Entry> entries, List<String> baselines, boolean resetFarm) {
        ScenarioRunner.Listener listener = new ScenarioRunner.Listener() {
            @Override
            public void second(ScenarioRunner.Live live) {
                run.live.set(live);
            }

            @Override
            public void phaseStarted(Scenario.Phase phase) {
                announce(run, "phase", phase.name());
            }
        };
        FarmControl farm = new FarmControl(farmUrl, http);
        RunTimeline timeline = run.timeline;
        TimelineRecording recording = new TimelineRecording(mesh, timeline, snapshot);
        // The run shows as running until everything below is done (farm calm, timeline closed, report complete), so a
        // client that sees it over finds all of that in place.
        State outcome = State.error;
        try {
            var runner = new ScenarioRunner(workflows, farm, resetFarm);
            RunReport report = runner.run(scenario, Targets.mesh(mesh, entries), listener, run.stop::get);
            for (String baseline : baselines) {
                if (run.stop.get()) break;
                report = report.withBaseline(
                        runner.run(scenario, Targets.baseline(baseline, entries, http), listener, run.stop::get));
            }
            run.report = report;
            run.passed = report.passed();
            ReportWriter.write(report, run.reportDir);
            outcome = run.stop.get() ? State.stopped : report.passed() ? State.passed : State.failed;
            LOG.info("run {} ({}) {}; reports in {}", run.id, run.scenario, outcome, run.reportDir);
        } catch (IOException | RuntimeException e) {
            run.error = e.getMessage() == null ? e.toString() : e.getMessage();
            outcome = State.error;
            LOG.warn("run {} ({}) failed: {}", run.id, run.scenario, run.error);
        } finally {
            recording.stopSeconds();
            recordChaos(run, farm);
            calm(run, farm);
            run.finished = clock.instant();
            Map<String, Object> finished = runEvent(run, "finished", null, outcome);
            timeline.event(finished);
            recording.close();
            run.timeline = null;
            ReportTimeline.embed(run.reportDir);
            run.state = outcome;
            save(run);
            active.compareAndSet(run, null);
            publish(run, finished);
        }
    }

    /** Copies the farm's chaos changes made during the run (by its phases or by hand) into its timeline. */
    private void recordChaos(Run run, FarmControl farm) {
        try {
            TimelineRecording.chaosHistory(farm, run.started).forEach(run.timeline::event);
        } catch (RuntimeException e) {
            LOG.warn("run {}: cannot read the farm's chaos history: {}", run.id, e.getMessage());
        }
    }

    /** Turns the farm back to calm when a run ends, however it ends, and marks it on the run's timeline. */
    private void calm(Run run, FarmControl farm) {
        try {
            farm.calm();
            Map<String, Object> e =
                    TimelineRecording.calmEvent(clock.instant(), "run " + run.id + " ended: the farm is back to calm");
            run.timeline.event(e);
            events.accept(e);
        } catch (RuntimeException e) {
            LOG.warn("run {}: cannot turn the farm back to calm: {}", run.id, e.getMessage());
        }
    }

    /** A run's timeline: recorded so far while it runs, from its file once it is over. */
    Map<String, Object> timeline(Run run) {
        RunTimeline live = run.timeline;
        if (live != null) live.flush();
        Map<String, Object> out = Json.fields(run.summary());
        Map<String, Object> t = run.reportDir == null
                ? Map.of("metrics", List.of(), "events", List.of(), "complete", true)
                : RunTimeline.read(run.reportDir);
        out.putAll(t);
        if (live != null) out.put("dropped", live.dropped());
        return out;
    }

    /** Asks a running run to stop, keeping why (shown with the run and kept in its {@code run.json}). */
    void stop(Run run, String reason) {
        if (run.state != State.running)
            throw ApiError.conflict("not_running", "run " + run.id + " is " + run.state + " already");
        run.stopReason = reason;
        run.stop.set(true);
        save(run);
    }

    /** Records a run event in the run's timeline and sends it to the event stream. */
    private void announce(Run run, String what, String phase) {
        Map<String, Object> e = runEvent(run, what, phase, run.state);
        RunTimeline t = run.timeline;
        if (t != null) t.event(e);
        publish(run, e);
    }

    private void publish(Run run, Map<String, Object> e) {
        try {
            events.accept(e);
        } catch (RuntimeException ex) {
            LOG.warn("run event for {} not sent: {}", run.id, ex.toString());
        }
    }

    private Map<String, Object> runEvent(Run run, String what, String phase, State state) {
        return TimelineRecording.runEvent(
                clock.instant(),
                run.id,
                run.scenario,
                what,
                phase,
                chaosOf(run.plan, phase),
                state.name(),
                run.stopReason);
    }

    private static String chaosOf(Scenario plan, String phase) {
        if (plan == null || phase == null) return null;
        for (Scenario.Phase p : plan.phases()) {
            if (p.name().equals(phase))
                return p.chaos() == null ? null : p.chaos().level();
        }
        return null;
    }

    /** Writes {@code run.json} (through a temporary file, so a crash never leaves half of one). */
    private void save(Run run) {
        try {
            Files.createDirectories(run.reportDir);
            Path tmp = run.reportDir.resolve(RUN_FILE + ".tmp");
            Json.MAPPER.writeValue(tmp.toFile(), run.record());
            Files.move(
                    tmp,
                    run.reportDir.resolve(RUN_FILE),
                    StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("cannot keep run {} in {}: {}", run.id, run.reportDir, e.getMessage());
        }
    }

    private static final Pattern SEQUENCE = Pattern.compile("-(\\d+)x*$");

    /** Reads the runs an earlier server kept; one that was running when that server stopped is marked as an error. */
    private void loadEarlierRuns() {
        if (!Files.isDirectory(runsDir)) return;
        List<Run> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(runsDir, Files::isDirectory)) {
            for (Path dir : dirs) {
                Path file = dir.resolve(RUN_FILE);
                if (!Files.isRegularFile(file)) continue;
                try {
                    found.add(load(dir, Json.MAPPER.readTree(file.toFile())));
                } catch (IOException | RuntimeException e) {
                    LOG.warn("skipping the run kept in {}: {}", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("cannot list the runs kept in {}: {}", runsDir, e.getMessage());
            return;
        }
        found.sort(Comparator.comparing((Run r) -> r.started));
        for (Run r : found) {
            runs.put(r.id, r);
            Matcher m = SEQUENCE.matcher(r.id);
            if (m.find()) sequence.accumulateAndGet(Long.parseLong(m.group(1)), Math::max);
        }
        if (!found.isEmpty()) LOG.info("{} earlier runs found in {}", found.size(), runsDir);
    }

    private Run load(Path dir, JsonNode j) {
        String id = j.path("id").asText(dir.getFileName().toString());
        Run r = new Run(
                id,
                j.path("scenario").asText("?"),
                Instant.parse(j.path("started").asText()),
                null);
        r.reportDir = dir;
        r.state = State.valueOf(j.path("state").asText(State.error.name()));
        r.finished = j.hasNonNull("finished") ? Instant.parse(j.get("finished").asText()) : null;
        r.passed = j.hasNonNull("passed") ? j.get("passed").asBoolean() : null;
        r.stopReason = j.hasNonNull("stop_reason") ? j.get("stop_reason").asText() : null;
        r.error = j.hasNonNull("error") ? j.get("error").asText() : null;
        if (r.state == State.running) {
            // The server that ran it stopped before the run ended: say so rather than show it running forever.
            r.state = State.error;
            r.error = "the AAM server stopped before this run ended";
            save(r);
        }
        return r;
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
        if (r != null) {
            if (r.stopReason == null) r.stopReason = "the AAM server was shut down";
            r.stop.set(true);
        }
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
