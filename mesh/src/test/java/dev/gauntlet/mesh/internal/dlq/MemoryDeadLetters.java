package dev.gauntlet.mesh.internal.dlq;

import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.time.InstantSource;
import java.util.List;

/** A DLQ in memory with the durable one's behaviour (a {@link DlqService} over a {@link MemoryStore}), for tests. */
public final class MemoryDeadLetters implements DeadLetters {

    /** What was parked, in short. */
    public record Parked(
            String id,
            String connector,
            String method,
            String path,
            String idempotencyKey,
            String errorClass,
            boolean unknownOutcome) {}

    private final DlqService service;

    public MemoryDeadLetters(InstantSource clock) {
        MemoryStore store = new MemoryStore();
        this.service = new DlqService(store.dlq(), store.intents(), clock, new EventBus(), id -> null);
    }

    @Override
    public String park(
            String connector, DlqConfig config, Exchange exchange, Outcome.Failure failure, boolean unknownOutcome) {
        return service.park(connector, config, exchange, failure, unknownOutcome);
    }

    public DlqService service() {
        return service;
    }

    /** Every entry, in the order parked. */
    public List<Parked> parked() {
        return service.list().reversed().stream()
                .map(e -> new Parked(
                        e.id(),
                        e.connector(),
                        e.method(),
                        e.path(),
                        e.idempotencyKey(),
                        e.errorClass() == null ? null : e.errorClass().name(),
                        e.unknownOutcome()))
                .toList();
    }
}
