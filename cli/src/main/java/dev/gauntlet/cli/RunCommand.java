package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.report.ReportWriter;
import dev.gauntlet.harness.report.RunReport;
import dev.gauntlet.harness.report.Summary;
import dev.gauntlet.harness.run.FarmControl;
import dev.gauntlet.harness.run.ScenarioRunner;
import dev.gauntlet.harness.run.Targets;
import dev.gauntlet.harness.scenario.Scenario;
import dev.gauntlet.harness.scenario.ScenarioLoader;
import dev.gauntlet.harness.workflow.AamNodes;
import dev.gauntlet.harness.workflow.Workflows;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.server.TimelineRecording;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gauntlet run SCENARIO}: runs a scenario under chaos, proves against the farm's ledger that nothing was lost
 * or duplicated, writes report.json, junit.xml and report.html, and exits 0 only when every threshold holds.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Run a scenario and gate on its thresholds (exit 0 only when every one holds, 1 when one fails).",
            "With no URLs the farm and the mesh run in this process.",
            "Built-in scenarios: mild, storm, hell, token_expiry, rate_limit, schema_drift, network_chaos_dlq, multi_service_stress;",
            "or NAME from --scenarios DIR, or a path to a .yaml file."
        })
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SCENARIO", description = "Scenario name or YAML file.")
    String scenarioName;

    @Option(
            names = "--duration",
            description =
                    "Total length; the scenario's phases are scaled to it (e.g. 10s, 2m). Default: the scenario's own.")
    String duration;

    @Option(
            names = "--seed",
            description = "Chaos seed (default: the scenario's). The same seed gives the same faults.")
    Long seed;

    @Option(
            names = "--compare",
            paramLabel = "BASELINE[,BASELINE…]",
            description = {
                "Also run the same workload through baseline clients, one after the other on the same seed: naive (one attempt),",
                "naive-retry (hand-written retries, no idempotency key), naive-keyed (one attempt with an idempotency key)."
            })
    String compare;

    @Option(
            names = "--report-dir",
            defaultValue = "gauntlet-report",
            description = "Where report.json, junit.xml and report.html go (default: ${DEFAULT-VALUE}).")
    Path reportDir;

    @Option(
            names = "--farm-url",
            description =
                    "Use a running farm (default: the AAM's farm with --aam-url, else one started in this process).")
    String farmUrl;

    @Option(
            names = "--aam-url",
            split = ",",
            paramLabel = "URL[,URL…]",
            description = {
                "Send the load through a running AAM's egress proxy (default: a mesh in this process).",
                "Several nodes on one store (comma-separated or the option repeated): each operation goes to the next node in",
                "turn, a node that refuses connections is skipped for 2 s; the DLQ and the checks are read from any live node."
            })
    List<String> aamUrls;

    @Option(names = "--connectors", description = "A connectors.yaml (default: the six built-in connectors).")
    Path connectorsFile;

    @Option(names = "--scenarios", description = "Folder of user scenarios (NAME.yaml).")
    Path scenarios;

    @Option(names = "--workflows", description = "Folder of YAML step workflows.")
    Path workflowsDir;

    @picocli.CommandLine.Mixin
    TokenOption token;

    @Option(
            names = "--no-reset",
            description = "Do not reset the farm before the run (a shared farm); the run is then not reproducible.")
    boolean noReset;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Scenario scenario;
        List<String> baselines = List.of();
        try {
            scenario = ScenarioLoader.find(scenarioName, scenarios);
            if (duration != null) scenario = scenario.scaledTo(ScenarioLoader.parseDuration(duration, "--duration"));
            if (seed != null) scenario = scenario.withSeed(seed);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            if (compare != null) baselines = Targets.baselines(compare);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--compare " + compare + ": " + e.getMessage());
        }
        AamNodes nodes = null;
        try {
            if (aamUrls != null) nodes = AamNodes.of(aamUrls);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), e.getMessage().replaceFirst("^aam_url", "--aam-url"));
        }
        Workflows workflows = Workflows.discover(workflowsDir);
        var access = token.get(spec);
        var tokenHosts = new ArrayList<String>();
        if (nodes != null) tokenHosts.addAll(aamUrls);
        else tokenHosts.add(null);
        HttpClient probe =
                dev.gauntlet.http.TokenClient.wrap(HttpClient.newHttpClient(), access, with(tokenHosts, farmUrl));
        if (farmUrl == null && nodes != null) farmUrl = farmOf(nodes, probe);
        FarmServer ownFarm = farmUrl == null
                ? FarmServer.start(FarmConfig.builder()
                        .host("127.0.0.1")
                        .port(0)
                        .seed(scenario.seed())
                        .build())
                : null;
        String farm = farmUrl != null ? farmUrl : ownFarm.url();
        if (ownFarm == null) requireFarm(farm, probe);
        AtomicBoolean stop = new AtomicBoolean();
        Thread hook = new Thread(() -> stop.set(true), "gauntlet-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        // The token (when set) goes to the AAM and the farm given, and to no other host.
        try (HttpClient http = dev.gauntlet.http.TokenClient.wrap(
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5))
                        .build(),
                access,
                with(tokenHosts, farm))) {
            List<ConnectorsFile.Entry> connectors;
            try {
                connectors = connectorsFile == null
                        ? ConnectorsFile.builtIn(farm)
                        : ConnectorsFile.load(connectorsFile, farm);
            } catch (IllegalArgumentException | IOException e) {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--connectors " + connectorsFile + ": "
                                + (e instanceof NoSuchFileException ? "no such file" : e.getMessage()));
            }
            var runner = new ScenarioRunner(workflows, new FarmControl(farm, http), !noReset);
            PrintWriter out = spec.commandLine().getOut();
            Progress progress = new Progress(out, System.console() != null);
            out.printf(
                    "gauntlet run %s  seed %d  %s  farm %s%n",
                    scenario.name(), scenario.seed(), human(scenario.duration()), farm);
            RunReport report;
            boolean timelineRecorded = false;
            try {
                if (nodes != null && nodes.size() == 1) {
                    report = runner.run(scenario, Targets.aam(aamUrls.getFirst(), http), progress, stop::get);
                } else if (nodes != null) {
                    report = runner.run(scenario, Targets.aam(nodes, http), progress, stop::get);
                    progress.done();
                    printNodes(nodes, out);
                } else {
                    try (Mesh mesh = Mesh.builder().build()) {
                        report = recorded(runner, scenario, mesh, connectors, farm, http, stop, progress);
                        timelineRecorded = true;
                    }
                }
                progress.done();
                for (String baseline : baselines) {
                    if (stop.get()) break;
                    out.println("baseline " + baseline + ": the same workload through the " + baseline
                            + " client, same seed");
                    report = report.withBaseline(
                            runner.run(scenario, Targets.baseline(baseline, connectors, http), progress, stop::get));
                    progress.done();
                }
            } finally {
                // A farm that outlives the run is turned back to calm, however the run ended: no storm left blowing.
                if (ownFarm == null) calm(farm, http, out);
            }
            out.print(Summary.render(report, true));
            var files = ReportWriter.write(report, reportDir);
            // The same charts and markers as the control room's Runs page, in report.html (opened from a file, no
            // server).
            if (timelineRecorded && !TimelineRecording.embedInReport(reportDir)) {
                out.println("report.html has no timeline (built without the UI): its static charts only");
            }
            out.println("reports: " + files.stream().map(Path::toString).toList());
            out.flush();
            return report.passed() ? 0 : 1;
        } finally {
            if (ownFarm != null) ownFarm.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // Ctrl-C: the hook is running; nothing to remove.
            }
        }
    }

    /**
     * Runs the mesh's part of a scenario while recording its timeline into the report folder, as the AAM does for its
     * runs: the mesh's events, its metrics each second, the run's phases, and the farm's chaos changes.
     */
    private RunReport recorded(
            ScenarioRunner runner,
            Scenario scenario,
            Mesh mesh,
            List<ConnectorsFile.Entry> connectors,
            String farm,
            HttpClient http,
            AtomicBoolean stop,
            Progress progress) {
        Instant started = Instant.now();
        String id = scenario.name() + "-cli";
        RunReport report = null;
        TimelineRecording timeline = TimelineRecording.start(mesh, reportDir);
        try {
            timeline.event(
                    TimelineRecording.runEvent(started, id, scenario.name(), "started", null, null, "running", null));
            report = runner.run(
                    scenario,
                    Targets.mesh(mesh, connectors),
                    new ScenarioRunner.Listener() {
                        @Override
                        public void second(ScenarioRunner.Live live) {
                            progress.second(live);
                        }

                        @Override
                        public void phaseStarted(Scenario.Phase phase) {
                            timeline.event(TimelineRecording.runEvent(
                                    Instant.now(),
                                    id,
                                    scenario.name(),
                                    "phase",
                                    phase.name(),
                                    phase.chaos() == null ? null : phase.chaos().level(),
                                    "running",
                                    null));
                        }
                    },
                    stop::get);
            return report;
        } finally {
            timeline.stopSeconds();
            try {
                TimelineRecording.chaosHistory(new FarmControl(farm, http), started)
                        .forEach(timeline::event);
            } catch (RuntimeException e) {
                spec.commandLine()
                        .getOut()
                        .println("the timeline has no chaos marks: cannot read the farm's chaos history ("
                                + e.getMessage() + ")");
            }
            String state = stop.get() ? "stopped" : report == null ? "error" : report.passed() ? "passed" : "failed";
            timeline.event(TimelineRecording.runEvent(
                    Instant.now(), id, scenario.name(), "finished", null, null, state, null));
            timeline.close();
        }
    }

    private static void calm(String farm, HttpClient http, PrintWriter out) {
        try {
            new FarmControl(farm, http).calm();
            out.println("farm " + farm + " back to calm");
        } catch (RuntimeException e) {
            out.println("could not turn the farm back to calm: " + e.getMessage());
        }
    }

    /** A usage error, before any load, when the farm the run would reset and check against does not answer. */
    private void requireFarm(String farm, HttpClient http) {
        try {
            var r = http.send(
                    HttpRequest.newBuilder(URI.create(farm.replaceAll("/$", "") + "/admin/status"))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 200) throw new IOException("GET /admin/status answered " + r.statusCode());
        } catch (IOException | InterruptedException | IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--farm-url " + farm + ": cannot reach the farm ("
                            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + ")");
        }
    }

    /** The hosts the access token may go to: {@code hosts} and {@code one} more. */
    private static List<String> with(List<String> hosts, String one) {
        var out = new ArrayList<>(hosts);
        out.add(one);
        return out;
    }

    /** How the load was spread: what each node was sent, and the connections it refused. */
    private static void printNodes(AamNodes nodes, PrintWriter out) {
        nodes.counts()
                .forEach((url, c) -> out.printf(
                        Locale.ROOT, "node %s  %d calls sent  %d connections refused%n", url, c.sent(), c.refused()));
    }

    /** The farm the AAM nodes point at: the first node that answers says (they share one farm). */
    private String farmOf(AamNodes nodes, HttpClient http) {
        if (nodes.size() == 1) return farmOf(aamUrls.getFirst(), http);
        for (String node : nodes.urls()) {
            try {
                return farmOf(node, http);
            } catch (CommandLine.ParameterException down) {
                // this node is not answering: ask the next one
            }
        }
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "--aam-url " + String.join(",", nodes.urls()) + ": cannot reach any of the AAM nodes");
    }

    /** The farm a running AAM points at, from its {@code GET /health}. */
    private String farmOf(String aam, HttpClient http) {
        try {
            var r = http.send(
                    HttpRequest.newBuilder(URI.create(aam.replaceAll("/$", "") + "/health"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            String farm = new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(r.body())
                    .path("farm")
                    .asText(null);
            // 503 is an AAM whose store is degraded for now (full disk, lock): it answers, and says which farm it uses.
            if ((r.statusCode() != 200 && r.statusCode() != 503) || farm == null)
                throw new IOException("answered " + r.statusCode());
            return farm;
        } catch (IOException | InterruptedException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--aam-url " + aam + ": cannot reach the AAM (" + e.getMessage() + ")");
        }
    }

    static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** A live line on a terminal (rewritten in place each second), plain lines every 5 s otherwise (CI logs). */
    static final class Progress implements ScenarioRunner.Listener {
        private final PrintWriter out;
        private final boolean terminal;
        private int seconds;

        Progress(PrintWriter out, boolean terminal) {
            this.out = out;
            this.terminal = terminal;
        }

        @Override
        public void second(ScenarioRunner.Live l) {
            String line = String.format(
                    Locale.ROOT,
                    "[%4.0f/%.0f s] %-10s %6.0f req/s  success %6.2f %%  p99 %7.1f ms  DLQ %d  open circuits %d",
                    l.elapsedS(),
                    l.totalS(),
                    l.phase(),
                    l.reqPerS(),
                    l.successRate() * 100,
                    l.p99Ms(),
                    l.dlqDepth(),
                    l.openCircuits());
            if (terminal) {
                out.print("\r" + line);
                out.flush();
            } else if (seconds++ % 5 == 0) {
                out.println(line);
                out.flush();
            }
        }

        void done() {
            if (terminal) out.println();
            seconds = 0;
        }
    }
}
