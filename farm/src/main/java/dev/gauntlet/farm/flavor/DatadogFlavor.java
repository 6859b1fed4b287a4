package dev.gauntlet.farm.flavor;

/** TEMPORARY placeholder until the vendor flavour lands. */
public final class DatadogFlavor extends RestFlavor {
    @Override
    public String name() {
        return "datadog";
    }
}
