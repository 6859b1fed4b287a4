package dev.gauntlet.farm.runtime;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.chaos.ErrorProfile;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.drift.DriftEngine;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.idempotency.IdempotencyStore;
import dev.gauntlet.farm.limit.ClientLimiter;
import dev.gauntlet.farm.limit.SecondaryLimiter;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ServiceSpec;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** One running service: its spec, vendor, records, tokens, limiter, drift state, idempotency keys and counters. */
public final class ServiceRuntime implements Service {

    private final ServiceSpec spec;
    private final Vendor vendor;
    private final String source;
    private final ErrorProfile profile;
    private final Map<String, ResourceStore> stores = new LinkedHashMap<>();
    private final ClientLimiter limiter;
    private final SecondaryLimiter secondaryLimits;
    private final TokenStore tokens;
    private final DriftEngine drift;
    private final IdempotencyStore<Reply> idempotency;
    private final RouteTable routes = new RouteTable();
    private final LongAdder requests;
    private final LongAdder rateLimited;
    private final AtomicLong calls;
    private final Map<String, AtomicLong> ordinals;
    private final ServiceReload lastReload;

    /** A service started afresh: records generated from the seed, no keys, tokens or counts. */
    ServiceRuntime(
            ServiceSpec spec, Vendor vendor, String source, ErrorProfile profile, long seed, InstantSource clock) {
        this(spec, vendor, source, profile, seed, clock, null, null);
    }

    /**
     * The service as a changed file declares it, taking over from {@code previous} what {@code reload} keeps. Kept
     * state is handed over as the same objects (not copies), so a request still running on the old runtime writes
     * where the new one reads.
     */
    private ServiceRuntime(
            ServiceSpec spec,
            Vendor vendor,
            String source,
            ErrorProfile profile,
            long seed,
            InstantSource clock,
            ServiceRuntime previous,
            ServiceReload reload) {
        this.spec = spec;
        this.vendor = vendor;
        this.source = source;
        this.profile = profile;
        this.lastReload = reload;
        long serviceSeed = seed * 1_000_003L + spec.id().hashCode();
        for (ResourceSpec r : spec.resources()) {
            boolean keep = reload != null && reload.kept().contains(r.name());
            stores.put(
                    r.name(), keep ? previous.stores.get(r.name()) : new ResourceStore(r, serviceSeed, vendor.ids()));
        }
        this.limiter =
                reload != null && reload.keepsLimits() ? previous.limiter : new ClientLimiter(spec.rateLimit(), clock);
        this.secondaryLimits = reload != null && reload.keepsLimits()
                ? previous.secondaryLimits
                : new SecondaryLimiter(spec.secondaryLimits(), clock);
        this.tokens = reload != null && reload.keepsTokens()
                ? previous.tokens
                : new TokenStore(
                        clock,
                        Duration.ofSeconds(spec.auth().tokenTtlS()),
                        Duration.ofSeconds(spec.auth().refreshTokenTtlS()),
                        spec.auth().rotateRefreshTokens(),
                        reuseInterval(spec),
                        vendor::tokenFormat);
        this.drift = reload != null && reload.keepsDrift() ? previous.drift : new DriftEngine(spec.drift(), clock);
        this.idempotency = reload != null && reload.keepsKeys()
                ? previous.idempotency
                : spec.idempotency() == null
                        ? null
                        : new IdempotencyStore<>(
                                clock, Duration.ofSeconds(spec.idempotency().ttlS()));
        boolean counted = previous != null;
        this.requests = counted ? previous.requests : new LongAdder();
        this.rateLimited = counted ? previous.rateLimited : new LongAdder();
        this.calls = counted ? previous.calls : new AtomicLong();
        this.ordinals = counted ? previous.ordinals : new ConcurrentHashMap<>();
        vendor.routes(this, routes);
    }

    /** This service as {@code spec} declares it, keeping what {@code reload} says (see {@link ServiceReload}). */
    ServiceRuntime reloaded(
            ServiceSpec spec,
            Vendor vendor,
            String source,
            ErrorProfile profile,
            long seed,
            InstantSource clock,
            ServiceReload reload) {
        return new ServiceRuntime(spec, vendor, source, profile, seed, clock, this, reload);
    }

    public String id() {
        return spec.id();
    }

    public ServiceSpec spec() {
        return spec;
    }

    public Vendor vendor() {
        return vendor;
    }
    /** Where the spec came from: "built-in" or the file path. */
    public String source() {
        return source;
    }

    public ErrorProfile profile() {
        return profile;
    }

    public ClientLimiter limiter() {
        return limiter;
    }
    /** The vendor's limits beside the primary one (GitHub's secondary rate limits); empty for most services. */
    public SecondaryLimiter secondaryLimits() {
        return secondaryLimits;
    }

    public TokenStore tokens() {
        return tokens;
    }

    public DriftEngine drift() {
        return drift;
    }

    public RouteTable routes() {
        return routes;
    }
    /** Idempotency-key store, or null when the service does not declare idempotency. */
    public IdempotencyStore<Reply> idempotency() {
        return idempotency;
    }
    /** What the last reload of this service's file kept and reset, or null when it has not been reloaded. */
    public ServiceReload lastReload() {
        return lastReload;
    }

    public ResourceStore store(String resource) {
        ResourceStore s = stores.get(resource);
        if (s == null)
            throw new IllegalArgumentException("service " + spec.id() + " has no resource '" + resource + "'");
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

    public long requests() {
        return requests.sum();
    }

    public long rateLimited() {
        return rateLimited.sum();
    }

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

    /** GoTrue's refresh token reuse interval, when the service declares one. */
    private static Duration reuseInterval(ServiceSpec spec) {
        Long s = spec.auth().refreshTokenReuseIntervalS();
        return s == null ? null : Duration.ofSeconds(s);
    }
}
