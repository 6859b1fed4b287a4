package dev.gauntlet.mesh.internal.store;

import static dev.gauntlet.mesh.internal.store.SqliteDatabase.ms;

import dev.gauntlet.mesh.metrics.MetricRollup;
import dev.gauntlet.mesh.metrics.RollupRepository;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Per-second metric roll-ups in SQLite (table {@code rollups}); a batch is one transaction, a second written again replaces it. */
final class SqliteRollups implements RollupRepository {
    private final SqliteDatabase db;

    SqliteRollups(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public void saveRollups(List<MetricRollup> batch) {
        if (batch.isEmpty()) return;
        db.transaction(() -> {
            PreparedStatement p = db.ps(
                    "INSERT INTO rollups (connector, second, calls, attempts, succeeded, failed, retries, rate_limited, "
                            + "p50_ms, p95_ms, p99_ms, max_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (connector, second) DO UPDATE SET "
                            + "calls = excluded.calls, attempts = excluded.attempts, succeeded = excluded.succeeded, failed = excluded.failed, "
                            + "retries = excluded.retries, rate_limited = excluded.rate_limited, p50_ms = excluded.p50_ms, p95_ms = excluded.p95_ms, "
                            + "p99_ms = excluded.p99_ms, max_ms = excluded.max_ms");
            for (MetricRollup r : batch) {
                p.setString(1, r.connector());
                p.setLong(2, ms(r.second()));
                p.setLong(3, r.calls());
                p.setLong(4, r.attempts());
                p.setLong(5, r.succeeded());
                p.setLong(6, r.failed());
                p.setLong(7, r.retries());
                p.setLong(8, r.rateLimited());
                p.setDouble(9, r.p50Ms());
                p.setDouble(10, r.p95Ms());
                p.setDouble(11, r.p99Ms());
                p.setDouble(12, r.maxMs());
                p.addBatch();
            }
            return p.executeBatch();
        });
    }

    @Override
    public List<MetricRollup> rollups(String connector, Instant from, Instant to) {
        return db.read(() -> {
            PreparedStatement p;
            String cols =
                    "SELECT connector, second, calls, attempts, succeeded, failed, retries, rate_limited, p50_ms, p95_ms, p99_ms, max_ms FROM rollups ";
            if (connector == null) {
                p = db.ps(cols + "WHERE second >= ? AND second < ? ORDER BY second, connector");
                p.setLong(1, ms(from));
                p.setLong(2, ms(to));
            } else {
                p = db.ps(cols + "WHERE connector = ? AND second >= ? AND second < ? ORDER BY second");
                p.setString(1, connector);
                p.setLong(2, ms(from));
                p.setLong(3, ms(to));
            }
            var out = new ArrayList<MetricRollup>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new MetricRollup(
                            rs.getString(1),
                            Instant.ofEpochMilli(rs.getLong(2)),
                            rs.getLong(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            rs.getLong(8),
                            rs.getDouble(9),
                            rs.getDouble(10),
                            rs.getDouble(11),
                            rs.getDouble(12)));
                }
            }
            return out;
        });
    }
}
