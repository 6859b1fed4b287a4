package dev.gauntlet.farm.vendor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The registry of vendors by name, found through {@link ServiceLoader} (the built-ins are listed in
 * {@code META-INF/services/dev.gauntlet.farm.vendor.Vendor}, in the order error messages name them; a jar on the class
 * path can add its own). Vendors are stateless; all state lives in the service runtime.
 */
public final class Vendors {
    private Vendors() {}

    // Looked up through the service file rather than named here, so this package never imports its subpackages.
    private static final Map<String, Vendor> ALL = load();

    private static Map<String, Vendor> load() {
        Map<String, Vendor> all = new LinkedHashMap<>();
        for (Vendor vendor : ServiceLoader.load(Vendor.class, Vendor.class.getClassLoader())) {
            Vendor before = all.putIfAbsent(vendor.name(), vendor);
            if (before != null) {
                throw new IllegalStateException("two vendors are named '" + vendor.name() + "': "
                        + before.getClass().getName() + " and "
                        + vendor.getClass().getName());
            }
        }
        return Collections.unmodifiableMap(all);
    }

    public static boolean isKnown(String name) {
        return ALL.containsKey(name);
    }

    public static Set<String> names() {
        return ALL.keySet();
    }

    public static Vendor get(String name) {
        Vendor v = ALL.get(name);
        if (v == null)
            throw new IllegalArgumentException("flavor must be one of " + ALL.keySet() + ", was '" + name + "'");
        return v;
    }
}
