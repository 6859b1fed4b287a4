package dev.gauntlet.farm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.chaos.ErrorProfile;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.drift.DriftEngine;
import dev.gauntlet.farm.flavor.Flavor;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.http.RouteTable;
import dev.gauntlet.farm.idempotency.IdempotencyStore;
import dev.gauntlet.farm.limit.ClientLimiter;
import dev.gauntlet.farm.limit.SecondaryLimiter;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ServiceSpec;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One running service: its spec, flavour, records, tokens, limiter, drift state, idempotency keys and counters. */
public final class ServiceRuntime {

    private final ServiceSpec spec;
    private final Flavor flavor;
    private final String source;
    private final ErrorProfile profile;
    private final Map<String, ResourceStore> stores = new LinkedHashMap<>();
    private final ClientLimiter limiter;
    private final SecondaryLimiter secondaryLimits;
    private final TokenStore tokens;
    private final DriftEngine drift;
    private final IdempotencyStore<Reply> idempotency;
    private final RouteTable routes = new RouteTable();
    private final LongAdder requests = new LongAdder();
    private final LongAdder rateLimited = new LongAdder();
    private final AtomicLong calls = new AtomicLong();
    private final Map<String, AtomicLong> ordinals = new ConcurrentHashMap<>();

    ServiceRuntime(ServiceSpec spec, Flavor flavor, String source, ErrorProfile profile, long seed, InstantSource clock) {
        this.spec = spec;
        this.flavor = flavor;
        this.source = source;
        this.profile = profile;
        long serviceSeed = seed * 1_000_003L + spec.id().hashCode();
        for (ResourceSpec r : spec.resources()) {
            stores.put(r.name(), new ResourceStore(r, serviceSeed, flavor.ids()));
        }
        this.limiter = new ClientLimiter(spec.rateLimit(), clock);
        this.secondaryLimits = new SecondaryLimiter(spec.secondaryLimits(), clock);
        this.tokens = new TokenStore(clock, Duration.ofSeconds(spec.auth().tokenTtlS()),
                Duration.ofSeconds(spec.auth().refreshTokenTtlS()), spec.auth().rotateRefreshTokens(), flavor::tokenFormat);
        this.drift = new DriftEngine(spec.drift(), clock);
        this.idempotency = spec.idempotency() == null ? null
                : new IdempotencyStore<>(clock, Duration.ofSeconds(spec.idempotency().ttlS()));
        flavor.routes(this, routes);
    }

    public String id() { return spec.id(); }
    public ServiceSpec spec() { return spec; }
    public Flavor flavor() { return flavor; }
    /** Where the spec came from: "built-in" or the file path. */
    public String source() { return source; }
    public ErrorProfile profile() { return profile; }
    public ClientLimiter limiter() { return limiter; }
    /** The vendor's limits beside the primary one (GitHub's secondary rate limits); empty for most services. */
    public SecondaryLimiter secondaryLimits() { return secondaryLimits; }
    public TokenStore tokens() { return tokens; }
    public DriftEngine drift() { return drift; }
    public RouteTable routes() { return routes; }
    /** Idempotency-key store, or null when the service does not declare idempotency. */
    public IdempotencyStore<Reply> idempotency() { return idempotency; }

    public ResourceStore store(String resource) {
        ResourceStore s = stores.get(resource);
        if (s == null) throw new IllegalArgumentException("service " + spec.id() + " has no resource '" + resource + "'");
        return s;
    }

    public Map<String, ResourceStore> stores() {
        return stores;
    }

    /** The record as the service shows it now (schema drift applied). */
    public ObjectNode present(String resource, ObjectNode record) {
        return drift.apply(resource, record);
    }

    /** Counts a request and fires drift rules that are due. */
    void countRequest() {
        requests.increment();
        drift.onRequest(calls.incrementAndGet());
    }

    /** The client's request number at this service, the planner's input. */
    long nextOrdinal(String client) {
        return ordinals.computeIfAbsent(client, c -> new AtomicLong()).incrementAndGet();
    }

    void countRateLimited() {
        rateLimited.increment();
    }

    public long requests() { return requests.sum(); }
    public long rateLimited() { return rateLimited.sum(); }

    void reset() {
        requests.reset();
        rateLimited.reset();
        calls.set(0);
        ordinals.clear();
        stores.values().forEach(ResourceStore::reset);
        limiter.clear();
        secondaryLimits.clear();
        tokens.clear();
        drift.reset();
        if (idempotency != null) idempotency.clear();
    }
}
