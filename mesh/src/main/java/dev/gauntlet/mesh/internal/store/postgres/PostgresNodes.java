package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.instant;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.store.NodeInfo;
import dev.gauntlet.mesh.store.NodeRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The nodes sharing the database (table {@code nodes}): one row per node, replaced by each heartbeat. */
final class PostgresNodes implements NodeRepository {
    private final PostgresDatabase db;

    PostgresNodes(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void beat(NodeInfo node) {
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO nodes (id, url, started_at, version, store, limits, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET url = excluded.url, started_at = excluded.started_at, "
                            + "version = excluded.version, store = excluded.store, limits = excluded.limits, "
                            + "last_seen = excluded.last_seen")) {
                p.setString(1, node.id());
                p.setString(2, node.url());
                setInstant(p, 3, node.startedAt());
                p.setString(4, node.version());
                p.setString(5, node.store());
                p.setString(6, node.limits());
                setInstant(p, 7, node.lastSeen());
                return p.executeUpdate();
            }
        });
    }

    @Override
    public List<NodeInfo> nodes() {
        return db.read(c -> {
            var out = new ArrayList<NodeInfo>();
            try (PreparedStatement p = c.prepareStatement(
                            "SELECT id, url, started_at, version, store, limits, last_seen FROM nodes ORDER BY id");
                    ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new NodeInfo(
                            rs.getString(1),
                            rs.getString(2),
                            instant(rs, 3),
                            rs.getString(4),
                            rs.getString(5),
                            rs.getString(6),
                            instant(rs, 7)));
                }
            }
            return out;
        });
    }

    @Override
    public int dropSilent(Instant before) {
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM nodes WHERE last_seen < ?")) {
                setInstant(p, 1, before);
                return p.executeUpdate();
            }
        });
    }

    @Override
    public boolean leave(String id) {
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM nodes WHERE id = ?")) {
                p.setString(1, id);
                return p.executeUpdate() > 0;
            }
        });
    }
}
