package dev.gauntlet.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One {@code gauntlet} command run in-process, with what it printed: the CLI tests' shared helper. */
record CliRun(int exit, String out, String err) {

    static CliRun of(String... args) {
        CommandLine cli = GauntletCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }
}
