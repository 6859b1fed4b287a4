package dev.gauntlet.farm.cyclefixture;

import dev.gauntlet.farm.cyclefixture.below.Below;

/** Half of a deliberate cycle through a root package, for {@code FarmImportCyclesTest}. */
public final class Top {
    private Top() {}

    public static int depth() {
        return Below.depth() + 1;
    }
}
