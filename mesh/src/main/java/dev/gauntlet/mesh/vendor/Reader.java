package dev.gauntlet.mesh.vendor;

import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;

/** Sends a read-back through the connector's pipeline (credentials, limits, retries), never answered stale. */
@FunctionalInterface
public interface Reader {
    MeshResponse read(MeshRequest request) throws MeshException;
}
