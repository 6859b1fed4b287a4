package dev.gauntlet.mesh.internal.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.gauntlet.mesh.internal.store.StoreOutage;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.StoreException;
import dev.gauntlet.mesh.store.StoreHealth;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The connection pool (HikariCP) every repository of a {@link PostgresStore} shares, and the degraded state: a server
 * that cannot be reached (stopped, restarting, network gone), a full disk or a lock held past the statement timeout
 * refuse writes with {@link StoreUnavailable} at once until a probe write succeeds - the pool reconnects by itself, so
 * the store comes back without a restart. Each call borrows a connection for its statements only (never across a call
 * upstream).
 */
final class PostgresDatabase implements AutoCloseable {
    /**
     * How long a caller waits for a pooled connection (and the driver for a new one): short, so a server that is down
     * is answered 503 within a second or two instead of holding every call.
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** A statement that waits on a row lock this long is cancelled and reported as locked. */
    static final Duration STATEMENT_TIMEOUT = Duration.ofSeconds(5);

    static final Duration RETRY_DOWN = Duration.ofSeconds(2);
    static final Duration RETRY_LOCKED = Duration.ofSeconds(1);
    static final Duration RETRY_FULL = Duration.ofSeconds(5);

    /** Statements run on one borrowed connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private final PostgresUrl url;
    private final InstantSource clock;
    private final HikariDataSource pool;
    /** Whether the store takes writes (refused at once while not, but for a probe every {@link StoreOutage#PROBE_EVERY_MS}). */
    private final StoreOutage outage;

    private volatile boolean closed;

    PostgresDatabase(PostgresUrl url, InstantSource clock, int poolSize) {
        this.url = url;
        this.clock = clock;
        this.outage = new StoreOutage(url.safe(), clock);
        this.pool = new HikariDataSource(config(url, poolSize));
    }

    /**
     * The pool: a connection is waited for {@link #CONNECT_TIMEOUT} at most; the pool is created even when the server
     * is down at that moment (no fail-fast: the store opened, migrated, and the server went away and comes back).
     */
    static HikariConfig config(PostgresUrl url, int poolSize) {
        var c = new HikariConfig();
        c.setPoolName("gauntlet-store");
        c.setJdbcUrl(url.jdbcUrl());
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(1);
        c.setConnectionTimeout(Math.max(250, CONNECT_TIMEOUT.toMillis()));
        c.setValidationTimeout(Math.max(250, CONNECT_TIMEOUT.toMillis()));
        c.setInitializationFailTimeout(-1);
        c.addDataSourceProperty("connectTimeout", Long.toString(Math.max(1, CONNECT_TIMEOUT.toSeconds())));
        c.addDataSourceProperty("tcpKeepAlive", "true");
        c.addDataSourceProperty("ApplicationName", "gauntlet-aam");
        c.setConnectionInitSql("SET statement_timeout = " + STATEMENT_TIMEOUT.toMillis());
        return c;
    }

    HikariDataSource dataSource() {
        return pool;
    }

    PostgresUrl url() {
        return url;
    }

    InstantSource clock() {
        return clock;
    }

    /** Statements that only read: refused only when they fail themselves (a degraded store still answers reads it can). */
    <T> T read(Work<T> work) {
        return run(work, false, false);
    }

    /** Statements that write (autocommit); refused at once while degraded, but for a probe now and then. */
    <T> T write(Work<T> work) {
        return run(work, true, false);
    }

    /** Statements as one write transaction. */
    <T> T transaction(Work<T> work) {
        return run(work, true, true);
    }

    /**
     * A write transaction that holds a fence (an advisory lock) while its caller works: tried even while the store is
     * degraded, and its failure does not degrade the store, because the usual one is this transaction's own session
     * ended by the server (its idle timeout is how a holder paused past its hold loses the fence) or a wait for the
     * fence cut short - neither says the server is down.
     */
    <T> T fenced(Work<T> work) {
        return run(work, false, true);
    }

    private <T> T run(Work<T> work, boolean writes, boolean transaction) {
        if (closed) throw new StoreException("the store " + url.safe() + " is closed");
        StoreUnavailable d = outage.current();
        if (writes && d != null && !outage.probeDue()) throw StoreOutage.refusal(d);
        try (Connection c = pool.getConnection()) {
            T t;
            if (transaction) {
                c.setAutoCommit(false);
                try {
                    t = work.run(c);
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    rollbackQuietly(c);
                    throw e;
                } finally {
                    restoreAutoCommit(c);
                }
            } else {
                t = work.run(c);
            }
            if (writes && outage.current() != null) outage.recovered();
            return t;
        } catch (SQLException e) {
            throw failed(e, writes);
        }
    }

    /**
     * Back to autocommit for the pool; quietly, because on a broken connection this throws too ("Connection is closed")
     * and would hide the failure that says why (a server gone is {@code io}, not a plain error).
     */
    private static void restoreAutoCommit(Connection c) {
        try {
            c.setAutoCommit(true);
        } catch (SQLException broken) {
            // the connection is gone: the pool drops it
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException broken) {
            // the connection is gone: the pool drops it
        }
    }

    /** A failure that makes the store unavailable degrades it (when it was a write); anything else is a plain StoreException. */
    private StoreException failed(SQLException e, boolean writes) {
        StoreUnavailable.Reason reason = reason(e);
        if (reason == null) return new StoreException("store " + url.safe() + ": " + e.getMessage(), e);
        Duration retry = switch (reason) {
            case full -> RETRY_FULL;
            case locked -> RETRY_LOCKED;
            case io -> RETRY_DOWN;
        };
        String what = switch (reason) {
            case full -> "the PostgreSQL server holding the mesh store is out of disk or resources";
            case locked -> "a lock in the mesh store's PostgreSQL database was held past the statement timeout";
            case io -> "the mesh store's PostgreSQL server cannot be reached";
        };
        var u = new StoreUnavailable(
                reason,
                retry,
                "store unavailable: " + what + "; it recovers by itself when that is over - retry after "
                        + retry.toSeconds() + " s",
                e);
        if (writes) outage.degraded(u, e.getMessage());
        return u;
    }

    /**
     * The reason a PostgreSQL failure makes the store unavailable (by SQLSTATE), or null for another error: connection
     * failures (class 08), a server shutting down or starting (57P01-57P03) and a pool that found no connection in time
     * are {@code io}; a full disk or out of memory (class 53 but too many connections) {@code full}; a lock or statement
     * timeout, a deadlock or a serialization failure {@code locked}.
     */
    static StoreUnavailable.Reason reason(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (!(t instanceof SQLException s)) continue;
            String state = s.getSQLState();
            if (state != null) {
                if (state.startsWith("08")
                        || state.equals("57P01")
                        || state.equals("57P02")
                        || state.equals("57P03")
                        || state.equals("53300")) {
                    return StoreUnavailable.Reason.io;
                }
                if (state.startsWith("53")) return StoreUnavailable.Reason.full;
                if (state.equals("55P03") || state.equals("57014") || state.equals("40P01") || state.equals("40001")) {
                    return StoreUnavailable.Reason.locked;
                }
            }
        }
        // HikariCP's "connection is not available, request timed out" carries no SQLSTATE when the server never
        // answered.
        if (e instanceof SQLTransientConnectionException) return StoreUnavailable.Reason.io;
        return null;
    }

    /** The store's state; while degraded, a probe write when one is due, so it recovers without traffic. */
    StoreHealth health() {
        if (outage.current() != null && !closed) {
            try {
                write(c -> {
                    try (PreparedStatement p = c.prepareStatement(
                            "INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at")) {
                        setInstant(p, 1, clock.instant());
                        return p.executeUpdate();
                    }
                });
            } catch (StoreException stillDown) {
                // reported below
            }
        }
        return outage.health();
    }

    /** One number read by a query (0 when it returns no row or null). */
    long scalar(String sql) {
        return read(c -> {
            try (PreparedStatement p = c.prepareStatement(sql);
                    ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pool.close();
    }

    // --- column helpers every repository uses

    static void setInstant(PreparedStatement p, int i, Instant t) throws SQLException {
        if (t == null) p.setNull(i, Types.TIMESTAMP_WITH_TIMEZONE);
        else p.setObject(i, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
