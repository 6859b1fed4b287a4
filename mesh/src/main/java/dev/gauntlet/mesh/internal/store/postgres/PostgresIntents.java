package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.StoreJson.HEADERS;
import static dev.gauntlet.mesh.internal.store.StoreJson.json;
import static dev.gauntlet.mesh.internal.store.StoreJson.parse;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.instant;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Write intents in PostgreSQL (table {@code intents}): written at once, on the caller's thread (exactly-once needs them). */
final class PostgresIntents implements IntentRepository {
    private static final String COLUMNS =
            "idem_key, connector, tenant, method, path, headers_json::text AS headers_json, body, content_type, "
                    + "op_id, state, created_at, updated_at";
    private final PostgresDatabase db;

    PostgresIntents(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public void recordIntent(Intent i) {
        db.write(c -> {
            // A second write with the key (a replay) goes back in flight and keeps its first creation time.
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO intents (idem_key, connector, tenant, method, path, headers_json, body, "
                            + "content_type, op_id, state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (idem_key) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at")) {
                p.setString(1, i.key());
                p.setString(2, i.connector());
                p.setString(3, i.tenant());
                p.setString(4, i.method());
                p.setString(5, i.path());
                p.setString(6, json(i.headers()));
                p.setBytes(7, i.body());
                p.setString(8, i.contentType());
                p.setString(9, i.opId());
                p.setString(10, IntentState.in_flight.name());
                setInstant(p, 11, i.createdAt());
                setInstant(p, 12, i.updatedAt());
                return p.executeUpdate();
            }
        });
    }

    @Override
    public boolean completeIntent(String key, IntentState state, Instant at) {
        return db.write(c -> {
            try (PreparedStatement p =
                    c.prepareStatement("UPDATE intents SET state = ?, updated_at = ? WHERE idem_key = ?")) {
                p.setString(1, state.name());
                setInstant(p, 2, at);
                p.setString(3, key);
                return p.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean moveIntent(String key, Instant seen, IntentState state, Instant at) {
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement("UPDATE intents SET state = ?, updated_at = ? "
                    + "WHERE idem_key = ? AND state = 'in_flight' AND updated_at = ?")) {
                p.setString(1, state.name());
                setInstant(p, 2, at);
                p.setString(3, key);
                setInstant(p, 4, seen);
                return p.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<Intent> intent(String key) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM intents WHERE idem_key = ?")) {
                p.setString(1, key);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(intent(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<Intent> staleIntents(Instant olderThan, int limit) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS
                    + " FROM intents WHERE state = 'in_flight' AND updated_at < ? " + "ORDER BY updated_at LIMIT ?")) {
                setInstant(p, 1, olderThan);
                p.setInt(2, limit);
                var out = new ArrayList<Intent>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) out.add(intent(rs));
                }
                return out;
            }
        });
    }

    private static Intent intent(ResultSet rs) throws SQLException {
        return new Intent(
                rs.getString("idem_key"),
                rs.getString("connector"),
                rs.getString("tenant"),
                rs.getString("method"),
                rs.getString("path"),
                parse(rs.getString("headers_json"), HEADERS),
                rs.getBytes("body"),
                rs.getString("content_type"),
                rs.getString("op_id"),
                IntentState.valueOf(rs.getString("state")),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
