package dev.gauntlet.mesh.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Learned response schemas in SQLite (table {@code schemas}). */
final class SqliteSchemas implements SchemaRepository {
    private final SqliteDatabase db;

    SqliteSchemas(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public Map<String, JsonNode> loadSchemas(String connector) {
        return db.read(() -> {
            PreparedStatement p =
                    db.ps("SELECT endpoint, schema_json FROM schemas WHERE connector = ? ORDER BY endpoint");
            p.setString(1, connector);
            var out = new LinkedHashMap<String, JsonNode>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.put(rs.getString(1), SqliteDatabase.mapper().readTree(rs.getString(2)));
                    } catch (JsonProcessingException e) {
                        throw new StoreException(
                                "stored schema of " + connector + " " + rs.getString(1) + " is unreadable", e);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void saveSchema(String connector, String endpoint, JsonNode schema) {
        db.write(() -> {
            PreparedStatement p = db.ps(
                    "INSERT INTO schemas (connector, endpoint, schema_json, updated_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (connector, endpoint) DO UPDATE SET schema_json = excluded.schema_json, updated_at = excluded.updated_at");
            p.setString(1, connector);
            p.setString(2, endpoint);
            p.setString(3, SqliteDatabase.json(schema));
            p.setLong(4, db.clock().millis());
            return p.executeUpdate();
        });
    }
}
