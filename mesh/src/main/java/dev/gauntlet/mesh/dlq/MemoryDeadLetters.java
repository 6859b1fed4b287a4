package dev.gauntlet.mesh.dlq;

import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A DLQ in memory (PLACEHOLDER until the durable one lands): keeps what was parked, replays nothing. */
public final class MemoryDeadLetters implements DeadLetters {

    /** What was parked. */
    public record Parked(String id, String connector, String method, String path, String idempotencyKey, String errorClass, boolean unknownOutcome) {}

    private final InstantSource clock;
    private final AtomicLong seq = new AtomicLong();
    private final List<Parked> parked = new CopyOnWriteArrayList<>();

    public MemoryDeadLetters(InstantSource clock) {
        this.clock = clock;
    }

    @Override
    public String park(Exchange exchange, Outcome.Failure failure, boolean unknownOutcome) {
        String id = "dlq_" + seq.incrementAndGet();
        parked.add(new Parked(id, exchange.connector().id(), exchange.request().method(), exchange.request().path(),
                exchange.idempotencyKey(), failure.errorClass().name(), unknownOutcome));
        return id;
    }

    public List<Parked> parked() {
        return List.copyOf(parked);
    }
}
