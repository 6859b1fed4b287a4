package dev.gauntlet.farm.runtime;

import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ServiceSpec;
import java.lang.reflect.RecordComponent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What reloading a changed service file keeps and what it starts over, decided from the old and the new spec alone.
 *
 * <p>The rule. The farm's state of a resource is three things that must agree: its records, the idempotency keys of
 * the writes that made them (a key replays an answer naming a record), and its ledger entries (the checker's ground
 * truth of those writes). Keeping one of them while resetting another is what made a correct keyed retry after a
 * reload look like a duplicate, so the three are kept or reset together:
 * <ul>
 *   <li>A resource keeps its records (the very same store), keys and ledger entries when its {@link ResourceSpec} is
 *       equal to the old one - every component, so a setting added to resources later counts as well - and none of
 *       the service-wide settings that shape records, keys or operations changed: {@code flavor} (record ids, shapes
 *       and routes), {@code idempotency} (what a key is and how long it lives), {@code ledger} (how commits are
 *       grouped into operations). Otherwise its records are generated again from the seed, its ledger entries are
 *       dropped with the keys they name, and the fault log and status say so.</li>
 *   <li>The other settings shape the wire, not the records, and keep everything: {@code description}, {@code
 *       base_path}, {@code port}, {@code error_profile}, {@code rate_limit} (a new bucket), {@code drift} (rules
 *       start over), {@code max_body_bytes}, {@code options} (today's flavour options set latency and names on the
 *       wire; one that shaped records would belong in the list above), {@code auth} (new tokens: clients log in
 *       again, as after a vendor revokes its tokens).</li>
 *   <li>Request counters and each client's request ordinal are always kept: they count traffic that happened, and
 *       the fault planner's sequence goes on instead of starting over.</li>
 * </ul>
 *
 * @param kept        resources whose records, keys and ledger entries stay
 * @param reset       resources that start over (changed or gone), with the reason
 * @param added       resources new in this version, generated from the seed
 * @param keepsKeys   the idempotency-key store stays (minus the keys of reset resources)
 * @param keepsTokens issued tokens stay valid
 * @param keepsLimits the rate-limit buckets stay as they are
 * @param keepsDrift  drift rules that fired stay fired
 */
public record ServiceReload(
        Instant at,
        List<String> kept,
        List<Reset> reset,
        List<String> added,
        boolean keepsKeys,
        boolean keepsTokens,
        boolean keepsLimits,
        boolean keepsDrift) {

    /** A resource that starts over, and why. */
    public record Reset(String resource, String reason) {}

    public ServiceReload {
        kept = List.copyOf(kept);
        reset = List.copyOf(reset);
        added = List.copyOf(added);
    }

    /** The plan for replacing {@code before} with {@code after} (the same service id). */
    public static ServiceReload between(ServiceSpec before, ServiceSpec after, Instant at) {
        if (!before.id().equals(after.id())) {
            throw new IllegalArgumentException(
                    "a reload keeps the service id, was " + before.id() + " → " + after.id());
        }
        String serviceWide = serviceWideChange(before, after);
        var kept = new ArrayList<String>();
        var reset = new ArrayList<Reset>();
        var added = new ArrayList<String>();
        for (ResourceSpec now : after.resources()) {
            ResourceSpec was = find(before, now.name());
            if (was == null) {
                added.add(now.name());
            } else if (serviceWide != null) {
                reset.add(new Reset(now.name(), serviceWide));
            } else if (!was.equals(now)) {
                reset.add(new Reset(now.name(), "schema changed: " + String.join(", ", differences(was, now))));
            } else {
                kept.add(now.name());
            }
        }
        for (ResourceSpec was : before.resources()) {
            if (find(after, was.name()) == null) reset.add(new Reset(was.name(), "removed from the file"));
        }
        boolean sameFlavor = before.flavor().equals(after.flavor());
        return new ServiceReload(
                at,
                kept,
                reset,
                added,
                sameFlavor && Objects.equals(before.idempotency(), after.idempotency()),
                // A token's shape is the flavour's, and who may hold one is the auth block's.
                sameFlavor && before.auth().equals(after.auth()),
                before.rateLimit().equals(after.rateLimit()),
                before.drift().equals(after.drift()));
    }

    /** The reason every resource starts over, or null when no service-wide setting that shapes them changed. */
    private static String serviceWideChange(ServiceSpec before, ServiceSpec after) {
        if (!before.flavor().equals(after.flavor()))
            return "flavor changed: " + before.flavor() + " → " + after.flavor();
        if (!Objects.equals(before.idempotency(), after.idempotency())) return "idempotency changed";
        if (!before.ledger().equals(after.ledger())) return "ledger changed";
        return null;
    }

    /** The names of the components that differ, read from the record itself so that new components are named too. */
    private static List<String> differences(ResourceSpec was, ResourceSpec now) {
        var out = new ArrayList<String>();
        for (RecordComponent c : ResourceSpec.class.getRecordComponents()) {
            try {
                if (!Objects.equals(c.getAccessor().invoke(was), c.getAccessor().invoke(now)))
                    out.add(snakeCase(c.getName()));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("record accessor of " + c.getName() + " is public", e);
            }
        }
        return out;
    }

    private static String snakeCase(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static ResourceSpec find(ServiceSpec spec, String name) {
        return spec.resources().stream()
                .filter(r -> r.name().equals(name))
                .findFirst()
                .orElse(null);
    }
}
