package dev.gauntlet.mesh.internal.store;

import static dev.gauntlet.mesh.internal.store.SqliteDatabase.HEADERS;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.instant;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.json;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.ms;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.parse;
import static dev.gauntlet.mesh.internal.store.SqliteDatabase.setInstant;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.dlq.DlqState;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dead-letter queue in SQLite (table {@code dlq_entries}): every change written at once, on the caller's thread
 * (a parked write must survive a crash). {@code seq} orders entries parked in the same millisecond.
 */
final class SqliteDlq implements DlqRepository {
    private static final TypeReference<List<Attempt>> ATTEMPTS = new TypeReference<>() {};
    private static final String DLQ_COLUMNS =
            "id, connector, tenant, method, path, headers_json, body, content_type, idem_key, op_id, "
                    + "attempts_json, error_class, last_error, schema_version, state, unknown_outcome, replays, next_replay_at, created_at, updated_at, "
                    + "attempts_omitted";
    private final SqliteDatabase db;
    /** The last seq given (read at open; written with the database lock held). */
    private long dlqSeq;

    SqliteDlq(SqliteDatabase db) {
        this.db = db;
        this.dlqSeq = db.scalar("SELECT COALESCE(MAX(seq), 0) FROM dlq_entries");
    }

    @Override
    public void insertEntry(DlqEntry e) {
        db.write(() -> {
            PreparedStatement p = db.ps("INSERT INTO dlq_entries (" + DLQ_COLUMNS
                    + ", seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
            p.setString(1, e.id());
            p.setString(2, e.connector());
            p.setString(3, e.tenant());
            p.setString(4, e.method());
            p.setString(5, e.path());
            p.setString(6, json(e.headers()));
            p.setBytes(7, e.body());
            p.setString(8, e.contentType());
            p.setString(9, e.idempotencyKey());
            p.setString(10, e.opId());
            p.setString(11, json(e.attempts()));
            p.setString(12, e.errorClass() == null ? null : e.errorClass().name());
            p.setString(13, e.lastError());
            p.setInt(14, e.schemaVersion());
            p.setString(15, e.state().name());
            p.setInt(16, e.unknownOutcome() ? 1 : 0);
            p.setInt(17, e.replays());
            setInstant(p, 18, e.nextReplayAt());
            p.setLong(19, ms(e.createdAt()));
            p.setLong(20, ms(e.updatedAt()));
            p.setInt(21, e.attemptsOmitted());
            p.setLong(22, ++dlqSeq);
            return p.executeUpdate();
        });
    }

    @Override
    public Optional<DlqEntry> entry(String id) {
        return db.read(() -> {
            PreparedStatement p = db.ps("SELECT " + DLQ_COLUMNS + " FROM dlq_entries WHERE id = ?");
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public void updateEntry(DlqEntry e) {
        db.write(() -> {
            PreparedStatement p = db.ps(
                    "UPDATE dlq_entries SET attempts_json = ?, error_class = ?, last_error = ?, state = ?, unknown_outcome = ?, "
                            + "replays = ?, next_replay_at = ?, updated_at = ?, idem_key = ?, attempts_omitted = ? WHERE id = ?");
            p.setString(1, json(e.attempts()));
            p.setString(2, e.errorClass() == null ? null : e.errorClass().name());
            p.setString(3, e.lastError());
            p.setString(4, e.state().name());
            p.setInt(5, e.unknownOutcome() ? 1 : 0);
            p.setInt(6, e.replays());
            setInstant(p, 7, e.nextReplayAt());
            p.setLong(8, ms(e.updatedAt()));
            p.setString(9, e.idempotencyKey());
            p.setInt(10, e.attemptsOmitted());
            p.setString(11, e.id());
            return p.executeUpdate();
        });
    }

    @Override
    public Optional<DlqEntry> openEntry(String connector, String key) {
        return db.read(() -> {
            // The key itself, or the key's family after a spent key was replaced (key~r1, key~r2: a range on the
            // index).
            PreparedStatement p = db.ps("SELECT " + DLQ_COLUMNS
                    + " FROM dlq_entries WHERE connector = ? AND (idem_key = ? OR (idem_key >= ? AND idem_key < ?)) "
                    + "AND state IN ('pending', 'replaying') ORDER BY seq DESC LIMIT 1");
            p.setString(1, connector);
            p.setString(2, key);
            p.setString(3, key + "~r");
            p.setString(4, key + "~s");
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<DlqEntry> claimDue(String connector, Instant now, int limit, boolean unknownOutcome) {
        // One statement claims the batch; on PostgreSQL the inner SELECT takes FOR UPDATE SKIP LOCKED.
        return db.write(() -> {
            String due = "SELECT id FROM dlq_entries WHERE state = 'pending' AND unknown_outcome = "
                    + (unknownOutcome ? 1 : 0) + " AND next_replay_at <= ?"
                    + (connector == null ? "" : " AND connector = ?") + " ORDER BY next_replay_at, seq LIMIT ?";
            PreparedStatement p = db.ps("UPDATE dlq_entries SET state = 'replaying', updated_at = ? WHERE id IN (" + due
                    + ") RETURNING " + DLQ_COLUMNS);
            int i = 1;
            p.setLong(i++, ms(now));
            p.setLong(i++, ms(now));
            if (connector != null) p.setString(i++, connector);
            p.setInt(i, limit);
            var out = new ArrayList<DlqEntry>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(entry(rs));
            }
            // RETURNING gives no order: due order, as claimed.
            out.sort(Comparator.comparing(DlqEntry::nextReplayAt));
            return out;
        });
    }

    @Override
    public boolean transition(String id, Set<DlqState> from, DlqState to, Instant at) {
        if (from.isEmpty()) return false;
        return db.write(() -> {
            StringBuilder in = new StringBuilder();
            for (DlqState s : from)
                in.append(in.isEmpty() ? "'" : ", '").append(s.name()).append('\'');
            // Going back to pending with no replay scheduled (a dead entry) makes it due now.
            PreparedStatement p = db.ps("UPDATE dlq_entries SET state = ?, updated_at = ?, next_replay_at = "
                    + (to == DlqState.pending ? "COALESCE(next_replay_at, ?)" : "next_replay_at")
                    + " WHERE id = ? AND state IN (" + in + ")");
            int i = 1;
            p.setString(i++, to.name());
            p.setLong(i++, ms(at));
            if (to == DlqState.pending) p.setLong(i++, ms(at));
            p.setString(i, id);
            return p.executeUpdate() > 0;
        });
    }

    @Override
    public int releaseClaims(Instant olderThan, Instant at) {
        return db.write(() -> {
            PreparedStatement p = db.ps(
                    "UPDATE dlq_entries SET state = 'pending', updated_at = ?, next_replay_at = COALESCE(next_replay_at, ?) "
                            + "WHERE state = 'replaying' AND updated_at < ?");
            p.setLong(1, ms(at));
            p.setLong(2, ms(at));
            p.setLong(3, ms(olderThan));
            return p.executeUpdate();
        });
    }

    @Override
    public List<DlqEntry> entries(DlqFilter f) {
        return db.read(() -> {
            StringBuilder sql = new StringBuilder("SELECT " + DLQ_COLUMNS + " FROM dlq_entries WHERE 1 = 1");
            if (f.connector() != null) sql.append(" AND connector = ?");
            if (f.state() != null) sql.append(" AND state = ?");
            if (f.errorClass() != null) sql.append(" AND error_class = ?");
            sql.append(" ORDER BY created_at DESC, seq DESC LIMIT ?");
            PreparedStatement p = db.ps(sql.toString());
            int i = 1;
            if (f.connector() != null) p.setString(i++, f.connector());
            if (f.state() != null) p.setString(i++, f.state().name());
            if (f.errorClass() != null) p.setString(i++, f.errorClass().name());
            p.setInt(i, f.limit());
            var out = new ArrayList<DlqEntry>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) out.add(entry(rs));
            }
            return out;
        });
    }

    @Override
    public Map<DlqState, Long> countEntries() {
        return db.read(() -> {
            var n = new EnumMap<DlqState, Long>(DlqState.class);
            for (DlqState s : DlqState.values()) n.put(s, 0L);
            try (ResultSet rs = db.ps("SELECT state, COUNT(*) FROM dlq_entries GROUP BY state")
                    .executeQuery()) {
                while (rs.next()) n.put(DlqState.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return n;
        });
    }

    @Override
    public Optional<Instant> oldestPending() {
        return db.read(() -> {
            try (ResultSet rs = db.ps("SELECT MIN(created_at) FROM dlq_entries WHERE state = 'pending'")
                    .executeQuery()) {
                if (!rs.next()) return Optional.empty();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
            }
        });
    }

    private static DlqEntry entry(ResultSet rs) throws SQLException {
        String c = rs.getString("error_class");
        return new DlqEntry(
                rs.getString("id"),
                rs.getString("connector"),
                rs.getString("tenant"),
                rs.getString("method"),
                rs.getString("path"),
                parse(rs.getString("headers_json"), HEADERS),
                rs.getBytes("body"),
                rs.getString("content_type"),
                rs.getString("idem_key"),
                rs.getString("op_id"),
                parse(rs.getString("attempts_json"), ATTEMPTS),
                rs.getInt("attempts_omitted"),
                c == null ? null : ErrorClass.valueOf(c),
                rs.getString("last_error"),
                rs.getInt("schema_version"),
                DlqState.valueOf(rs.getString("state")),
                rs.getInt("unknown_outcome") != 0,
                rs.getInt("replays"),
                instant(rs, "next_replay_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
