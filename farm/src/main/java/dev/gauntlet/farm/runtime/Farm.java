package dev.gauntlet.farm.runtime;

import dev.gauntlet.farm.chaos.ChaosCatalog;
import dev.gauntlet.farm.chaos.ChaosControl;
import dev.gauntlet.farm.chaos.FaultPlanner;
import dev.gauntlet.farm.chaos.FaultScript;
import dev.gauntlet.farm.ledger.FaultLog;
import dev.gauntlet.farm.ledger.Ledger;
import dev.gauntlet.farm.spec.ServiceSpec;
import dev.gauntlet.farm.spec.SpecError;
import dev.gauntlet.farm.spec.SpecLoader;
import dev.gauntlet.farm.vendor.FarmParts;
import dev.gauntlet.farm.vendor.Vendor;
import dev.gauntlet.farm.vendor.Vendors;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The farm's model without HTTP: services, the chaos dial, the fault planner and the two ground-truth logs.
 * The server (the root package's {@code FarmServer}) puts it on the wire.
 */
public final class Farm implements FarmParts {

    private volatile long seed;
    private final InstantSource clock;
    private final ChaosControl chaos;
    private volatile FaultPlanner planner;
    private final Ledger ledger = new Ledger();
    private final FaultLog faults = new FaultLog(200_000);
    private final FaultScript script = new FaultScript();
    private final Map<String, ServiceRuntime> services = new ConcurrentHashMap<>();
    private final Map<String, SpecError> loadErrors = new ConcurrentHashMap<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile ServiceRuntime[] byPrefix = new ServiceRuntime[0];

    public Farm(long seed, InstantSource clock, ChaosCatalog catalog) {
        this.seed = seed;
        this.clock = clock;
        this.chaos = new ChaosControl(catalog, clock);
        this.planner = new FaultPlanner(seed);
    }

    public long seed() {
        return seed;
    }

    public InstantSource clock() {
        return clock;
    }

    public ChaosControl chaos() {
        return chaos;
    }

    public FaultPlanner planner() {
        return planner;
    }

    public Ledger ledger() {
        return ledger;
    }

    public FaultLog faults() {
        return faults;
    }
    /** Faults scripted for the next matching requests ({@code POST /admin/faults/script}). */
    public FaultScript script() {
        return script;
    }

    /** A loader that knows this farm's flavours and error profiles. */
    public SpecLoader loader() {
        return new SpecLoader(Vendors::isKnown, chaos.catalog().profiles().keySet());
    }

    /** Starts serving a service, or reloads the one with the same id (see {@link ServiceReload}). Returns it. */
    public ServiceRuntime install(ServiceSpec spec, String source) {
        return install(spec, source, null);
    }

    /**
     * As {@link #install(ServiceSpec, String)}, and takes over from the service {@code replacing} (a file that now
     * names another id): that one stops in the same step, so the two may share a base path.
     *
     * @throws IllegalArgumentException when the base path clashes with another service's (see {@link #basePathClash})
     */
    public synchronized ServiceRuntime install(ServiceSpec spec, String source, String replacing) {
        String clash = basePathClash(spec, replacing);
        if (clash != null) throw new IllegalArgumentException(clash);
        ServiceRuntime old = services.get(spec.id());
        ServiceRuntime runtime;
        if (old == null) {
            runtime = create(spec, source);
        } else {
            ServiceReload plan = ServiceReload.between(old.spec(), spec, clock.instant());
            runtime = old.reloaded(
                    spec,
                    Vendors.get(spec.flavor()),
                    source,
                    chaos.catalog().profile(spec.errorProfile()),
                    seed,
                    clock,
                    plan);
        }
        services.put(spec.id(), runtime);
        if (replacing != null && !replacing.equals(spec.id())) remove(replacing);
        reindex();
        if (old != null) forgetReset(runtime, runtime.lastReload());
        return runtime;
    }

    /**
     * Why another service's base path stands in the way of this one, or null. Two services may not share a base path,
     * nor may one lie under the other at a segment boundary ({@code /api/x} and {@code /api/x/v2}): the longer one
     * would silently take part of the shorter one's paths.
     *
     * @param replacing a service the spec takes over from (ignored like the spec's own id), or null
     */
    public synchronized String basePathClash(ServiceSpec spec, String replacing) {
        String mine = spec.basePath();
        for (ServiceRuntime other : services()) {
            if (other.id().equals(spec.id()) || other.id().equals(replacing)) continue;
            String theirs = other.spec().basePath();
            if (mine.equals(theirs)) {
                return "base_path " + mine + " is already served by " + other.id() + " (" + sourceName(other) + ")";
            }
            if (under(mine, theirs) || under(theirs, mine)) {
                return "base_path " + mine + " overlaps " + theirs + " of " + other.id() + " (" + sourceName(other)
                        + "): one would take part of the other's paths";
            }
        }
        return null;
    }

    private static boolean under(String path, String base) {
        return base.equals("/") || path.startsWith(base + "/");
    }

    /** A source as a reader knows it: the file's name, or "built-in". */
    static String sourceName(ServiceRuntime s) {
        String source = s.source();
        return source.equals("built-in")
                ? source
                : Path.of(source).getFileName().toString();
    }

    /**
     * Stops serving a service. Its records go, and with them its ledger entries (said in the fault log per resource),
     * so that a service of that id loaded later does not meet entries for records it never had.
     */
    public synchronized void remove(String id) {
        ServiceRuntime gone = services.remove(id);
        reindex();
        if (gone == null) return;
        for (String resource : gone.stores().keySet()) {
            faults.recordReloadReset(id, resource, "service removed", clock.instant());
        }
        ledger.drop(id, null);
    }

    /**
     * The other half of a reload's resets: a reset resource's ledger entries are dropped, and so are the idempotency
     * keys those entries name (their stored answers name records that no longer exist), and the fault log says so.
     * Keys of kept resources stay, so a keyed retry there still gets its stored answer.
     */
    private void forgetReset(ServiceRuntime runtime, ServiceReload plan) {
        for (ServiceReload.Reset reset : plan.reset()) {
            List<Ledger.Entry> dropped = ledger.drop(runtime.id(), reset.resource());
            if (runtime.idempotency() != null && plan.keepsKeys()) {
                runtime.idempotency()
                        .forget(dropped.stream()
                                .map(Ledger.Entry::idempotencyKey)
                                .filter(Objects::nonNull)
                                .collect(Collectors.toSet()));
            }
            faults.recordReloadReset(runtime.id(), reset.resource(), reset.reason(), plan.at());
        }
    }

    private ServiceRuntime create(ServiceSpec spec, String source) {
        Vendor vendor = Vendors.get(spec.flavor());
        return new ServiceRuntime(spec, vendor, source, chaos.catalog().profile(spec.errorProfile()), seed, clock);
    }

    public ServiceRuntime service(String id) {
        return services.get(id);
    }

    public List<ServiceRuntime> services() {
        var out = new ArrayList<>(services.values());
        out.sort(Comparator.comparing(ServiceRuntime::id));
        return out;
    }

    public void reportError(String file, SpecError error) {
        loadErrors.put(file, error);
    }

    public void clearError(String file) {
        loadErrors.remove(file);
    }

    public List<SpecError> loadErrors() {
        return List.copyOf(loadErrors.values());
    }

    /** The service whose base path is the longest prefix of the path, or null. */
    public ServiceRuntime forPath(String path) {
        for (ServiceRuntime s : byPrefix) {
            String base = s.spec().basePath();
            if (path.startsWith(base) && (path.length() == base.length() || path.charAt(base.length()) == '/'))
                return s;
        }
        return null;
    }

    /** Back to the start: records regenerated from the seed, counters, tokens, logs, drift and chaos cleared. */
    public void reset() {
        reset(seed);
    }

    /**
     * Back to the start under another seed: the fault planner and every service's records are rebuilt from it, so a
     * run against a long-lived farm ({@code gauntlet run --seed N --farm-url …}) meets the faults that seed gives.
     */
    public synchronized void reset(long newSeed) {
        if (newSeed != seed) {
            seed = newSeed;
            planner = new FaultPlanner(newSeed);
            // Afresh, not reloaded: every record comes from the new seed.
            for (ServiceRuntime s : services()) services.put(s.id(), create(s.spec(), s.source()));
            reindex();
        }
        services.values().forEach(ServiceRuntime::reset);
        ledger.clear();
        faults.clear();
        script.clear();
        chaos.reset();
    }

    /** Waits up to the given time, returning early when the farm stops; injected delays use it so a stop never hangs. */
    public boolean pause(long millis) {
        if (millis <= 0) return true;
        try {
            return !stopping.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Ends every injected wait at once ({@link #pause} returns false); the server calls it when it closes. */
    public void stop() {
        stopping.countDown();
    }

    private void reindex() {
        byPrefix = services.values().stream()
                .sorted(Comparator.comparingInt(
                                (ServiceRuntime s) -> s.spec().basePath().length())
                        .reversed())
                .toArray(ServiceRuntime[]::new);
    }
}
