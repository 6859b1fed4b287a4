package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.server.AamServer;
import dev.gauntlet.server.UiServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gauntlet up}: the farm, the AAM server and the control-room UI in one process, on embedded defaults. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Run the whole gauntlet in one process on embedded defaults and print its URLs:",
            "the API Farm (8001), the AAM server (8002) pointed at it and the control-room UI (3000).",
            "Stop with Ctrl-C."
        })
final class UpCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--farm-port",
            defaultValue = "8001",
            description = "Port of the API Farm (default: ${DEFAULT-VALUE}).")
    int farmPort;

    @Option(
            names = "--aam-port",
            defaultValue = "8002",
            description = "Port of the AAM server (default: ${DEFAULT-VALUE}).")
    int aamPort;

    @Option(
            names = "--ui-port",
            defaultValue = "3000",
            description = "Port of the control-room UI (default: ${DEFAULT-VALUE}).")
    int uiPort;

    @Mixin
    FarmOptionsMixin farm;

    @Mixin
    TokenOption token;

    @ArgGroup(exclusive = false, heading = "AAM options:%n")
    AamOptions aam = new AamOptions();

    @Override
    public Integer call() {
        Started s = start();
        Banner.farm(s.farm());
        Banner.aam(s.aam());
        Banner.ui(s.ui());
        return Running.untilInterrupted(s.farm(), s.aam(), s.ui());
    }

    /** The farm, the AAM pointed at it and the UI in front of both (what started is closed again when a later part cannot start). */
    Started start() {
        if (uiPort < 0 || uiPort > 65_535)
            throw new ParameterException(spec.commandLine(), "--ui-port must be 0-65535, was " + uiPort);
        // One token for all three servers: the UI sends it on to the AAM and the farm, the AAM to the farm.
        var access = token.get(spec);
        // The farm keeps its ground truth (ledger, fault log) in the same data folder as the AAM's store.
        FarmServer farmServer = FarmServer.start(farm.options
                .toConfig(spec, host, farmPort, aam.data)
                .token(access.orElse(null))
                .build());
        AamServer aamServer = null;
        try {
            aamServer = AamServer.start(aam.toConfig(spec, host, aamPort, farmServer.url(), access));
            UiServer ui = UiServer.start(new UiServer.Config(host, uiPort, aamServer.url(), farmServer.url(), access));
            return new Started(farmServer, aamServer, ui);
        } catch (IllegalArgumentException e) {
            closeAll(aamServer, farmServer);
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (RuntimeException e) {
            closeAll(aamServer, farmServer);
            throw e;
        }
    }

    private static void closeAll(AamServer aamServer, FarmServer farmServer) {
        if (aamServer != null) aamServer.close();
        farmServer.close();
    }

    /** What {@code up} started. */
    record Started(FarmServer farm, AamServer aam, UiServer ui) implements AutoCloseable {
        @Override
        public void close() {
            ui.close();
            aam.close();
            farm.close();
        }
    }
}
