package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GauntletCliTest {

    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(args);
    }

    @Test
    void shouldDescribeEveryCommandWhenAskedForHelp() {
        assertThat(run("--help").out()).contains("up", "farm");
        CliRun farm = run("farm", "--help");
        assertThat(farm.exit()).isZero();
        assertThat(farm.out()).contains("--port", "--host", "--services", "--seed", "--service-port", "--chaos");
        assertThat(run("up", "--help").out()).contains("--farm-port", "--seed", "--services");
    }

    @Test
    void shouldRefuseAnUnknownOptionWithAClearMessage() {
        CliRun r = run("farm", "--prot", "8001");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option").contains("'--prot'");
    }

    @Test
    void shouldRefuseAServicesFolderThatDoesNotExist() {
        CliRun r =
                run("farm", "--port", "0", "--services", dir.resolve("missing").toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--services must be an existing folder");
    }

    @Test
    void shouldRefuseAPortOutOfRange() {
        CliRun r = run("farm", "--port", "0", "--service-port", "stripe_mock=70000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("must be between 0 and 65535, was 70000");
    }

    @Test
    void shouldParseRepeatedServicePorts() {
        CommandLine cli = GauntletCli.commandLine();
        CommandLine.ParseResult parsed = cli.parseArgs(
                "farm", "--service-port", "stripe_mock=12111", "--service-port", "github_mock=0", "--seed", "9");
        FarmCommand farm = (FarmCommand) parsed.subcommand().commandSpec().userObject();
        assertThat(farm.farm.options.servicePorts)
                .containsEntry("stripe_mock", 12111)
                .containsEntry("github_mock", 0);
        assertThat(farm.farm.options.seed).isEqualTo(9);
    }
}
