package dev.gauntlet.mesh.internal.circuit;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.event.CircuitTransition;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.ReplayCircuitTransition;
import dev.gauntlet.mesh.pipeline.Outcome;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A connector's Resilience4j breakers, one per tenant, all on the mesh's injected clock. A connector has two sets: one for
 * live calls and one for its DLQ replays ({@link #forReplays}), so writes that always fail (poison entries) open only the
 * replays' breaker and never refuse live traffic.
 */
public final class ConnectorCircuits {

    /**
     * Failures that say the upstream is unhealthy. client_error, auth_expired and invalid_creds are answers of a healthy
     * upstream to a bad request or credential: they count as successes. rate_limit is left out (neither success nor
     * failure): a 429 says the upstream is up and protecting itself, the rate-limit stage below slows down for it, and
     * counting it would turn throttling into an open circuit that fails (and dead-letters) every call of the tenant.
     * A 429 whose Retry-After outlasts openFor still holds the circuit open until then (see {@link #holdOpen}).
     */
    public static final Set<ErrorClass> FAILURES =
            EnumSet.of(ErrorClass.server_error, ErrorClass.network_error, ErrorClass.timeout);

    /** Tenants detailed in a status; the rest are counted ({@code tenants_total}). */
    public static final int TENANTS_SHOWN = 20;

    private final String connector;
    private final InstantSource clock;
    private final EventBus events;
    private final CircuitConfig config;
    private final CircuitBreakerConfig breakerConfig;
    private final Map<String, CircuitBreaker> tenants = new ConcurrentHashMap<>();
    private final boolean replays;

    public ConnectorCircuits(String connector, CircuitConfig config, InstantSource clock, EventBus events) {
        this(connector, config, clock, events, false);
    }

    /** The breakers of a connector's DLQ replays: same settings, own state, transitions as {@link ReplayCircuitTransition}. */
    public static ConnectorCircuits forReplays(
            String connector, CircuitConfig config, InstantSource clock, EventBus events) {
        return new ConnectorCircuits(connector, config, clock, events, true);
    }

    private ConnectorCircuits(
            String connector, CircuitConfig config, InstantSource instants, EventBus events, boolean replays) {
        this.replays = replays;
        this.connector = connector;
        this.clock = instants;
        this.events = events;
        this.config = config;
        Clock clock = instants.withZone(ZoneOffset.UTC);
        this.breakerConfig = CircuitBreakerConfig.custom()
                .slidingWindow(
                        config.windowCalls(),
                        Math.min(config.minimumCalls(), config.windowCalls()),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(config.failureRatePercent())
                .waitDurationInOpenState(config.openFor())
                .permittedNumberOfCallsInHalfOpenState(config.halfOpenCalls())
                // Half-open on the next call after openFor, not from a timer thread: nothing runs behind the clock's
                // back.
                .automaticTransitionFromOpenToHalfOpenEnabled(false)
                .recordResult(r -> r instanceof Outcome.Failure f && FAILURES.contains(f.errorClass()))
                .clock(clock)
                .currentTimestampFunction(Clock::millis, TimeUnit.MILLISECONDS)
                .build();
    }

    public CircuitConfig config() {
        return config;
    }

    public CircuitBreaker tenant(String tenant) {
        CircuitBreaker b = tenants.get(tenant);
        return b != null ? b : tenants.computeIfAbsent(tenant, this::create);
    }

    private CircuitBreaker create(String tenant) {
        CircuitBreaker b = CircuitBreaker.of(connector + "/" + tenant + (replays ? " (replays)" : ""), breakerConfig);
        b.getEventPublisher().onStateTransition(e -> {
            String from = name(e.getStateTransition().getFromState());
            String to = name(e.getStateTransition().getToState());
            var at = clock.instant();
            events.publish(
                    replays
                            ? new ReplayCircuitTransition(at, connector, tenant, from, to)
                            : new CircuitTransition(at, connector, tenant, from, to));
        });
        return b;
    }

    static String name(CircuitBreaker.State s) {
        return s.name().toLowerCase(Locale.ROOT);
    }

    /** Records what one permitted pass produced. */
    public void record(CircuitBreaker breaker, Outcome outcome, long durationMs) {
        if (outcome instanceof Outcome.Failure f && f.inProgress()) {
            // "A request with this key is in progress" (409): the upstream is up and guarding the key; neither a
            // success nor a failure.
            breaker.releasePermission();
            return;
        }
        if (outcome instanceof Outcome.Failure f && f.errorClass() == ErrorClass.rate_limit) {
            breaker.releasePermission();
            holdOpen(breaker, f);
            return;
        }
        breaker.onResult(durationMs, TimeUnit.MILLISECONDS, outcome);
        if (outcome instanceof Outcome.Failure f && FAILURES.contains(f.errorClass())) holdOpen(breaker, f);
    }

    /**
     * An upstream that asks for a wait longer than openFor (a long Retry-After) gets it: probing before then would only
     * be refused again. The mesh's own refusals (no response) never hold it.
     */
    private void holdOpen(CircuitBreaker breaker, Outcome.Failure f) {
        if (f.response() == null || f.retryAfter() == null || f.retryAfter().compareTo(config.openFor()) <= 0) return;
        try {
            breaker.transitionToOpenStateUntil(clock.instant().plus(f.retryAfter()));
        } catch (io.github.resilience4j.circuitbreaker.IllegalStateTransitionException e) {
            // Another thread moved the breaker to a state it cannot leave this way (forced open, disabled): keep that.
        }
    }

    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        CircuitBreaker main = tenants.get("default");
        if (main == null && tenants.size() == 1)
            main = tenants.values().iterator().next();
        if (main != null) s.putAll(status(main));
        else s.put("state", "closed");
        if (tenants.size() > 1) {
            // The first TENANTS_SHOWN by name: a snapshot goes out every second to every open stream.
            var per = new TreeMap<String, Object>();
            new TreeMap<>(tenants).entrySet().stream().limit(TENANTS_SHOWN).forEach(e -> {
                var b = e.getValue();
                per.put(e.getKey(), status(b));
            });
            s.put("tenants", per);
            s.put("tenants_total", tenants.size());
        }
        return s;
    }

    static Map<String, Object> status(CircuitBreaker b) {
        var m = b.getMetrics();
        var s = new LinkedHashMap<String, Object>();
        s.put("state", name(b.getState()));
        // Resilience4j says -1 until minimumCalls calls were recorded.
        s.put("failure_rate", m.getFailureRate() < 0 ? null : m.getFailureRate());
        s.put("buffered_calls", m.getNumberOfBufferedCalls());
        s.put("failed_calls", m.getNumberOfFailedCalls());
        s.put("not_permitted_calls", m.getNumberOfNotPermittedCalls());
        return s;
    }
}
