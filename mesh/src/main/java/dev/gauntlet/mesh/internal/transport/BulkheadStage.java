package dev.gauntlet.mesh.internal.transport;

import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.time.Duration;

/**
 * The bulkhead: at most {@code limit.max_in_flight} attempts of a connector on the wire. An open-model load against a
 * slow upstream would otherwise put every waiting call on a connection of its own - hundreds of sockets opened at once,
 * each costing CPU the answers need - and slow everything down further. Attempts beyond it wait for a lane, at most as
 * long as the attempt below may take (never past the call's deadline), in a bounded queue ({@link Lanes}).
 */
public final class BulkheadStage implements Stage {

    private final Lanes lanes;
    private final TransportStage transport;

    /** @param transport the stage below, whose attempt timeout bounds the wait for a lane */
    public BulkheadStage(Lanes lanes, TransportStage transport) {
        this.lanes = lanes;
        this.transport = transport;
    }

    @Override
    public String name() {
        return "bulkhead";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        Duration timeout = transport.attemptBudget(exchange);
        if (timeout == null) return TransportStage.budgetSpent();
        Outcome.Failure refused = lanes.acquire(timeout);
        if (refused != null) return refused;
        try {
            return next.proceed(exchange);
        } finally {
            lanes.release();
        }
    }
}
