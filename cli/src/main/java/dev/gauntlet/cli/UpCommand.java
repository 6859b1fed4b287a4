package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code gauntlet up}: everything in one process on embedded defaults. Today that is the farm; the mesh and UI join as they land. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run the whole gauntlet in one process on embedded defaults and print its URLs.",
                "Currently starts the API Farm; the AAM mesh (8002) and the UI (3000) are added by their own milestones.",
                "Stop with Ctrl-C."})
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--farm-port", defaultValue = "8001", description = "Port of the API Farm (default: ${DEFAULT-VALUE}).")
    int farmPort;

    @Mixin
    FarmOptionsMixin farm;

    @Override
    public Integer call() {
        FarmServer server = FarmServer.start(farm.options.toConfig(spec, host, farmPort).build());
        Banner.farm(server);
        return Running.untilInterrupted(server);
    }
}
