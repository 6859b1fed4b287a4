package dev.gauntlet.cli;

import dev.gauntlet.farm.FarmConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Farm options shared by {@code gauntlet farm} and {@code gauntlet up}. */
final class FarmOptions {

    @Option(
            names = "--services",
            paramLabel = "DIR",
            description =
                    "Folder of your own service YAML files, loaded at start and re-read when they change (no restart).")
    Path services;

    @Option(
            names = "--seed",
            paramLabel = "N",
            defaultValue = "42",
            description =
                    "Seed of every fault decision and generated record; the same seed and request sequence give the same faults (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--service-port",
            paramLabel = "ID=PORT",
            description =
                    "Also serve a service at the root of a port of its own, for SDKs that cannot add a path prefix (repeatable), e.g. stripe_mock=12111.")
    Map<String, Integer> servicePorts = new LinkedHashMap<>();

    @Option(
            names = "--chaos",
            paramLabel = "FILE",
            description = "Your own chaos levels and error profiles (copy farm/src/main/resources/chaos/levels.yaml).")
    Path chaos;

    /**
     * @param data the folder the ledger and the fault log are kept in across restarts ({@code farm-ledger.jsonl},
     *             {@code farm-faults.jsonl}); null keeps them in memory only
     */
    FarmConfig.Builder toConfig(CommandSpec spec, String host, int port, Path data) {
        if (data != null && Files.exists(data) && !Files.isDirectory(data)) {
            throw new ParameterException(spec.commandLine(), "--data must be a folder, was '" + data + "' (a file)");
        }
        if (services != null && !Files.isDirectory(services)) {
            throw new ParameterException(
                    spec.commandLine(), "--services must be an existing folder, was '" + services + "'");
        }
        if (chaos != null && !Files.isRegularFile(chaos)) {
            throw new ParameterException(spec.commandLine(), "--chaos must be an existing file, was '" + chaos + "'");
        }
        FarmConfig.Builder b;
        try {
            b = FarmConfig.builder()
                    .host(host)
                    .port(port)
                    .seed(seed)
                    .servicesDir(services)
                    .chaosFile(chaos)
                    .dataDir(data);
            servicePorts.forEach(b::servicePort);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        return b;
    }
}
