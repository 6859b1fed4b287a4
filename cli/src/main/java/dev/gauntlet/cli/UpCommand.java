package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.server.AamServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gauntlet up}: the farm and the AAM server in one process, on embedded defaults. The UI joins on its port later. */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Run the whole gauntlet in one process on embedded defaults and print its URLs:",
                "the API Farm (8001) and the AAM server (8002) pointed at it; port 3000 is kept for the UI.",
                "Stop with Ctrl-C."})
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--farm-port", defaultValue = "8001", description = "Port of the API Farm (default: ${DEFAULT-VALUE}).")
    int farmPort;

    @Option(names = "--aam-port", defaultValue = "8002", description = "Port of the AAM server (default: ${DEFAULT-VALUE}).")
    int aamPort;

    @Option(names = "--ui-port", defaultValue = "3000", description = "Port of the control-room UI (default: ${DEFAULT-VALUE}; reserved, the UI is not served yet).")
    int uiPort;

    @Mixin
    FarmOptionsMixin farm;

    @ArgGroup(exclusive = false, heading = "AAM options:%n")
    AamOptions aam = new AamOptions();

    @Override
    public Integer call() {
        Started s = start();
        Banner.farm(s.farm());
        Banner.aam(s.aam());
        return Running.untilInterrupted(s.farm(), s.aam());
    }

    /** The farm and the AAM pointed at it (the farm is closed again when the AAM cannot start). */
    Started start() {
        FarmServer farmServer = FarmServer.start(farm.options.toConfig(spec, host, farmPort).build());
        try {
            return new Started(farmServer, AamServer.start(aam.toConfig(spec, host, aamPort, farmServer.url()).build()));
        } catch (IllegalArgumentException e) {
            farmServer.close();
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (RuntimeException e) {
            farmServer.close();
            throw e;
        }
    }

    /** What {@code up} started. */
    record Started(FarmServer farm, AamServer aam) {}
}
