package dev.gauntlet.cli;

import dev.gauntlet.server.AamConfig;
import dev.gauntlet.server.AamServer;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code gauntlet aam}: the AAM server (connectors, runs, metrics, events, the egress proxy) in front of a farm. */
@Command(
        name = "aam",
        mixinStandardHelpOptions = true,
        description = {
            "Run the AAM server: the mesh's API, event stream, Prometheus scrape and egress proxy (/proxy/{connector}/…).",
            "Its connectors point at the farm at --farm-url. Stop with Ctrl-C."
        })
final class AamCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(
            names = "--host",
            defaultValue = "127.0.0.1",
            description = "Address to bind (default: ${DEFAULT-VALUE}; the proxy injects credentials, keep it local).")
    String host;

    @Option(names = "--port", defaultValue = "8002", description = "Port (default: ${DEFAULT-VALUE}).")
    int port;

    @picocli.CommandLine.Mixin
    TokenOption token;

    @Option(
            names = "--farm-url",
            defaultValue = AamConfig.DEFAULT_FARM_URL,
            description = "The API Farm (default: ${DEFAULT-VALUE}).")
    String farmUrl;

    @ArgGroup(exclusive = false, heading = "AAM options:%n")
    AamOptions options = new AamOptions();

    @Override
    public Integer call() {
        AamServer server;
        try {
            server = AamServer.start(options.toConfig(spec, host, port, farmUrl, token.get(spec)));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Banner.aam(server);
        return Running.untilInterrupted(server);
    }
}
