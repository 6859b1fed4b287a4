package dev.gauntlet.farm;

import dev.gauntlet.farm.chaos.ChaosCatalog;
import dev.gauntlet.farm.chaos.ChaosControl;
import dev.gauntlet.farm.chaos.FaultPlanner;
import dev.gauntlet.farm.flavor.Flavor;
import dev.gauntlet.farm.flavor.Flavors;
import dev.gauntlet.farm.ledger.FaultLog;
import dev.gauntlet.farm.ledger.Ledger;
import dev.gauntlet.farm.spec.ServiceSpec;
import dev.gauntlet.farm.spec.SpecError;
import dev.gauntlet.farm.spec.SpecLoader;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The farm's model without HTTP: services, the chaos dial, the fault planner and the two ground-truth logs.
 * {@link FarmServer} puts it on the wire.
 */
public final class Farm {

    private volatile long seed;
    private final InstantSource clock;
    private final ChaosControl chaos;
    private volatile FaultPlanner planner;
    private final Ledger ledger = new Ledger();
    private final FaultLog faults = new FaultLog(200_000);
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

    public long seed() { return seed; }
    public InstantSource clock() { return clock; }
    public ChaosControl chaos() { return chaos; }
    public FaultPlanner planner() { return planner; }
    public Ledger ledger() { return ledger; }
    public FaultLog faults() { return faults; }

    /** A loader that knows this farm's flavours and error profiles. */
    public SpecLoader loader() {
        return new SpecLoader(Flavors::isKnown, chaos.catalog().profiles().keySet());
    }

    /** Starts serving a service (replacing one with the same id). Returns the running service. */
    public synchronized ServiceRuntime install(ServiceSpec spec, String source) {
        for (ServiceRuntime other : services.values()) {
            if (!other.id().equals(spec.id()) && other.spec().basePath().equals(spec.basePath())) {
                throw new IllegalArgumentException("base_path " + spec.basePath() + " is already used by " + other.id());
            }
        }
        Flavor flavor = Flavors.get(spec.flavor());
        ServiceRuntime runtime = new ServiceRuntime(spec, flavor, source, chaos.catalog().profile(spec.errorProfile()), seed, clock);
        services.put(spec.id(), runtime);
        reindex();
        return runtime;
    }

    public synchronized void remove(String id) {
        services.remove(id);
        reindex();
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
            if (path.startsWith(base) && (path.length() == base.length() || path.charAt(base.length()) == '/')) return s;
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
            for (ServiceRuntime s : services()) install(s.spec(), s.source());
        }
        services.values().forEach(ServiceRuntime::reset);
        ledger.clear();
        faults.clear();
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

    void stop() {
        stopping.countDown();
    }

    private void reindex() {
        byPrefix = services.values().stream()
                .sorted(Comparator.comparingInt((ServiceRuntime s) -> s.spec().basePath().length()).reversed())
                .toArray(ServiceRuntime[]::new);
    }
}
