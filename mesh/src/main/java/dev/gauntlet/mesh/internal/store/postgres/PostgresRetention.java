package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.instant;
import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.store.Retention;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;

/**
 * Retention in PostgreSQL: the same rules as SQLite's (ages first, then row caps, newest rows kept), each table in
 * batches of {@link #PRUNE_BATCH} rows, one short statement each, so live writes of every node go between them.
 * Several nodes pruning at once delete disjoint or already-deleted rows: harmless.
 */
final class PostgresRetention {
    static final int PRUNE_BATCH = 2_000;
    private static final String FINISHED = "state IN ('succeeded', 'discarded')";
    private static final String DONE = "state IN ('succeeded', 'failed', 'parked')";
    private final PostgresDatabase db;
    private final Retention retention;

    PostgresRetention(PostgresDatabase db, Retention retention) {
        this.db = db;
        this.retention = retention;
    }

    long prune(Instant now) {
        long n = 0;
        n += pruneBefore("events", "id", "at < ?", now.minus(retention.eventAge()));
        // Beyond the cap: everything older than the newest eventRows (ids grow with time).
        long maxEvent = db.scalar("SELECT COALESCE(MAX(id), 0) FROM events");
        n += pruneBatches("events", "id", "id <= ?", p -> p.setLong(1, maxEvent - retention.eventRows()));
        n += pruneBefore("rollups", "ctid", "second < ?", now.minus(retention.rollupAge()));
        Instant rollupCut =
                cutoff("SELECT second FROM rollups ORDER BY second DESC LIMIT 1 OFFSET ?", retention.rollupRows());
        if (rollupCut != null) n += pruneBefore("rollups", "ctid", "second < ?", rollupCut);
        n += pruneBefore("dlq_entries", "id", FINISHED + " AND updated_at < ?", now.minus(retention.finishedAge()));
        Instant entryCut = cutoff(
                "SELECT updated_at FROM dlq_entries WHERE " + FINISHED + " ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                retention.finishedRows());
        if (entryCut != null) n += pruneBefore("dlq_entries", "id", FINISHED + " AND updated_at < ?", entryCut);
        n += pruneBefore("intents", "idem_key", DONE + " AND updated_at < ?", now.minus(retention.finishedAge()));
        Instant intentCut = cutoff(
                "SELECT updated_at FROM intents WHERE " + DONE + " ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                retention.intentRows());
        if (intentCut != null) n += pruneBefore("intents", "idem_key", DONE + " AND updated_at < ?", intentCut);
        return n;
    }

    /** The time of the {@code keep}-th newest row: rows older than it are beyond the cap. Null when there are fewer rows. */
    private Instant cutoff(String sql, long keep) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(sql)) {
                p.setLong(1, keep - 1);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? instant(rs, 1) : null;
                }
            }
        });
    }

    private long pruneBefore(String table, String key, String where, Instant t) {
        return pruneBatches(table, key, where, p -> setInstant(p, 1, t));
    }

    /** Binds the one parameter of a pruning condition. */
    @FunctionalInterface
    private interface Bind {
        void to(PreparedStatement p) throws SQLException;
    }

    /** Deletes the rows matching {@code where}, {@link #PRUNE_BATCH} at a time, each batch its own statement. */
    private long pruneBatches(String table, String key, String where, Bind bind) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table + " WHERE "
                + where + " LIMIT " + PRUNE_BATCH + ")";
        long total = 0;
        while (true) {
            int n = db.write(c -> {
                try (PreparedStatement p = c.prepareStatement(sql)) {
                    bind.to(p);
                    return p.executeUpdate();
                }
            });
            total += n;
            if (n < PRUNE_BATCH) return total;
        }
    }
}
