package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.store.ConnectorRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Connector definitions in PostgreSQL (table {@code connectors}). */
final class PostgresConnectors implements ConnectorRepository {
    private final PostgresDatabase db;

    PostgresConnectors(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void saveConnector(String id, String specJson) {
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO connectors (id, spec_json, updated_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at")) {
                p.setString(1, id);
                p.setString(2, specJson);
                setInstant(p, 3, db.clock().instant());
                return p.executeUpdate();
            }
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
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("DELETE FROM connectors WHERE id = ?")) {
                p.setString(1, id);
                return p.executeUpdate() > 0;
            }
        });
    }
}
