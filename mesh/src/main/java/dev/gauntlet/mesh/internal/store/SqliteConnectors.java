package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.ConnectorRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Connector definitions in SQLite (table {@code connectors}). */
final class SqliteConnectors implements ConnectorRepository {
    private final SqliteDatabase db;
    // One node opens a SQLite file: the count of its own changes is all another reader could miss.
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();

    SqliteConnectors(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void saveConnector(String id, String specJson) {
        db.write(() -> {
            PreparedStatement p = db.ps(
                    "INSERT INTO connectors (id, spec_json, updated_at) VALUES (?, ?, ?) "
                            + "ON CONFLICT (id) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at");
            p.setString(1, id);
            p.setString(2, specJson);
            p.setLong(3, db.clock().millis());
            return p.executeUpdate();
        });
        changes.incrementAndGet();
    }

    @Override
    public Optional<String> loadConnector(String id) {
        return db.read(() -> {
            PreparedStatement p = db.ps("SELECT spec_json FROM connectors WHERE id = ?");
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    @Override
    public Map<String, String> loadConnectors() {
        return db.read(() -> {
            var out = new LinkedHashMap<String, String>();
            try (ResultSet rs =
                    db.ps("SELECT id, spec_json FROM connectors ORDER BY id").executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    @Override
    public boolean deleteConnector(String id) {
        boolean had = db.write(() -> {
            PreparedStatement p = db.ps("DELETE FROM connectors WHERE id = ?");
            p.setString(1, id);
            return p.executeUpdate() > 0;
        });
        if (had) changes.incrementAndGet();
        return had;
    }

    @Override
    public long changes() {
        return changes.get();
    }
}
