package dev.gauntlet.farm.flavor;

/** TEMPORARY placeholder until the vendor flavour lands. */
public final class GitHubFlavor extends RestFlavor {
    @Override
    public String name() {
        return "github";
    }
}
