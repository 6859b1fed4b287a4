package dev.gauntlet.mesh.internal.circuit;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Short-circuits calls while the breaker of the connector and tenant is open (Resilience4j) with circuit_open and no
 * attempt (a read may then be answered stale, see {@link StaleReadStage}).
 */
public final class CircuitStage implements Stage {

    private final String connector;
    private final InstantSource clock;
    private final ConnectorCircuits circuits;

    /** @param circuits the connector's breakers (a replay pipeline has its own: {@link ConnectorCircuits#forReplays}) */
    public CircuitStage(String connector, ConnectorCircuits circuits, InstantSource clock) {
        this.connector = connector;
        this.clock = clock;
        this.circuits = circuits;
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
            return Outcome.Failure.of(
                    ErrorClass.circuit_open,
                    "circuit of " + connector + "/" + request.tenant()
                            + " is " + breaker.getState().name().toLowerCase(Locale.ROOT) + " (failure rate "
                            + breaker.getMetrics().getFailureRate() + " %); no attempt made");
        }
        long start = clock.millis();
        Outcome outcome = next.proceed(exchange);
        circuits.record(breaker, outcome, clock.millis() - start);
        return outcome;
    }

    @Override
    public Map<String, Object> status() {
        return new LinkedHashMap<String, Object>(circuits.status());
    }

    /** The connector's breakers (tests, status API). */
    public ConnectorCircuits circuits() {
        return circuits;
    }
}
