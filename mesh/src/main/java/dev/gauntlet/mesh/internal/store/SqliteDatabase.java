package dev.gauntlet.mesh.internal.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.store.StoreException;
import dev.gauntlet.mesh.store.StoreHealth;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one SQLite connection every repository of a {@link SqliteStore} shares: the lock around it (SQLite has one
 * writer anyway, and no lock is ever held across a call upstream), prepared statements kept for the connection's life,
 * transactions, and the degraded state: a full disk, another process's lock or an I/O error refuse writes with
 * {@link StoreUnavailable} at once until a probe write succeeds.
 */
final class SqliteDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteDatabase.class);

    /**
     * How long a statement waits for another process's write lock before the store reports itself locked: short, so a
     * lock held by someone else is noticed within a second and answered 503 instead of queueing every call behind
     * it (with 5 s, a 90 s lock answered 500 after 34-44 s).
     */
    static final int BUSY_TIMEOUT_MS = 200;
    /** While opening and migrating: two processes opening one fresh file wait for each other's migration. */
    static final int OPEN_BUSY_TIMEOUT_MS = 5_000;
    /** A degraded store lets one write through (a probe) this often; the others are refused at once. */
    static final long PROBE_EVERY_MS = StoreOutage.PROBE_EVERY_MS;
    /** Retry-After per reason: a lock is usually short; freeing a disk takes a person. */
    static final Duration RETRY_LOCKED = Duration.ofSeconds(1);

    static final Duration RETRY_FULL = Duration.ofSeconds(5);
    static final Duration RETRY_IO = Duration.ofSeconds(2);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    /** Request headers as the DLQ and the intents keep them (JSON object). */
    static final TypeReference<Map<String, String>> HEADERS = StoreJson.HEADERS;

    /** Statements run on the connection (with the lock held). */
    @FunctionalInterface
    interface Work<T> {
        T run() throws SQLException;
    }

    private final Path file;
    private final InstantSource clock;
    private final ReentrantLock lock = new ReentrantLock();
    /** Replaced after an I/O error broke it (null until reopened). Read and written with the lock held. */
    private Connection db;
    /** Whether the store takes writes (refused at once while not, but for a probe every {@link #PROBE_EVERY_MS}). */
    private final StoreOutage outage;

    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private volatile boolean closed;

    SqliteDatabase(Path file, InstantSource clock, Connection db) {
        this.file = file;
        this.clock = clock;
        this.db = db;
        this.outage = new StoreOutage(file.getFileName().toString(), clock);
    }

    Path file() {
        return file;
    }

    InstantSource clock() {
        return clock;
    }

    /**
     * The data folder (0700 when we create it) and the file (0600 from its first byte, tightened when it exists: it
     * holds refresh tokens). SQLite creates {@code -wal} and {@code -shm} with the database file's permissions; those
     * left by an older version are tightened too. Nothing on file systems without POSIX permissions.
     */
    static void ownerOnly(Path file) throws IOException {
        Path abs = file.toAbsolutePath();
        Path dir = abs.getParent();
        boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
        if (dir != null && !Files.isDirectory(dir)) {
            if (posix) Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
            else Files.createDirectories(dir);
        }
        if (!posix) return;
        if (!Files.exists(abs)) {
            try {
                Files.createFile(abs, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
            } catch (FileAlreadyExistsException raced) {
                // another process created it this instant: tightened below
            }
        }
        for (String suffix : new String[] {"", "-wal", "-shm"}) {
            Path f = abs.resolveSibling(abs.getFileName() + suffix);
            try {
                if (Files.exists(f) && !Files.getPosixFilePermissions(f).equals(OWNER_ONLY_FILE)) {
                    Files.setPosixFilePermissions(f, OWNER_ONLY_FILE);
                }
            } catch (IOException | UnsupportedOperationException notOurs) {
                LOG.warn("cannot make {} readable by its owner only: {}", f.getFileName(), notOurs.toString());
            }
        }
    }

    /** The JDBC URL of the file: every connection to it (ours, Flyway's) waits {@code busyMs} for another's lock. */
    static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /**
     * The settings of every connection to the file. Write transactions take the write lock when they begin, so two
     * processes migrating one file at once wait for each other instead of failing half-way (and no read-then-write
     * transaction deadlocks on upgrade). The busy wait is set before WAL mode: turning a fresh file to WAL takes a
     * lock, and a second process opening the same fresh file at that moment failed at once with SQLITE_BUSY instead
     * of waiting. NORMAL sync in WAL mode: a commit is durable against a process crash; a power cut may lose the last
     * commits but never corrupts the file (sqlite.org/pragma.html#pragma_synchronous).
     */
    static Properties settings(int busyMs) {
        var props = new Properties();
        props.setProperty("transaction_mode", "IMMEDIATE");
        props.setProperty("busy_timeout", Integer.toString(busyMs));
        props.setProperty("journal_mode", "WAL");
        props.setProperty("synchronous", "NORMAL");
        return props;
    }

    /** A connection in WAL mode that waits {@code busyMs} for another process's lock. */
    static Connection connect(Path file, int busyMs) throws SQLException {
        return DriverManager.getConnection(url(file), settings(busyMs));
    }

    /** A statement or several that only read: a full disk or another process's write lock (WAL) does not stop them. */
    <T> T read(Work<T> work) {
        return run(work, false);
    }

    /**
     * Statements that write. While the store is degraded they are refused at once with the reason, but for one
     * every {@link #PROBE_EVERY_MS} that goes through as the probe: when it succeeds the store is ok again.
     */
    <T> T write(Work<T> work) {
        return run(work, true);
    }

    private <T> T run(Work<T> work, boolean writes) {
        StoreUnavailable d = outage.current();
        boolean probe = writes && d != null && outage.probeDue();
        if (writes && d != null && !probe) throw StoreOutage.refusal(d);
        lock.lock();
        try {
            if (closed) throw new StoreException("the store " + file.getFileName() + " is closed");
            // Degraded while this write waited for the lock (behind the write that found out): refused at once too,
            // not each after its own busy timeout in turn.
            d = outage.current();
            if (writes && d != null && !probe) throw StoreOutage.refusal(d);
            if (db == null) reopen();
            T t = work.run();
            if (writes && outage.current() != null) outage.recovered();
            return t;
        } catch (SQLException e) {
            throw failed(e, writes);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Several statements as one write transaction. Autocommit is switched back in {@code finally} even when beginning
     * failed: the driver marks the connection as in a transaction before its BEGIN IMMEDIATE meets another process's
     * lock, and the next transaction then ran without one and failed on commit ("no transaction is active").
     */
    <T> T transaction(Work<T> work) {
        return write(() -> {
            try {
                db.setAutoCommit(false);
                T t = work.run();
                db.commit();
                return t;
            } catch (SQLException | RuntimeException e) {
                try {
                    db.rollback();
                } catch (SQLException alreadyRolledBack) {
                    // SQLite rolls a transaction back itself on SQLITE_FULL and some I/O errors
                }
                throw e;
            } finally {
                try {
                    db.setAutoCommit(true);
                } catch (SQLException broken) {
                    dropConnection(); // reopened by the next call
                }
            }
        });
    }

    /**
     * What a failed statement means: a full disk, a lock or an I/O error make the store degraded (and the statements
     * are dropped - one that failed mid-step answered "statement is not executing" ever after; after an I/O error the
     * connection is reopened too); anything else is a plain {@link StoreException}. Called with the lock held.
     */
    private StoreException failed(SQLException e, boolean writes) {
        StoreUnavailable.Reason reason = reason(e);
        dropStatements();
        if (reason == null) {
            return new StoreException("store " + file.getFileName() + ": " + e.getMessage(), e);
        }
        if (reason == StoreUnavailable.Reason.io) dropConnection();
        Duration retry = switch (reason) {
            case full -> RETRY_FULL;
            case locked -> RETRY_LOCKED;
            case io -> RETRY_IO;
        };
        String what = switch (reason) {
            case full -> "the disk holding the mesh store is full";
            case locked -> "another process holds the mesh store's lock";
            case io -> "the mesh store cannot read or write its file";
        };
        var u = new StoreUnavailable(
                reason,
                retry,
                "store unavailable: " + what + "; it recovers by itself when that is over - retry after "
                        + retry.toSeconds() + " s",
                e);
        // Only a write makes the store degraded: a read that met a lock says nothing of writes (and is not refused).
        if (writes) outage.degraded(u, e.getMessage());
        return u;
    }

    /** The reason a SQLite failure makes the store unavailable, or null when it is another kind of error. */
    static StoreUnavailable.Reason reason(SQLException e) {
        int code = e.getErrorCode() & 0xff; // the primary result code of an extended one
        String m = String.valueOf(e.getMessage());
        if (code == 13 || m.contains("SQLITE_FULL")) return StoreUnavailable.Reason.full;
        if (code == 5 || code == 6 || m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED"))
            return StoreUnavailable.Reason.locked;
        if (code == 10
                || code == 14
                || code == 15
                || m.contains("SQLITE_IOERR")
                || m.contains("SQLITE_CANTOPEN")
                || m.contains("statement is not executing")
                || m.contains("database connection closed")) {
            return StoreUnavailable.Reason.io;
        }
        return null;
    }

    private void dropStatements() {
        for (PreparedStatement p : statements.values()) {
            try {
                p.close();
            } catch (SQLException ignored) {
                // dropping it anyway
            }
        }
        statements.clear();
    }

    private void dropConnection() {
        dropStatements();
        closeQuietly(db);
        db = null;
    }

    /** After an I/O error: a fresh connection to the same file (already migrated). Called with the lock held. */
    private void reopen() throws SQLException {
        db = connect(file, BUSY_TIMEOUT_MS);
        LOG.info("store {}: connection reopened", file.getFileName());
    }

    /** The store's state; while degraded, a probe (a one-row write) when one is due, so it recovers without traffic. */
    StoreHealth health() {
        if (outage.current() != null && !closed) {
            try {
                write(() -> {
                    PreparedStatement p = ps(
                            "INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at");
                    p.setLong(1, clock.millis());
                    return p.executeUpdate();
                });
            } catch (StoreException stillDown) {
                // reported below
            }
        }
        return outage.health();
    }

    /** A prepared statement kept for the connection's life (called with the lock held, inside {@link Work}). */
    PreparedStatement ps(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = db.prepareStatement(sql);
            statements.put(sql, p);
        }
        p.clearParameters();
        return p;
    }

    /** One number read by a query (0 when it returns no row). */
    long scalar(String sql) {
        return read(() -> {
            try (ResultSet rs = ps(sql).executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            dropStatements();
            closeQuietly(db);
        } finally {
            lock.unlock();
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("closing the store connection: {}", e.toString());
        }
    }

    // --- column helpers every repository uses

    static long ms(Instant t) {
        return t.toEpochMilli();
    }

    static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    static void setInstant(PreparedStatement p, int i, Instant t) throws SQLException {
        if (t == null) p.setNull(i, Types.BIGINT);
        else p.setLong(i, t.toEpochMilli());
    }

    static String json(Object o) {
        return StoreJson.json(o);
    }

    static <T> T parse(String json, TypeReference<T> type) {
        return StoreJson.parse(json, type);
    }

    static ObjectMapper mapper() {
        return StoreJson.mapper();
    }
}
