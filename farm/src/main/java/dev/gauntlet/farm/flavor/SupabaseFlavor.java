package dev.gauntlet.farm.flavor;

/** TEMPORARY placeholder until the vendor flavour lands. */
public final class SupabaseFlavor extends RestFlavor {
    @Override
    public String name() {
        return "supabase";
    }
}
