package dev.gauntlet.bench.mesh;

import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.internal.store.postgres.PostgresStore;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * The DLQ claim on PostgreSQL as the table grows: the time of one {@code claimDue(connector, now, 10)} ({@code FOR
 * UPDATE SKIP LOCKED} over the partial queue index) with 0, 10k, 100k and 1M settled entries (succeeded, discarded,
 * dead) beside 2,000 pending ones, 200 claims per size after 50 not counted; then the plan PostgreSQL chose at the
 * largest size. Runs in a database of its own (random name) on the server of {@code GAUNTLET_PG_URL} (default
 * {@code postgresql://127.0.0.1:5432/test?user=postgres}), dropped at the end.
 *
 * <pre>java -cp bench/target/gauntlet-bench.jar dev.gauntlet.bench.mesh.DlqClaimBench [largest settled=1000000]</pre>
 */
public final class DlqClaimBench {
    static final int PENDING = 2_000;
    static final int CLAIMS = 200;
    static final int WARMUP = 50;
    static final int BATCH = 10;
    static final Instant NOW = Instant.parse("2026-12-07T12:00:00Z");

    public static void main(String[] args) throws Exception {
        long largest = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000;
        if (largest < 0 || largest > 20_000_000)
            throw new IllegalArgumentException("largest settled in 0..20000000, was " + largest);
        PostgresUrl admin = PostgresUrl.parse(
                System.getenv().getOrDefault("GAUNTLET_PG_URL", "postgresql://127.0.0.1:5432/test?user=postgres"));
        String name = "gauntlet_bench_"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        exec(admin, "CREATE DATABASE " + name);
        PostgresUrl url = admin.withDatabase(name);
        try (PostgresStore store = PostgresStore.open(
                        url, Retention.DEFAULT, InstantSource.system(), WriteBehind.Settings.DEFAULT);
                Connection c = DriverManager.getConnection(url.jdbcUrl())) {
            System.out.printf(
                    "claimDue(connector, now, %d) with %,d pending entries, PostgreSQL %s%n",
                    BATCH, PENDING, version(c));
            System.out.printf(
                    "%12s %10s %10s %10s %10s %12s %14s%n",
                    "settled", "p50 ms", "p90 ms", "p99 ms", "max ms", "table MB", "dlq_queue kB");
            insert(c, "pending", PENDING, "p");
            long settled = 0;
            for (long target : List.of(0L, 10_000L, 100_000L, largest)) {
                if (target > largest || (target < settled)) continue;
                if (target > settled) insert(c, "settled", target - settled, "s" + settled + "_");
                settled = target;
                try (Statement s = c.createStatement()) {
                    s.execute("VACUUM ANALYZE dlq_entries");
                }
                Histogram h = new Histogram(3);
                for (int i = 0; i < WARMUP + CLAIMS; i++) {
                    if (i % (PENDING / BATCH) == 0) reset(c);
                    long t0 = System.nanoTime();
                    List<DlqEntry> got = store.dlq().claimDue("shop", NOW, BATCH);
                    long took = System.nanoTime() - t0;
                    if (got.size() != BATCH)
                        throw new IllegalStateException("claimed " + got.size() + ", expected " + BATCH);
                    if (i >= WARMUP) h.recordValue(took);
                }
                reset(c);
                System.out.printf(
                        "%,12d %10.2f %10.2f %10.2f %10.2f %12.0f %14.0f%n",
                        settled,
                        h.getValueAtPercentile(50) / 1e6,
                        h.getValueAtPercentile(90) / 1e6,
                        h.getValueAtPercentile(99) / 1e6,
                        h.getMaxValue() / 1e6,
                        size(c, "pg_total_relation_size('dlq_entries')") / 1e6,
                        size(c, "pg_relation_size('dlq_queue')") / 1e3);
            }
            System.out.println("plan of the claim's inner SELECT at " + String.format("%,d", settled) + " settled:");
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) SELECT id FROM dlq_entries "
                            + "WHERE state = 'pending' AND unknown_outcome = false AND next_replay_at <= now() AND connector = 'shop' "
                            + "ORDER BY next_replay_at, seq LIMIT 10 FOR UPDATE SKIP LOCKED")) {
                while (rs.next()) System.out.println("  " + rs.getString(1));
            }
        } finally {
            exec(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    /** Rows made by the server itself (generate_series): {@code kind} pending (due) or settled (a third each succeeded, discarded, dead). */
    static void insert(Connection c, String kind, long n, String prefix) throws SQLException {
        String state = kind.equals("pending") ? "'pending'" : "(ARRAY['succeeded','discarded','dead'])[1 + g % 3]";
        try (Statement s = c.createStatement()) {
            s.execute(
                    "INSERT INTO dlq_entries (id, connector, tenant, method, path, headers_json, body, content_type, idem_key, op_id, attempts_json, "
                            + "error_class, last_error, schema_version, state, unknown_outcome, replays, next_replay_at, created_at, updated_at) "
                            + "SELECT '" + prefix
                            + "' || g, 'shop', 'default', 'POST', '/v1/customers', '{\"X-Trace\":\"t\"}'::jsonb, "
                            + "convert_to('name=a&n=' || g, 'UTF8'), 'application/x-www-form-urlencoded', 'key-"
                            + prefix + "' || g, 'op-" + prefix + "' || g, "
                            + "'[]'::jsonb, 'server_error', 'HTTP 503', 1, " + state + ", false, 1, "
                            + (kind.equals("pending") ? "timestamptz '2026-12-07 11:00:00+00'" : "NULL")
                            + ", now() - interval '1 day', now() "
                            + "FROM generate_series(1, " + n + ") g");
        }
    }

    /** Every claimed entry back to pending (as if each replay failed and was rescheduled), outside the timed claims. */
    static void reset(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE dlq_entries SET state = 'pending', claim_token = NULL WHERE state = 'replaying'");
        }
    }

    /** Bytes, as a size function of PostgreSQL's tells them. */
    static double size(Connection c, String function) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT " + function)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static String version(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    static void exec(PostgresUrl on, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(on.jdbcUrl());
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
