package dev.gauntlet.farm.flavor;

/** TEMPORARY placeholder until the vendor flavour lands. */
public final class StripeFlavor extends RestFlavor {
    @Override
    public String name() {
        return "stripe";
    }
}
