package dev.gauntlet.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.run.Targets;
import dev.gauntlet.harness.scenario.Scenario;
import dev.gauntlet.harness.scenario.ScenarioLoader;
import dev.gauntlet.harness.workflow.Workflow;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code /workflows}, {@code /scenarios/run} and {@code /runs}: starting runs, watching them, stopping them. */
final class RunRoutes {

    private static final Duration MAX_DURATION = Duration.ofHours(1);

    private final Runs runs;
    private final Supplier<List<ConnectorsFile.Entry>> connectors;
    private final Path scenariosDir;

    RunRoutes(Runs runs, Supplier<List<ConnectorsFile.Entry>> connectors, Path scenariosDir) {
        this.runs = runs;
        this.connectors = connectors;
        this.scenariosDir = scenariosDir;
    }

    void register(Endpoints api) {
        api.get(
                "/workflows",
                "The workflows a run can use",
                "{\"workflows\":[{\"name\",\"description\"}]}",
                WorkflowList.class,
                this::workflows);
        api.add(
                HandlerType.POST,
                "/workflows/run",
                "Run one workflow as a one-phase scenario",
                "{\"workflow\",\"connectors\":[…],\"rate\":10,\"duration\":\"30s\",\"chaos\":\"storm\",\"seed\":42,\"reset\":true}",
                "202 {\"id\"}; 409 while another run is running",
                this::runWorkflow);
        api.get(
                "/scenarios",
                "The built-in scenarios",
                "{\"scenarios\":[{\"name\",\"description\"}]}",
                ScenarioList.class,
                this::scenarios);
        api.add(
                HandlerType.POST,
                "/scenarios/run",
                "Run a scenario against this mesh and its farm",
                "{\"scenario\":\"hell\",\"duration\":\"60s\",\"seed\":42,\"compare\":\"naive,naive-retry\" (or [\"naive\",\"naive-retry\"]),\"reset\":true}",
                "202 {\"id\"}; 409 while another run is running",
                this::runScenario);
        api.get(
                "/runs",
                "Every run, oldest first, kept across restarts in the data folder",
                "{\"runs\":[{\"id\",\"scenario\",\"state\",\"started\",\"finished\",\"passed\",\"stop_reason\"}]}",
                Runs.RunList.class,
                this::list);
        api.get(
                "/runs/{id}",
                "A run: live progress while it runs, its report.json once done",
                "{\"id\",\"state\",\"phase\",\"live\",\"report\",…}",
                Runs.RunDetail.class,
                this::one);
        api.add(
                HandlerType.POST,
                "/runs/{id}/stop",
                "Stop a run and keep why (its report is still written)",
                "optional {\"reason\":\"halted from the UI\"}",
                "202 {\"id\",\"state\",\"stop_reason\"}",
                this::stop);
        api.get(
                "/runs/{id}/timeline",
                "A run's recorded timeline (so far, while it runs): each second's metrics snapshot and its events",
                "{\"id\",\"state\",\"started\",\"finished\",\"metrics\":[{\"at\",\"overall\",\"connectors\",\"dlq\"}],\"events\":[{\"type\",\"at\",…}],"
                        + "\"complete\",\"dropped\":{type:n}}",
                ctx -> Json.reply(ctx, 200, runs.timeline(runs.get(ctx.pathParam("id")))));
        api.get(
                "/runs/{id}/{file}",
                "A finished run's report: report.json, junit.xml or report.html",
                "the file",
                this::report);
    }

    /** A workflow or scenario a run can use, with its description. */
    record Named(String name, String description) {}

    /** {@code GET /workflows}. */
    record WorkflowList(List<Named> workflows) {}

    /** {@code GET /scenarios}. */
    record ScenarioList(List<Named> scenarios) {}

    private void workflows(Context ctx) {
        Map<String, String> d = runs.workflows().descriptions();
        List<Named> out = new ArrayList<>();
        for (String n : runs.workflows().names()) out.add(new Named(n, d.getOrDefault(n, "")));
        Json.reply(ctx, 200, new WorkflowList(out));
    }

    private void scenarios(Context ctx) {
        List<Named> out = new ArrayList<>();
        ScenarioLoader.builtInDescriptions().forEach((n, d) -> out.add(new Named(n, d)));
        Json.reply(ctx, 200, new ScenarioList(out));
    }

    private void runWorkflow(Context ctx) {
        Body b = Json.body(ctx)
                .only("workflow", "connectors", "rate", "duration", "chaos", "seed", "reset", "max_in_flight");
        String workflow = b.name("workflow");
        if (!runs.workflows().has(workflow)) {
            throw ApiError.badRequest(
                    "workflow",
                    "unknown workflow '" + workflow + "'; known: "
                            + runs.workflows().names());
        }
        List<String> ids = b.names("connectors");
        double rate = b.number("rate", 10, 0.001, 10_000);
        Duration duration = b.duration("duration", Duration.ofSeconds(30), MAX_DURATION);
        String chaos = b.has("chaos") ? b.name("chaos") : null;
        Long seed = b.integer("seed");
        Boolean reset = b.bool("reset");
        Long maxInFlight = b.integer("max_in_flight");
        if (maxInFlight != null && (maxInFlight < 1 || maxInFlight > 100_000)) {
            throw ApiError.badRequest(
                    "max_in_flight", "max_in_flight must be between 1 and 100000, was " + maxInFlight);
        }
        var load =
                new Scenario.Load(workflow, rate, ids, maxInFlight == null ? 1_000 : maxInFlight.intValue(), Map.of());
        var phase = new Scenario.Phase(
                "run", duration, chaos == null ? null : new Scenario.Chaos(chaos, List.of()), List.of(load));
        Scenario scenario = new Scenario(
                "workflow_" + workflow,
                "workflow " + workflow + " at " + rate + "/s",
                seed == null ? 42 : seed,
                List.of(phase),
                List.of(),
                List.of(),
                null);
        checkRunnable(scenario, "connectors");
        accepted(ctx, runs.start(scenario, List.of(), reset == null || reset));
    }

    private void runScenario(Context ctx) {
        Body b = Json.body(ctx).only("scenario", "duration", "seed", "compare", "reset");
        String name = b.name("scenario");
        Scenario scenario;
        try {
            scenario = ScenarioLoader.find(name, scenariosDir);
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("scenario", e.getMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("scenario", "cannot read scenario '" + name + "': " + e.getMessage());
        }
        if (b.has("duration")) scenario = scenario.scaledTo(b.duration("duration", null, MAX_DURATION));
        Long seed = b.integer("seed");
        if (seed != null) scenario = scenario.withSeed(seed);
        List<String> baselines = baselines(b);
        Boolean reset = b.bool("reset");
        checkRunnable(scenario, "scenario");
        accepted(ctx, runs.start(scenario, baselines, reset == null || reset));
    }

    /** {@code compare}: baseline names comma-separated in one text ("naive,naive-retry") or as a list; none when absent. */
    private static List<String> baselines(Body b) {
        if (!b.has("compare")) return List.of();
        JsonNode v = b.node().get("compare");
        if (!v.isTextual() && !v.isArray()) {
            throw ApiError.badRequest(
                    "compare",
                    "compare must be baseline names, comma-separated text or a list ("
                            + String.join(", ", Targets.BASELINES) + "), was " + v);
        }
        try {
            return v.isTextual() ? Targets.baselines(v.asText()) : Targets.baselines(b.names("compare"));
        } catch (IllegalArgumentException e) {
            throw ApiError.badRequest("compare", "compare " + v + ": " + e.getMessage());
        }
    }

    /** Refuses, before anything starts, a scenario naming connectors this server does not have. */
    private void checkRunnable(Scenario scenario, String field) {
        Map<String, String> flavors = new LinkedHashMap<>();
        for (ConnectorsFile.Entry e : connectors.get())
            flavors.put(e.spec().id(), e.spec().flavor());
        for (Scenario.Phase p : scenario.phases()) {
            for (Scenario.Load l : p.loads()) {
                if (!runs.workflows().has(l.workflow())) {
                    throw ApiError.badRequest(
                            field,
                            "phase " + p.name() + ": unknown workflow '" + l.workflow() + "'; known: "
                                    + runs.workflows().names());
                }
                Workflow wf = runs.workflows().create(l.workflow());
                boolean any = false;
                for (String c : l.connectors()) {
                    if (c.equals("*")) {
                        any |= flavors.values().stream().anyMatch(wf::supports);
                    } else if (!flavors.containsKey(c)) {
                        throw ApiError.badRequest(field, "unknown connector '" + c + "'; known: " + flavors.keySet());
                    } else {
                        any |= wf.supports(flavors.get(c));
                    }
                }
                if (!any)
                    throw ApiError.badRequest(
                            field, "workflow " + l.workflow() + " supports none of the connectors " + l.connectors());
            }
        }
    }

    private static void accepted(Context ctx, Runs.Run run) {
        ctx.header("Location", "/runs/" + run.id);
        Json.reply(ctx, 202, Map.of("id", run.id, "state", run.state.name()));
    }

    private void list(Context ctx) {
        List<Runs.RunSummary> out = new ArrayList<>();
        for (Runs.Run r : runs.all()) out.add(r.summary());
        Json.reply(ctx, 200, new Runs.RunList(out));
    }

    private void one(Context ctx) {
        Json.reply(ctx, 200, runs.get(ctx.pathParam("id")).detail());
    }

    static final int MAX_REASON = 500;

    private void stop(Context ctx) {
        Runs.Run r = runs.get(ctx.pathParam("id"));
        String reason = "stopped over the API";
        if (ctx.bodyAsBytes().length > 0) {
            Body b = Json.body(ctx).only("reason");
            String given = b.text("reason", null);
            if (given != null) {
                if (given.isBlank() || given.length() > MAX_REASON) {
                    throw ApiError.badRequest(
                            "reason", "reason must be 1 to " + MAX_REASON + " characters, was " + given.length());
                }
                reason = given.strip();
            }
        }
        runs.stop(r, reason);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", r.id);
        out.put("state", "stopping");
        out.put("stop_reason", reason);
        Json.reply(ctx, 202, out);
    }

    private void report(Context ctx) {
        Runs.Run r = runs.get(ctx.pathParam("id"));
        String file = ctx.pathParam("file");
        if (!Runs.REPORT_FILES.contains(file)) {
            throw ApiError.notFound("report file", file, Runs.REPORT_FILES);
        }
        Path path = r.reportDir == null ? null : r.reportDir.resolve(file);
        if (path == null || !Files.isRegularFile(path)) {
            throw new ApiError(
                    404,
                    "no_report",
                    "file",
                    "run " + r.id + " is " + r.state + " and has no " + file
                            + (r.state == Runs.State.running ? " yet" : ""));
        }
        String type = file.endsWith(".json")
                ? "application/json"
                : file.endsWith(".xml") ? "application/xml" : "text/html; charset=utf-8";
        try {
            ctx.contentType(type)
                    .header("Content-Disposition", "inline; filename=\"" + r.id + "-" + file + "\"")
                    .result(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new ApiError(
                    404, "no_report", "file", "cannot read " + file + " of run " + r.id + ": " + e.getMessage());
        }
    }
}
