package dev.gauntlet.farm.flavor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The registry of vendor flavours by name. Flavours are stateless; all state lives in the service runtime. */
public final class Flavors {
    private Flavors() {}

    private static final Map<String, Flavor> ALL = new LinkedHashMap<>();

    static {
        register(new RestFlavor());
        register(new SalesforceFlavor());
        register(new StripeFlavor());
        register(new GitHubFlavor());
        register(new SupabaseFlavor());
        register(new MongoFlavor());
        register(new DatadogFlavor());
    }

    private static void register(Flavor flavor) {
        ALL.put(flavor.name(), flavor);
    }

    public static boolean isKnown(String name) {
        return ALL.containsKey(name);
    }

    public static Set<String> names() {
        return ALL.keySet();
    }

    public static Flavor get(String name) {
        Flavor f = ALL.get(name);
        if (f == null) throw new IllegalArgumentException("flavor must be one of " + ALL.keySet() + ", was '" + name + "'");
        return f;
    }
}
