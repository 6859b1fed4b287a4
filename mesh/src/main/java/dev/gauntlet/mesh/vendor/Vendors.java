package dev.gauntlet.mesh.vendor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The vendors the mesh knows: every {@link Vendor} on the class path ({@code META-INF/services/dev.gauntlet.mesh.vendor.Vendor}),
 * the built-ins first. One source for the list of flavours a connector may name.
 */
public final class Vendors {

    /** Where the built-ins live (the machinery, which this exported package may not import: named, not referenced). */
    private static final String BUILT_IN_PACKAGE = "dev.gauntlet.mesh.internal.vendor";

    private static final Map<String, Vendor> BY_NAME = load();

    private Vendors() {}

    private static Map<String, Vendor> load() {
        var out = new LinkedHashMap<String, Vendor>();
        // The built-ins first whatever the class-path order (a plug-in jar may come before the mesh's own).
        List<Vendor> found = new ArrayList<>();
        ServiceLoader.load(Vendor.class, Vendors.class.getClassLoader()).forEach(found::add);
        found.sort(Comparator.comparing(v -> !v.getClass().getPackageName().equals(BUILT_IN_PACKAGE)));
        for (Vendor v : found) {
            Vendor before = out.putIfAbsent(v.name(), v);
            if (before != null && before.getClass() != v.getClass()) {
                throw new IllegalStateException("two vendors are named '" + v.name() + "': "
                        + before.getClass().getName() + " and " + v.getClass().getName());
            }
        }
        if (!out.containsKey("rest"))
            throw new IllegalStateException("the built-in vendors are missing from the class path (no 'rest')");
        return Collections.unmodifiableMap(out);
    }

    /** The vendor of this name. */
    public static Vendor get(String name) {
        Vendor v = name == null ? null : BY_NAME.get(name);
        if (v == null) throw new IllegalArgumentException("flavor must be one of " + names() + ", was '" + name + "'");
        return v;
    }

    public static boolean exists(String name) {
        return name != null && BY_NAME.containsKey(name);
    }

    /** Every vendor's name: the built-ins in the order this module's service file lists them, then the plug-ins'. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
