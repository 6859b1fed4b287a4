package dev.gauntlet.mesh.store;

import java.time.Instant;
import java.util.List;

/**
 * The AAM nodes sharing a store (membership): each node writes its row every few seconds, and every node reads them
 * all. A store several nodes share (PostgreSQL) keeps one row per node; a store of one node (SQLite, memory) holds
 * just that node, in memory. Times are the caller's: the repository never reads a clock.
 */
public interface NodeRepository {

    /** Records the node alive at {@code node.lastSeen()}: inserts its row or replaces it. */
    void beat(NodeInfo node);

    /** Every node with a row, by id. */
    List<NodeInfo> nodes();

    /** Removes the nodes last seen before {@code before} (silent too long: gone); returns how many. */
    int dropSilent(Instant before);

    /** Removes one node's row (it stops cleanly); whether it had one. */
    boolean leave(String id);
}
