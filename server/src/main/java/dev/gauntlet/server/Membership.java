package dev.gauntlet.server;

import dev.gauntlet.mesh.store.NodeInfo;
import dev.gauntlet.mesh.store.NodeRepository;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node in the store's membership: {@link #beat} writes its row (every {@link #EVERY} from the server's background
 * thread) and reads every node's, so {@code GET /health} lists them without a query of its own. A node silent for
 * {@link #GONE_AFTER} is shown as gone; one silent for {@link #DROP_AFTER} is dropped by whichever node beats next.
 */
final class Membership {
    private static final Logger LOG = LoggerFactory.getLogger(Membership.class);

    /** How often a node writes its heartbeat. */
    static final Duration EVERY = Duration.ofSeconds(2);
    /** Silent this long: shown as gone (five missed heartbeats). */
    static final Duration GONE_AFTER = Duration.ofSeconds(10);
    /** Silent this long: its row is removed. */
    static final Duration DROP_AFTER = Duration.ofSeconds(60);

    private final NodeRepository repo;
    private final InstantSource clock;
    private volatile NodeInfo self;
    private volatile List<NodeInfo> known;
    private volatile boolean failing;

    Membership(NodeRepository repo, InstantSource clock, NodeInfo self) {
        this.repo = repo;
        this.clock = clock;
        this.self = self;
        this.known = List.of(self);
    }

    /** A node as it starts now: its id is its advertised host and port. */
    static NodeInfo self(String url, Instant startedAt, String store, String limits) {
        URI u = URI.create(url);
        String version = Membership.class.getPackage().getImplementationVersion();
        Instant started = startedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        return new NodeInfo(
                u.getHost() + ":" + u.getPort(),
                url,
                started,
                version == null ? "dev" : version,
                store,
                limits,
                started);
    }

    /**
     * The URL other nodes and the UI can reach this one at: a wildcard bind (0.0.0.0, ::) is no address to reach, so
     * the machine's host name stands for it.
     */
    static String advertised(String host, int port) {
        String h = host;
        if (h.equals("0.0.0.0") || h.equals("::") || h.equals("[::]")) {
            try {
                h = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                h = "127.0.0.1";
            }
        }
        return ServerUrl.of(h, port);
    }

    /**
     * Writes this node's heartbeat, drops the nodes silent past {@link #DROP_AFTER} and reads them all; a store that
     * cannot be reached leaves the last list (this node's row refreshed) and is logged once until it answers again.
     */
    void beat() {
        // Milliseconds: what another node reads back from PostgreSQL (microseconds) and what this one shows then agree.
        Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        self = self.seenAt(now);
        try {
            repo.beat(self);
            repo.dropSilent(now.minus(DROP_AFTER));
            known = repo.nodes();
            if (failing) LOG.info("node membership: the store answers again");
            failing = false;
        } catch (RuntimeException e) {
            if (!failing) LOG.warn("node membership: the store did not take this node's heartbeat: {}", e.getMessage());
            failing = true;
            List<NodeInfo> last = new ArrayList<>();
            for (NodeInfo n : known) last.add(n.id().equals(self.id()) ? self : n);
            known = List.copyOf(last);
        }
    }

    /** Removes this node's row (a clean stop), so the others stop listing it at once. */
    void leave() {
        try {
            repo.leave(self.id());
        } catch (RuntimeException e) {
            LOG.debug("node membership: could not remove this node's row: {}", e.getMessage());
        }
    }

    String selfId() {
        return self.id();
    }

    /** The nodes as of the last heartbeat, this one included (first listed by id like the others). */
    List<NodeView> view() {
        Instant now = clock.instant();
        List<NodeView> out = new ArrayList<>();
        boolean sawSelf = false;
        for (NodeInfo n : known) {
            boolean me = n.id().equals(self.id());
            sawSelf |= me;
            out.add(NodeView.of(me ? self : n, me, now));
        }
        // Another node may have dropped this one's row while it was paused: it is alive, so it is listed.
        if (!sawSelf) out.add(NodeView.of(self, true, now));
        return out;
    }

    /**
     * One node in {@code GET /health}.
     *
     * @param lastSeen its latest heartbeat (ISO-8601)
     * @param gone     silent longer than {@link #GONE_AFTER}: stopped, killed or cut off (dropped after
     *                 {@link #DROP_AFTER})
     * @param self     this node
     */
    record NodeView(
            String id,
            String url,
            String store,
            String limits,
            String version,
            String startedAt,
            String lastSeen,
            boolean gone,
            boolean self) {

        static NodeView of(NodeInfo n, boolean self, Instant now) {
            boolean gone = !self && n.lastSeen().plus(GONE_AFTER).isBefore(now);
            return new NodeView(
                    n.id(),
                    n.url(),
                    n.store(),
                    n.limits(),
                    n.version(),
                    n.startedAt().toString(),
                    n.lastSeen().toString(),
                    gone,
                    self);
        }
    }
}
