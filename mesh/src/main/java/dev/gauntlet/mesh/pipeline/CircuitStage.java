package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.MeshRequest;
import dev.gauntlet.mesh.MeshResponse;
import dev.gauntlet.mesh.circuit.ConnectorCircuits;
import dev.gauntlet.mesh.circuit.StaleResponses;
import dev.gauntlet.mesh.classify.ErrorClass;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Short-circuits calls while the breaker of the connector and tenant is open (Resilience4j) with circuit_open and no
 * attempt; with stale reads on, a GET is answered from its last good answer, marked stale.
 */
public final class CircuitStage implements Stage {

    /** Last good answers kept per connector (LRU): enough for the reads a workflow repeats, bounded in memory. */
    public static final int STALE_ENTRIES = 1_000;

    private final String connector;
    private final MeshContext context;
    private final boolean staleReads;
    private final ConnectorCircuits circuits;
    private final StaleResponses stale;
    private final LongAdder staleAnswers = new LongAdder();

    public CircuitStage(ConnectorSpec spec, MeshContext context) {
        this.connector = spec.id();
        this.context = context;
        this.staleReads = spec.staleReads();
        this.circuits = new ConnectorCircuits(spec.id(), spec.circuit(), context);
        this.stale = staleReads ? new StaleResponses(STALE_ENTRIES) : null;
    }

    @Override
    public String name() {
        return "circuit";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        MeshRequest request = exchange.request();
        CircuitBreaker breaker = circuits.tenant(request.tenant());
        if (!breaker.tryAcquirePermission()) {
            MeshResponse last = isStaleable(request) ? stale.last(request.tenant(), request.path()) : null;
            if (last != null) {
                staleAnswers.increment();
                return new Outcome.Success(last.asStale());
            }
            return Outcome.Failure.of(ErrorClass.circuit_open, "circuit of " + connector + "/" + request.tenant()
                    + " is " + breaker.getState().name().toLowerCase(java.util.Locale.ROOT) + " (failure rate "
                    + breaker.getMetrics().getFailureRate() + " %); no attempt made");
        }
        long start = context.clock().millis();
        Outcome outcome = next.proceed(exchange);
        circuits.record(breaker, outcome, context.clock().millis() - start);
        if (outcome instanceof Outcome.Success s && isStaleable(request) && s.response().status() < 300) {
            stale.remember(request.tenant(), request.path(), s.response());
        }
        return outcome;
    }

    private boolean isStaleable(MeshRequest request) {
        return staleReads && request.method().equals("GET");
    }

    @Override
    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>(circuits.status());
        if (staleReads) {
            s.put("stale_answers", staleAnswers.sum());
            s.put("stale_entries", stale.size());
        }
        return s;
    }

    /** The connector's breakers (tests, status API). */
    public ConnectorCircuits circuits() {
        return circuits;
    }
}
