package dev.gauntlet.mesh.internal.dlq;

import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.vendor.Vendor;

/**
 * What the DLQ needs of a registered connector - its id, its DLQ, idempotency and vendor settings, and a replay through
 * its own pipeline - so the DLQ's machinery does not import the facade's {@code Connector}.
 */
public interface ReplayTarget {

    String id();

    DlqConfig dlq();

    IdempotencyConfig idempotency();

    Vendor vendor();

    /** Reads a write back through the connector's live pipeline (the upstream's answer only, never a stale one). */
    MeshResponse readBack(MeshRequest request);

    /** Sends a parked write again through the connector's replay pipeline with the key it was first sent with. */
    MeshResponse replay(MeshRequest request, String idempotencyKey, String dlqId);
}
