package dev.gauntlet.mesh.internal.store;

import static dev.gauntlet.mesh.internal.store.SqliteDatabase.ms;

import dev.gauntlet.mesh.store.Retention;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;

/** Retention in SQLite: prunes events, roll-ups, finished DLQ entries and completed intents by age and beyond their row caps. */
final class SqliteRetention {
    /** Rows one pruning statement deletes: a big prune goes in short write transactions, never holding the lock long. */
    static final int PRUNE_BATCH = 2_000;

    private final SqliteDatabase db;
    private final Retention retention;

    SqliteRetention(SqliteDatabase db, Retention retention) {
        this.db = db;
        this.retention = retention;
    }

    /**
     * Ages first, then row caps (the newest rows are kept), table by table, each in batches of {@link #PRUNE_BATCH}
     * rows, one short write transaction each: a prune of a million rows never holds the write lock for long, and live
     * writes go between its batches. Rows tied at a cap's boundary time are kept (the cap may be passed by those).
     */
    long prune(Instant now) {
        long n = 0;
        n += pruneBatches("events", "id", "at < ?", ms(now.minus(retention.eventAge())));
        // Beyond the cap: everything older than the newest eventRows (ids grow with time).
        long maxEvent = db.scalar("SELECT COALESCE(MAX(id), 0) FROM events");
        n += pruneBatches("events", "id", "id <= ?", maxEvent - retention.eventRows());
        n += pruneBatches("rollups", "rowid", "second < ?", ms(now.minus(retention.rollupAge())));
        Long rollupCut =
                cutoff("SELECT second FROM rollups ORDER BY second DESC LIMIT 1 OFFSET ?", retention.rollupRows());
        if (rollupCut != null) n += pruneBatches("rollups", "rowid", "second < ?", rollupCut);
        String finished = "state IN ('succeeded', 'discarded')";
        n += pruneBatches(
                "dlq_entries", "id", finished + " AND updated_at < ?", ms(now.minus(retention.finishedAge())));
        Long entryCut = cutoff(
                "SELECT updated_at FROM dlq_entries WHERE " + finished + " ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                retention.finishedRows());
        if (entryCut != null) n += pruneBatches("dlq_entries", "id", finished + " AND updated_at < ?", entryCut);
        String done = "state IN ('succeeded', 'failed', 'parked')";
        n += pruneBatches("intents", "idem_key", done + " AND updated_at < ?", ms(now.minus(retention.finishedAge())));
        Long intentCut = cutoff(
                "SELECT updated_at FROM intents WHERE " + done + " ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                retention.intentRows());
        if (intentCut != null) n += pruneBatches("intents", "idem_key", done + " AND updated_at < ?", intentCut);
        return n;
    }

    /**
     * The value of the {@code keep}-th newest row (the query orders newest first and skips its parameter): rows older
     * than it are beyond the cap. Null when there are fewer rows than the cap.
     */
    private Long cutoff(String sql, long keep) {
        return db.read(() -> {
            PreparedStatement p = db.ps(sql);
            p.setLong(1, keep - 1);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        });
    }

    /** Deletes the rows matching {@code where} (one ? parameter), {@link #PRUNE_BATCH} at a time, each batch its own write. */
    private long pruneBatches(String table, String key, String where, long arg) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table + " WHERE "
                + where + " LIMIT " + PRUNE_BATCH + ")";
        long total = 0;
        while (true) {
            int n = db.write(() -> {
                PreparedStatement p = db.ps(sql);
                p.setLong(1, arg);
                return p.executeUpdate();
            });
            total += n;
            if (n < PRUNE_BATCH) return total;
        }
    }
}
