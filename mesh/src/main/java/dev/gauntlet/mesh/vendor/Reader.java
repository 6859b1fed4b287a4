package dev.gauntlet.mesh.vendor;

import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;

/** Sends a read through the connector's pipeline (credentials, limits, retries) for a read-back. */
@FunctionalInterface
public interface Reader {
    MeshResponse read(MeshRequest request) throws MeshException;
}
