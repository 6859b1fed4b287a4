package dev.gauntlet.mesh;

import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.internal.auth.AuthStage;
import dev.gauntlet.mesh.internal.circuit.CircuitStage;
import dev.gauntlet.mesh.internal.circuit.StaleReadStage;
import dev.gauntlet.mesh.internal.drift.DriftMappingStage;
import dev.gauntlet.mesh.internal.idempotency.IdempotencyStage;
import dev.gauntlet.mesh.internal.limit.RateLimitStage;
import dev.gauntlet.mesh.internal.metrics.ObserveStage;
import dev.gauntlet.mesh.internal.retry.RetryStage;
import dev.gauntlet.mesh.internal.transport.BulkheadStage;
import dev.gauntlet.mesh.internal.transport.DeadlineStage;
import dev.gauntlet.mesh.internal.transport.TransportStage;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.vendor.Reader;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/** The stages of a connector built as its pipeline builds them, for the stage tests (which sit outside the root package). */
public final class TestStages {

    private TestStages() {}

    public static Exchange exchange(ConnectorSpec spec, MeshContext context, MeshRequest request) {
        return new Exchange(
                request, context.time().instant(), spec.idempotency().isWrite(request));
    }

    public static ObserveStage observe(ConnectorSpec spec, MeshContext context) {
        return Stages.observe(spec, context);
    }

    public static IdempotencyStage idempotency(ConnectorSpec spec, MeshContext context, Reader reader) {
        return Stages.idempotency(spec, context, reader);
    }

    public static DeadlineStage deadline(ConnectorSpec spec, MeshContext context) {
        return new DeadlineStage(spec.timeouts().total());
    }

    public static StaleReadStage staleReads(ConnectorSpec spec) {
        return new StaleReadStage(spec.staleReads());
    }

    public static RetryStage retry(ConnectorSpec spec, MeshContext context, Reader reader) {
        return Stages.retry(spec, context, reader, ThreadLocalRandom.current());
    }

    public static RetryStage retry(ConnectorSpec spec, MeshContext context, Reader reader, RandomGenerator random) {
        return Stages.retry(spec, context, reader, random);
    }

    public static CircuitStage circuit(ConnectorSpec spec, MeshContext context) {
        return Stages.circuit(spec, context, false);
    }

    public static RateLimitStage rateLimit(ConnectorSpec spec, MeshContext context) {
        return Stages.rateLimit(spec, context);
    }

    public static AuthStage auth(ConnectorSpec spec, MeshContext context) {
        return Stages.auth(spec, context);
    }

    public static DriftMappingStage drift(ConnectorSpec spec, MeshContext context) {
        return Stages.drift(spec, context);
    }

    public static dev.gauntlet.mesh.internal.idempotency.SendFenceStage fence(ConnectorSpec spec, MeshContext context) {
        return Stages.fence(spec, context);
    }

    public static TransportStage transport(ConnectorSpec spec, MeshContext context) {
        return Stages.transport(spec, context);
    }

    /** The bulkhead and the transport below it, as the standard pipeline ends. */
    public static Pipeline bulkheadAndTransport(ConnectorSpec spec, MeshContext context) {
        TransportStage transport = Stages.transport(spec, context);
        return new Pipeline(List.of(new BulkheadStage(transport.lanes(), transport), transport));
    }
}
