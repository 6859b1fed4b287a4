package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmServer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gauntlet farm}: the API Farm alone, so it can run on a machine of its own. */
@Command(
        name = "farm",
        mixinStandardHelpOptions = true,
        description = "Run the API Farm alone: six chaos-ready SaaS simulators (Salesforce, MongoDB Data API, Stripe, "
                + "GitHub, Supabase, Datadog) plus your own services, with the admin API at /admin/status.")
final class FarmCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            defaultValue = "8001",
            description = "Port of the farm (default: ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(
            names = "--data",
            paramLabel = "DIR",
            description =
                    "Keep the ledger and the fault log in this folder (farm-ledger.jsonl, farm-faults.jsonl) and restore them at start, "
                            + "so a restart loses no ground truth (default: memory only). Records always come back from the seed.")
    Path data;

    @Mixin
    FarmOptionsMixin farm;

    @Mixin
    TokenOption token;

    @Override
    public Integer call() {
        FarmServer server = FarmServer.start(farm.options
                .toConfig(spec, host, port, data)
                .token(token.get(spec).orElse(null))
                .build());
        Banner.farm(server);
        return Running.untilInterrupted(server);
    }
}
