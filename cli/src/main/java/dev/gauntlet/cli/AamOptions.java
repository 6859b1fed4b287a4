package dev.gauntlet.cli;

import dev.gauntlet.server.AamConfig;
import dev.gauntlet.server.StorageUrls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** AAM options shared by {@code gauntlet aam} and {@code gauntlet up}. */
final class AamOptions {

    @Option(
            names = "--data",
            paramLabel = "DIR",
            defaultValue = "data",
            description = "Where run reports (and the store) go (default: ${DEFAULT-VALUE}).")
    Path data;

    @Option(
            names = "--connectors",
            paramLabel = "FILE",
            description = "A connectors.yaml (default: the six built-in connectors, pointed at the farm).")
    Path connectors;

    @Option(
            names = "--scenarios",
            paramLabel = "DIR",
            description = "Folder of user scenarios (NAME.yaml) that POST /scenarios/run can name.")
    Path scenarios;

    @Option(names = "--workflows", paramLabel = "DIR", description = "Folder of YAML step workflows.")
    Path workflows;

    @Option(
            names = "--store",
            paramLabel = "URL",
            description =
                    "Where the mesh keeps its state: sqlite:PATH, postgresql://HOST:PORT/DB?user=U (shared by several AAM nodes) or memory (default: sqlite in the data folder).")
    String store;

    @Option(
            names = "--recover-after",
            paramLabel = "DURATION",
            defaultValue = "2m",
            description =
                    "Writes left in flight by a stopped process are recovered into the DLQ once this old (default: ${DEFAULT-VALUE}; e.g. 5s on a single node).")
    String recoverAfter;

    @Option(
            names = "--proxy-port",
            paramLabel = "CONNECTOR=PORT",
            description =
                    "Also serve a connector's egress proxy at the root of a port of its own, for clients that take only a host and port (repeatable; 0 = any free port), e.g. stripe_mock=12112.")
    Map<String, Integer> proxyPorts = new LinkedHashMap<>();

    @Option(
            names = "--allow-egress",
            paramLabel = "WHAT",
            split = ",",
            description =
                    "Let connectors reach more than public addresses and the farm (repeatable or comma-separated): loopback, link-local, "
                            + "private, a CIDR range (10.1.0.0/16) or a host name. A connector's credentials go where its base_url and token_url lead.")
    List<String> allowEgress = new ArrayList<>();

    @Option(
            names = "--limits",
            paramLabel = "URL",
            description =
                    "Where rate-limit buckets live: local (default) or redis://[[USER]:PASSWORD@]HOST:PORT/DB?prefix=NAME (shared by the nodes; rediss:// for TLS).")
    String limits;

    @Option(
            names = "--advertise-url",
            paramLabel = "URL",
            description =
                    "The URL other nodes and the UI reach this node at, when it is not the bind address and port (behind NAT, a proxy or a container's port mapping), e.g. http://aam-1.internal:8002.")
    String advertiseUrl;

    /** The AAM's config; a value out of range or a port given twice is a usage error (exit 2). */
    AamConfig toConfig(
            CommandSpec spec, String host, int port, String farmUrl, Optional<dev.gauntlet.http.AccessToken> token) {
        if (connectors != null && !Files.isRegularFile(connectors)) {
            throw new ParameterException(
                    spec.commandLine(), "--connectors must be an existing file, was '" + connectors + "'");
        }
        for (var dir : new Object[][] {{"--scenarios", scenarios}, {"--workflows", workflows}}) {
            if (dir[1] != null && !Files.isDirectory((Path) dir[1])) {
                throw new ParameterException(
                        spec.commandLine(), dir[0] + " must be an existing folder, was '" + dir[1] + "'");
            }
        }
        try {
            AamConfig.Builder b = AamConfig.builder()
                    .host(host)
                    .port(port)
                    .farmUrl(farmUrl)
                    .dataDir(data)
                    .connectorsFile(connectors)
                    .scenariosDir(scenarios)
                    .workflowsDir(workflows)
                    .store(StorageUrls.store(store))
                    .limits(StorageUrls.limits(limits))
                    .recoverAfter(
                            dev.gauntlet.harness.scenario.ScenarioLoader.parseDuration(recoverAfter, "--recover-after"))
                    .token(token)
                    .advertiseUrl(advertiseUrl);
            proxyPorts.forEach(b::proxyPort);
            allowEgress.forEach(b::allowEgress);
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
