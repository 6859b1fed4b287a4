package dev.gauntlet.mesh.internal.dlq;

import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;

/** Where writes the mesh cannot complete now are parked, with everything needed to replay them. */
public interface DeadLetters {
    /**
     * Parks a failed write of connector {@code connector} (its {@code dlq} settings time the replays); returns its DLQ id.
     *
     * @param unknownOutcome an ambiguous failure of a write without a key: it may have been committed
     */
    String park(String connector, DlqConfig config, Exchange exchange, Outcome.Failure failure, boolean unknownOutcome);
}
