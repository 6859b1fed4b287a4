package dev.gauntlet.harness.check;

import java.util.Set;

/** The operation ids still waiting in the mesh's dead-letter queue (pending or replaying), per service. */
@FunctionalInterface
public interface PendingWrites {
    Set<String> pendingOpIds(String service);

    PendingWrites NONE = service -> Set.of();
}
