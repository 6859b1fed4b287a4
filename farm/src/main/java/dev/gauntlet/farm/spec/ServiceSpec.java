package dev.gauntlet.farm.spec;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One simulated SaaS service exactly as its YAML file declares it; every value is checked on construction.
 *
 * @param id            stable service id, e.g. {@code stripe_mock}
 * @param flavor        vendor behaviour (envelopes, headers, routes): salesforce, stripe, github, supabase, mongodb,
 *                      datadog or rest
 * @param basePath      prefix under which the service answers on the farm's main port
 * @param port          optional port of its own where it answers at the root (vendor SDKs that cannot add a prefix)
 * @param errorProfile  name of the fault mix chaos uses for this service (see chaos/levels.yaml)
 * @param maxBodyBytes  request bodies above this size get the vendor's 413
 * @param options       flavour-specific settings (API version, app id, …), documented per flavour
 * @param secondaryLimits the vendor's limits beside {@code rate_limit} (GitHub's secondary rate limits), checked right
 *                      after it; none by default
 */
public record ServiceSpec(
        String id,
        String flavor,
        String basePath,
        Integer port,
        String description,
        AuthSpec auth,
        RateLimitSpec rateLimit,
        String errorProfile,
        List<DriftRule> drift,
        List<ResourceSpec> resources,
        LedgerSpec ledger,
        IdempotencySpec idempotency,
        Long maxBodyBytes,
        Map<String, String> options,
        List<SecondaryLimitSpec> secondaryLimits) {

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    public ServiceSpec {
        Check.text("id", id);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException(
                    "id must be lower-case letters, digits and '_' starting with a letter, was '" + id + "'");
        }
        flavor = flavor == null ? "rest" : flavor;
        basePath = Check.path("base_path", basePath == null ? "/api/" + id : basePath);
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
        }
        description = description == null ? "" : description;
        auth = auth == null ? AuthSpec.NONE : auth;
        rateLimit = rateLimit == null ? RateLimitSpec.DEFAULT : rateLimit;
        errorProfile = errorProfile == null ? "mostly_ok" : errorProfile;
        drift = drift == null ? List.of() : List.copyOf(drift);
        resources = List.copyOf(Check.notEmpty("resources", resources));
        ledger = ledger == null ? LedgerSpec.DEFAULT : ledger;
        maxBodyBytes = Check.atLeast("max_body_bytes", 1, maxBodyBytes == null ? 1_048_576L : maxBodyBytes);
        options = options == null ? Map.of() : Map.copyOf(options);
        secondaryLimits = secondaryLimits == null ? List.of() : List.copyOf(secondaryLimits);
        if (secondaryLimits.stream().map(SecondaryLimitSpec::name).distinct().count() != secondaryLimits.size()) {
            throw new IllegalArgumentException("secondary_limits names must be unique, were "
                    + secondaryLimits.stream().map(SecondaryLimitSpec::name).toList());
        }
        for (int i = 0; i < drift.size(); i++) {
            String target = drift.get(i).resource();
            if (target != null && resources.stream().noneMatch(r -> r.name().equals(target))) {
                throw new IllegalArgumentException(
                        "drift[" + i + "].resource names '" + target + "', which is not one of the resources "
                                + resources.stream().map(ResourceSpec::name).toList());
            }
        }
    }

    /** The resource of that name, or an exception naming the known ones. */
    public ResourceSpec resource(String name) {
        return resources.stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("service " + id + " has no resource '" + name + "'"));
    }

    public String option(String key, String fallback) {
        return options.getOrDefault(key, fallback);
    }
}
