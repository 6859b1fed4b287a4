package dev.gauntlet.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gauntlet} command: entry point that dispatches to the sub-commands. */
@Command(
        name = "gauntlet",
        mixinStandardHelpOptions = true,
        versionProvider = GauntletCli.Version.class,
        description = {
            "AAM Gauntlet: prove that API integrations survive chaos without losing or duplicating a write.",
            "",
            "Commands that run the whole suite (`./gauntlet test`) live in the launcher script."
        },
        subcommands = {
            UpCommand.class,
            FarmCommand.class,
            AamCommand.class,
            UiCommand.class,
            RunCommand.class,
            ListCommand.class,
            DlqCommand.class,
            CommandLine.HelpCommand.class
        })
public final class GauntletCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, shared by main and the tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new GauntletCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(GauntletCli::failed);
    }

    /**
     * A command that fails at run time (a farm or AAM that cannot be reached, a file that cannot be written) says why
     * in one line and exits 1; the stack trace only with {@code GAUNTLET_DEBUG=1}.
     */
    static int failed(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        String why = e.getMessage() == null ? e.toString() : e.getMessage();
        cli.getErr().println("gauntlet " + cli.getCommandName() + ": " + why);
        if (System.getenv("GAUNTLET_DEBUG") != null) e.printStackTrace(cli.getErr());
        cli.getErr().flush();
        return 1;
    }

    /** Reads the version from the jar manifest, or "dev" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = GauntletCli.class.getPackage().getImplementationVersion();
            return new String[] {"gauntlet " + (v == null ? "dev" : v), "Java " + Runtime.version()};
        }
    }
}
