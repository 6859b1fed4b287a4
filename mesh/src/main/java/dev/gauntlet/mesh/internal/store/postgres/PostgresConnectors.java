package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.store.ConnectorRepository;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Connector definitions in PostgreSQL (table {@code connectors}); every change moves the counter in
 * {@code connector_changes} in the same transaction, so a node that sees the counter move sees the change too.
 */
final class PostgresConnectors implements ConnectorRepository {
    private final PostgresDatabase db;

    PostgresConnectors(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void saveConnector(String id, String specJson) {
        db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO connectors (id, spec_json, updated_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at")) {
                p.setString(1, id);
                p.setString(2, specJson);
                setInstant(p, 3, db.clock().instant());
                p.executeUpdate();
            }
            return bump(c);
        });
    }

    @Override
    public Optional<String> loadConnector(String id) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT spec_json FROM connectors WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public Map<String, String> loadConnectors() {
        return db.read(c -> {
            var out = new LinkedHashMap<String, String>();
            try (PreparedStatement p = c.prepareStatement("SELECT id, spec_json FROM connectors ORDER BY id");
                    ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    @Override
    public boolean deleteConnector(String id) {
        return db.transaction(c -> {
            boolean had;
            try (PreparedStatement p = c.prepareStatement("DELETE FROM connectors WHERE id = ?")) {
                p.setString(1, id);
                had = p.executeUpdate() > 0;
            }
            if (had) bump(c);
            return had;
        });
    }

    @Override
    public long changes() {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT version FROM connector_changes WHERE id = 1");
                    ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    private static long bump(Connection c) throws SQLException {
        try (PreparedStatement p =
                c.prepareStatement("UPDATE connector_changes SET version = version + 1 WHERE id = 1")) {
            return p.executeUpdate();
        }
    }
}
