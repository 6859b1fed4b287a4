package dev.gauntlet.mesh.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One AAM node as the store knows it: who it is, where it answers, what it runs on, and when it last said it was
 * alive ({@link NodeRepository#beat}).
 *
 * @param id        the node's id, unique among the nodes sharing a store (its advertised host and port)
 * @param url       where the node answers (its advertised URL)
 * @param startedAt when the node started
 * @param version   the build it runs ("dev" from classes)
 * @param store     the store kind it uses: sqlite, postgresql or memory
 * @param limits    where its rate limits live: local or redis
 * @param lastSeen  its latest heartbeat, on the node's clock
 */
public record NodeInfo(
        String id, String url, Instant startedAt, String version, String store, String limits, Instant lastSeen) {

    public NodeInfo {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("id must not be blank, was '" + id + "'");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(startedAt, "started_at");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(lastSeen, "last_seen");
    }

    /** The same node seen alive at {@code at}. */
    public NodeInfo seenAt(Instant at) {
        return new NodeInfo(id, url, startedAt, version, store, limits, at);
    }
}
