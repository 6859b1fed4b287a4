package dev.gauntlet.mesh.internal.transport;

import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.time.Duration;

/** Sets the logical call's total time budget (timeouts.total from its start) unless one is set; retries never outlive it. */
public final class DeadlineStage implements Stage {

    private final Duration total;

    /** @param total the connector's {@code timeouts.total} */
    public DeadlineStage(Duration total) {
        this.total = total;
    }

    @Override
    public String name() {
        return "deadline";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        // A caller (or a DLQ replay) may have set a tighter deadline already; it wins.
        if (exchange.deadline() == null) exchange.deadline(exchange.startedAt().plus(total));
        return next.proceed(exchange);
    }
}
