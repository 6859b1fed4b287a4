package dev.gauntlet.cli;

import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.scenario.ScenarioLoader;
import dev.gauntlet.harness.workflow.Workflows;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gauntlet list}: the scenarios, workflows and connectors a run can use. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List built-in (and your) scenarios, workflows and connectors.")
final class ListCommand implements Callable<Integer> {

    @Option(names = "--workflows", description = "Folder of YAML step workflows to include.")
    Path workflowsDir;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.println("scenarios:");
        ScenarioLoader.builtInDescriptions().forEach((n, d) -> out.printf("  %-22s %s%n", n, d));
        out.println("workflows:");
        var wf = Workflows.discover(workflowsDir);
        wf.names().forEach(n -> out.printf("  %-22s %s%n", n, wf.descriptions().get(n)));
        out.println("connectors (built in, for a farm at URL):");
        for (var e : ConnectorsFile.builtIn("http://FARM")) {
            out.printf(
                    "  %-22s %-10s %s%n",
                    e.spec().id(), e.spec().flavor(), e.spec().baseUrl());
        }
        out.flush();
        return 0;
    }
}
