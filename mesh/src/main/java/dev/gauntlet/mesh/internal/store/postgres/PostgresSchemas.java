package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.internal.store.StoreJson;
import dev.gauntlet.mesh.store.StoreException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.LinkedHashMap;
import java.util.Map;

/** Learned response schemas in PostgreSQL (table {@code schemas}, jsonb). */
final class PostgresSchemas implements SchemaRepository {
    private final PostgresDatabase db;

    PostgresSchemas(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public Map<String, JsonNode> loadSchemas(String connector) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT endpoint, schema_json::text FROM schemas WHERE connector = ? ORDER BY endpoint")) {
                p.setString(1, connector);
                var out = new LinkedHashMap<String, JsonNode>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        try {
                            out.put(rs.getString(1), StoreJson.mapper().readTree(rs.getString(2)));
                        } catch (JsonProcessingException e) {
                            throw new StoreException(
                                    "stored schema of " + connector + " " + rs.getString(1) + " is unreadable", e);
                        }
                    }
                }
                return out;
            }
        });
    }

    @Override
    public void saveSchema(String connector, String endpoint, JsonNode schema) {
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO schemas (connector, endpoint, schema_json, updated_at) VALUES (?, ?, CAST(? AS jsonb), ?) "
                            + "ON CONFLICT (connector, endpoint) DO UPDATE SET schema_json = excluded.schema_json, updated_at = excluded.updated_at")) {
                p.setString(1, connector);
                p.setString(2, endpoint);
                p.setString(3, StoreJson.json(schema));
                setInstant(p, 4, db.clock().instant());
                return p.executeUpdate();
            }
        });
    }
}
