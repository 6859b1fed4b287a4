package dev.gauntlet.farm.cyclefixture.below;

import dev.gauntlet.farm.cyclefixture.Top;

/** The other half of the deliberate cycle: a subpackage that imports its root package. */
public final class Below {
    private Below() {}

    public static int depth() {
        return 0;
    }

    public static Class<?> root() {
        return Top.class;
    }
}
