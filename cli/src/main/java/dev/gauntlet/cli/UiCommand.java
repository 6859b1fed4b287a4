package dev.gauntlet.cli;

import dev.gauntlet.server.UiServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gauntlet ui}: the control room alone, in front of an AAM and a farm that run elsewhere. */
@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the control-room UI alone, for an AAM and a farm that run elsewhere (gauntlet up serves it itself).",
            "The browser reaches the AAM under /api and the farm under /farm through this server: no CORS needed."
        })
final class UiCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "3000",
            description = "Port of the UI (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @picocli.CommandLine.Mixin
    TokenOption token;

    @Option(
            names = "--aam-url",
            defaultValue = "http://127.0.0.1:8002",
            description = "The AAM the UI shows (default: ${DEFAULT-VALUE}).")
    String aamUrl;

    @Option(
            names = "--farm-url",
            defaultValue = "http://127.0.0.1:8001",
            description = "The farm the UI controls (default: ${DEFAULT-VALUE}).")
    String farmUrl;

    @Override
    public Integer call() {
        UiServer ui = start();
        Banner.ui(ui);
        return Running.untilInterrupted(ui);
    }

    /** The UI server, or a usage error naming the option that cannot work. */
    UiServer start() {
        UiServer.Config config;
        try {
            config = new UiServer.Config(host, port, aamUrl, farmUrl, token.get(spec));
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            String option = m.startsWith("aam")
                    ? "--aam-url"
                    : m.startsWith("farm") ? "--farm-url" : m.contains("token") ? "--token" : "--port";
            throw new ParameterException(spec.commandLine(), option + ": " + m);
        }
        return UiServer.start(config);
    }
}
