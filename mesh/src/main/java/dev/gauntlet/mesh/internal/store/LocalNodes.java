package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.NodeInfo;
import dev.gauntlet.mesh.store.NodeRepository;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Membership for a store of one node (SQLite, memory): the rows live in this process and are gone with it, since no
 * other node reads them.
 */
final class LocalNodes implements NodeRepository {
    private final Map<String, NodeInfo> nodes = new ConcurrentSkipListMap<>();

    @Override
    public void beat(NodeInfo node) {
        nodes.put(node.id(), node);
    }

    @Override
    public List<NodeInfo> nodes() {
        return List.copyOf(nodes.values());
    }

    @Override
    public int dropSilent(Instant before) {
        int n = 0;
        // Removes the row only as it was read: a beat that came in meanwhile keeps its node.
        for (NodeInfo node : List.copyOf(nodes.values())) {
            if (node.lastSeen().isBefore(before) && nodes.remove(node.id(), node)) n++;
        }
        return n;
    }

    @Override
    public boolean leave(String id) {
        return nodes.remove(id) != null;
    }
}
