package dev.gauntlet.mesh.internal.store;

import static dev.gauntlet.mesh.internal.store.SqliteDatabase.HEADERS;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.instant;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.json;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.ms;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.parse;

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

/** Write intents in SQLite (table {@code intents}): written at once, on the caller's thread (exactly-once needs them). */
final class SqliteIntents implements IntentRepository {
    private final SqliteDatabase db;

    SqliteIntents(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void recordIntent(Intent i) {
        db.write(() -> {
            // A second write with the key (a replay) goes back in flight and keeps its first creation time.
            PreparedStatement p = db.ps(
                    "INSERT INTO intents (idem_key, connector, tenant, method, path, headers_json, body, content_type, op_id, "
                            + "state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO UPDATE SET "
                            + "state = excluded.state, updated_at = excluded.updated_at");
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
            p.setLong(11, ms(i.createdAt()));
            p.setLong(12, ms(i.updatedAt()));
            return p.executeUpdate();
        });
    }

    @Override
    public boolean completeIntent(String key, IntentState state, Instant at) {
        return db.write(() -> {
            PreparedStatement p = db.ps("UPDATE intents SET state = ?, updated_at = ? WHERE idem_key = ?");
            p.setString(1, state.name());
            p.setLong(2, ms(at));
            p.setString(3, key);
            return p.executeUpdate() > 0;
        });
    }

    @Override
    public boolean moveIntent(String key, Instant seen, IntentState state, Instant at) {
        return db.write(() -> {
            PreparedStatement p = db.ps("UPDATE intents SET state = ?, updated_at = ? "
                    + "WHERE idem_key = ? AND state = 'in_flight' AND updated_at = ?");
            p.setString(1, state.name());
            p.setLong(2, ms(at));
            p.setString(3, key);
            p.setLong(4, ms(seen));
            return p.executeUpdate() > 0;
        });
    }

    @Override
    public Optional<Intent> intent(String key) {
        return db.read(() -> {
            PreparedStatement p = db.ps("SELECT * FROM intents WHERE idem_key = ?");
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(intent(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<Intent> staleIntents(Instant olderThan, int limit) {
        return db.read(() -> {
            PreparedStatement p = db.ps(
                    "SELECT * FROM intents WHERE state = 'in_flight' AND updated_at < ? ORDER BY updated_at LIMIT ?");
            p.setLong(1, ms(olderThan));
            p.setInt(2, limit);
            var out = new ArrayList<Intent>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(intent(rs));
            }
            return out;
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
