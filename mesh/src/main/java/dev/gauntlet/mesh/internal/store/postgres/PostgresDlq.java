package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.StoreJson.HEADERS;
import static dev.gauntlet.mesh.internal.store.StoreJson.json;
import static dev.gauntlet.mesh.internal.store.StoreJson.parse;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.instant;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.store.StoreException;
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
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dead-letter queue in PostgreSQL (table {@code dlq_entries}), shared by every node on the database. A claim is
 * one statement: {@code SELECT … FOR UPDATE SKIP LOCKED} over the pending entries (index {@code dlq_queue}, pending
 * rows only), then {@code UPDATE … SET state = 'replaying', claim_token = ?}; two nodes claiming at once take
 * disjoint entries. The token is kept here, per entry this node holds: a later change of the entry by this node
 * ({@link #updateEntry}, {@link #transition}) applies only while the token is still on the row. A claim released
 * after its lease ({@link #releaseClaims}, by any node) clears the token, and another node's claim sets its own, so
 * a replay that outlived its lease cannot record its result over the new claim: {@link #updateEntry} then throws
 * {@link ClaimLost} and {@link #transition} answers false.
 */
final class PostgresDlq implements DlqRepository {
    private static final TypeReference<List<Attempt>> ATTEMPTS = new TypeReference<>() {};
    private static final String COLUMNS = columns("");
    private final PostgresDatabase db;
    /** The claim token this node holds for each entry it claimed and has not settled yet. */
    private final Map<String, UUID> held = new ConcurrentHashMap<>();

    PostgresDlq(PostgresDatabase db) {
        this.db = db;
    }

    /** The columns an entry is read from, each with the table's alias {@code t} (JSON read back as text). */
    private static String columns(String t) {
        return String.join(
                ", ",
                t + "id",
                t + "connector",
                t + "tenant",
                t + "method",
                t + "path",
                t + "headers_json::text AS headers_json",
                t + "body",
                t + "content_type",
                t + "idem_key",
                t + "op_id",
                t + "attempts_json::text AS attempts_json",
                t + "error_class",
                t + "last_error",
                t + "schema_version",
                t + "state",
                t + "unknown_outcome",
                t + "replays",
                t + "next_replay_at",
                t + "created_at",
                t + "updated_at",
                t + "attempts_omitted");
    }

    /** A change refused because this node's claim on the entry was released or taken over (its lease ran out). */
    static final class ClaimLost extends StoreException {
        ClaimLost(String id) {
            super(
                    "DLQ entry " + id
                            + ": this node's claim ran out and was released or taken by another node; its result is not recorded",
                    null);
        }
    }

    @Override
    public void insertEntry(DlqEntry e) {
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO dlq_entries (id, connector, tenant, method, path, headers_json, body, "
                            + "content_type, idem_key, op_id, attempts_json, error_class, last_error, schema_version, state, unknown_outcome, replays, "
                            + "next_replay_at, created_at, updated_at, attempts_omitted) VALUES (?, ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, CAST(? AS jsonb), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
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
                p.setBoolean(16, e.unknownOutcome());
                p.setInt(17, e.replays());
                setInstant(p, 18, e.nextReplayAt());
                setInstant(p, 19, e.createdAt());
                setInstant(p, 20, e.updatedAt());
                p.setInt(21, e.attemptsOmitted());
                return p.executeUpdate();
            }
        });
    }

    @Override
    public Optional<DlqEntry> entry(String id) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT " + COLUMNS + " FROM dlq_entries WHERE id = ?")) {
                p.setString(1, id);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
                }
            }
        });
    }

    /**
     * Replaces the entry's changing fields; while this node holds a claim on it, only if the claim is still its own
     * (else {@link ClaimLost}). An entry leaving replaying drops its token.
     */
    @Override
    public void updateEntry(DlqEntry e) {
        UUID token = held.get(e.id());
        int n = db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE dlq_entries SET attempts_json = CAST(? AS jsonb), error_class = ?, last_error = ?, "
                            + "state = ?, unknown_outcome = ?, replays = ?, next_replay_at = ?, updated_at = ?, idem_key = ?, "
                            + "attempts_omitted = ?, claim_token = CASE WHEN ? = 'replaying' THEN claim_token END WHERE id = ?"
                            + (token == null ? "" : " AND claim_token = ?"))) {
                p.setString(1, json(e.attempts()));
                p.setString(2, e.errorClass() == null ? null : e.errorClass().name());
                p.setString(3, e.lastError());
                p.setString(4, e.state().name());
                p.setBoolean(5, e.unknownOutcome());
                p.setInt(6, e.replays());
                setInstant(p, 7, e.nextReplayAt());
                setInstant(p, 8, e.updatedAt());
                p.setString(9, e.idempotencyKey());
                p.setInt(10, e.attemptsOmitted());
                p.setString(11, e.state().name());
                p.setString(12, e.id());
                if (token != null) p.setObject(13, token);
                return p.executeUpdate();
            }
        });
        // A lost claim keeps its (stale) token here: whatever else the outlived replay tries on the entry is refused
        // too,
        // until this node claims it again (a fresh token).
        if (token != null && n == 0) throw new ClaimLost(e.id());
        if (token != null && e.state() != DlqState.replaying) held.remove(e.id(), token);
    }

    @Override
    public Optional<DlqEntry> openEntry(String connector, String key) {
        return db.read(c -> {
            // The key itself, or the key's family after a spent key was replaced (key~r1, key~r2: a range, byte order).
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM dlq_entries WHERE connector = ? "
                            + "AND (idem_key = ? OR (idem_key >= ? AND idem_key < ?)) AND state IN ('pending', 'replaying') ORDER BY seq DESC LIMIT 1")) {
                p.setString(1, connector);
                p.setString(2, key);
                p.setString(3, key + "~r");
                p.setString(4, key + "~s");
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public List<DlqEntry> claimDue(String connector, Instant now, int limit, boolean unknownOutcome) {
        UUID token = UUID.randomUUID();
        List<DlqEntry> out = db.write(c -> {
            String due =
                    "SELECT id FROM dlq_entries WHERE state = 'pending' AND unknown_outcome = ? AND next_replay_at <= ?"
                            + (connector == null ? "" : " AND connector = ?")
                            + " ORDER BY next_replay_at, seq LIMIT ? FOR UPDATE SKIP LOCKED";
            try (PreparedStatement p = c.prepareStatement(
                    "WITH due AS (" + due + ") UPDATE dlq_entries d SET state = 'replaying', updated_at = ?, "
                            + "claim_token = ? FROM due WHERE d.id = due.id RETURNING " + columns("d."))) {
                int i = 1;
                p.setBoolean(i++, unknownOutcome);
                setInstant(p, i++, now);
                if (connector != null) p.setString(i++, connector);
                p.setInt(i++, limit);
                setInstant(p, i++, now);
                p.setObject(i, token);
                var claimed = new ArrayList<DlqEntry>();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) claimed.add(entry(rs));
                }
                return claimed;
            }
        });
        for (DlqEntry e : out) held.put(e.id(), token);
        // RETURNING gives no order: due order, as claimed.
        out.sort(Comparator.comparing(DlqEntry::nextReplayAt, Comparator.nullsLast(Comparator.naturalOrder())));
        return out;
    }

    /**
     * Moves an entry between states. Into replaying (a manual replay) it takes a fresh claim token; out of replaying
     * by this node, only while its own claim is on the row.
     */
    @Override
    public boolean transition(String id, Set<DlqState> from, DlqState to, Instant at) {
        if (from.isEmpty()) return false;
        UUID token = from.contains(DlqState.replaying) ? held.get(id) : null;
        UUID fresh = to == DlqState.replaying ? UUID.randomUUID() : null;
        boolean moved = db.write(c -> {
            StringBuilder in = new StringBuilder();
            for (DlqState s : from)
                in.append(in.isEmpty() ? "'" : ", '").append(s.name()).append('\'');
            // Going back to pending with no replay scheduled (a dead entry) makes it due now.
            String sql = "UPDATE dlq_entries SET state = ?, updated_at = ?, claim_token = ?, next_replay_at = "
                    + (to == DlqState.pending ? "COALESCE(next_replay_at, ?)" : "next_replay_at")
                    + " WHERE id = ? AND state IN (" + in + ")"
                    // this node's claim, when it holds one: not one another node took after this one's lease ran out
                    + (token == null ? "" : " AND (state <> 'replaying' OR claim_token = ?)");
            try (PreparedStatement p = c.prepareStatement(sql)) {
                int i = 1;
                p.setString(i++, to.name());
                setInstant(p, i++, at);
                p.setObject(i++, fresh);
                if (to == DlqState.pending) setInstant(p, i++, at);
                p.setString(i++, id);
                if (token != null) p.setObject(i, token);
                return p.executeUpdate() > 0;
            }
        });
        if (moved && token != null) held.remove(id, token);
        if (moved && fresh != null) held.put(id, fresh);
        return moved;
    }

    @Override
    public int releaseClaims(Instant olderThan, Instant at) {
        return db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "UPDATE dlq_entries SET state = 'pending', updated_at = ?, claim_token = NULL, "
                            + "next_replay_at = COALESCE(next_replay_at, ?) WHERE state = 'replaying' AND updated_at < ?")) {
                setInstant(p, 1, at);
                setInstant(p, 2, at);
                setInstant(p, 3, olderThan);
                return p.executeUpdate();
            }
        });
    }

    @Override
    public List<DlqEntry> entries(DlqFilter f) {
        return db.read(c -> {
            StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM dlq_entries WHERE true");
            if (f.connector() != null) sql.append(" AND connector = ?");
            if (f.state() != null) sql.append(" AND state = ?");
            if (f.errorClass() != null) sql.append(" AND error_class = ?");
            sql.append(" ORDER BY created_at DESC, seq DESC LIMIT ?");
            try (PreparedStatement p = c.prepareStatement(sql.toString())) {
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
            }
        });
    }

    @Override
    public Map<DlqState, Long> countEntries() {
        return db.read(c -> {
            var n = new EnumMap<DlqState, Long>(DlqState.class);
            for (DlqState s : DlqState.values()) n.put(s, 0L);
            try (PreparedStatement p = c.prepareStatement("SELECT state, COUNT(*) FROM dlq_entries GROUP BY state");
                    ResultSet rs = p.executeQuery()) {
                while (rs.next()) n.put(DlqState.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return n;
        });
    }

    @Override
    public Optional<Instant> oldestPending() {
        return db.read(c -> {
            try (PreparedStatement p =
                            c.prepareStatement("SELECT MIN(created_at) FROM dlq_entries WHERE state = 'pending'");
                    ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.ofNullable(instant(rs, 1)) : Optional.empty();
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
                rs.getBoolean("unknown_outcome"),
                rs.getInt("replays"),
                instant(rs, "next_replay_at"),
                instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }
}
