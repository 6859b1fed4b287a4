package dev.gauntlet.farm.chaos;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * A service's character under chaos: relative weights of the HTTP-level faults its error-rate share is spread over,
 * weights of the socket-level faults its network share is spread over, and a multiplier on that network share.
 */
public record ErrorProfile(
        String name,
        Map<FaultType, Double> errors,
        Map<FaultType, Double> network,
        Double networkMultiplier,
        Long slowMs,
        Long hangMs) {

    public ErrorProfile {
        errors = normalise(
                name,
                "errors",
                errors == null || errors.isEmpty() ? Map.of(FaultType.server_error, 1.0) : errors,
                false);
        network = normalise(
                name,
                "network",
                network == null || network.isEmpty()
                        ? Map.of(
                                FaultType.reset,
                                1.0,
                                FaultType.close,
                                1.0,
                                FaultType.truncate,
                                1.0,
                                FaultType.timeout,
                                1.0)
                        : network,
                true);
        networkMultiplier = networkMultiplier == null ? 1.0 : networkMultiplier;
        if (networkMultiplier < 0)
            throw new IllegalArgumentException(name + ".network_multiplier must be ≥ 0, was " + networkMultiplier);
        slowMs = slowMs == null ? 1500 : slowMs;
        hangMs = hangMs == null ? 120_000 : hangMs;
    }

    private static Map<FaultType, Double> normalise(
            String profile, String part, Map<FaultType, Double> weights, boolean network) {
        double total = 0;
        for (var e : weights.entrySet()) {
            if (e.getValue() < 0)
                throw new IllegalArgumentException(
                        profile + "." + part + "." + e.getKey() + " must be ≥ 0, was " + e.getValue());
            if (e.getKey() == FaultType.overloaded) {
                throw new IllegalArgumentException(profile + "." + part
                        + " cannot hold overloaded (the farm's own refusal of a late write, never drawn)");
            }
            if (e.getKey().isNetwork() != network && e.getKey() != FaultType.timeout) {
                throw new IllegalArgumentException(profile + "." + part + " cannot hold " + e.getKey()
                        + (network ? " (not a socket fault)" : " (a socket fault: list it under network)"));
            }
            total += e.getValue();
        }
        if (total <= 0)
            throw new IllegalArgumentException(profile + "." + part + " weights must add up to more than 0");
        var out = new EnumMap<FaultType, Double>(FaultType.class);
        for (var e : weights.entrySet()) out.put(e.getKey(), e.getValue() / total);
        return Collections.unmodifiableMap(out);
    }

    /** Picks from a normalised weight map with a uniform draw u in [0,1). */
    static FaultType pick(Map<FaultType, Double> weights, double u) {
        double acc = 0;
        FaultType last = null;
        for (var e : weights.entrySet()) {
            acc += e.getValue();
            last = e.getKey();
            if (u < acc) return last;
        }
        return last;
    }
}
