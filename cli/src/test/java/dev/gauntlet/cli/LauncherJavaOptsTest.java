package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The launcher's JVM flags: a bounded run of up to 5 minutes gets the C1 compiler only, servers and long runs keep C2. */
class LauncherJavaOptsTest {

    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    @ParameterizedTest
    @CsvSource({
        "run mild, true",
        "run mild --duration 60s, true",
        "run mild --duration=300, true",
        "run mild --duration 5m, true",
        "run mild --duration 6m, false",
        "run mild --duration=2h, false",
        "run mild --duration soon, false",
        "up, false",
        "aam --port 8002, false",
    })
    void shouldGiveC1OnlyToShortRunsAlone(String args, boolean c1Only) throws Exception {
        Path launcher = Path.of("..", "gauntlet").toAbsolutePath().normalize();
        assertThat(launcher).exists();
        var command = new ArrayList<>(List.of("bash", launcher.toString(), "java-opts"));
        command.addAll(List.of(args.split(" ")));
        var pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("GAUNTLET_JAVA_OPTS");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.exitValue()).as(out).isZero();
        String flags = out.lines().reduce((a, b) -> b).orElse("");
        assertThat(flags).as(args).contains("-XX:+UseG1GC");
        assertThat(flags.contains(C1_ONLY)).as(args + " -> " + flags).isEqualTo(c1Only);
        assertThat(Files.isRegularFile(launcher)).isTrue();
    }
}
