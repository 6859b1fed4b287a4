package dev.gauntlet.cli;

import picocli.CommandLine.ArgGroup;

/** Lets commands share {@link FarmOptions} as a picocli mixin. */
final class FarmOptionsMixin {
    @ArgGroup(exclusive = false, heading = "Farm options:%n")
    FarmOptions options = new FarmOptions();
}
