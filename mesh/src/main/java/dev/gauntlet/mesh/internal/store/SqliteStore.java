package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreException;
import dev.gauntlet.mesh.store.StoreHealth;
import dev.gauntlet.mesh.store.StoreUnavailable;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.metrics.MetricRollup;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded store: one SQLite file ({@code mesh.db}) in a data folder, WAL mode, versioned migrations from
 * {@code db/sqlite/V<n>__<name>.sql}. One connection guarded by a lock: SQLite has one writer anyway, and each
 * operation is short (no lock is ever held across a call upstream). The SQL sticks to what PostgreSQL also takes
 * (UPDATE … RETURNING, ON CONFLICT … DO UPDATE), so a PostgreSQL store can follow with its own migrations.
 */
public final class SqliteStore implements Store {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

    /** The migrations, in order; each file's version is the number after its V. */
    static final List<String> MIGRATIONS = List.of("V1__init.sql", "V2__dlq_by_key.sql", "V3__store_probe_and_retention.sql");
    public static final String FILE_NAME = "mesh.db";
    /**
     * How long a statement waits for another process's write lock before the store reports itself locked: short, so a
     * lock held by someone else is noticed within a second and answered 503 instead of queueing every call behind
     * it (with 5 s, a 90 s lock answered 500 after 34-44 s).
     */
    static final int BUSY_TIMEOUT_MS = 200;
    /** While opening and migrating: two processes opening one fresh file wait for each other's migration. */
    static final int OPEN_BUSY_TIMEOUT_MS = 5_000;
    /** A degraded store lets one write through (a probe) this often; the others are refused at once. */
    static final long PROBE_EVERY_MS = 250;
    /** Retry-After per reason: a lock is usually short; freeing a disk takes a person. */
    static final Duration RETRY_LOCKED = Duration.ofSeconds(1);
    static final Duration RETRY_FULL = Duration.ofSeconds(5);
    static final Duration RETRY_IO = Duration.ofSeconds(2);
    /** Rows one pruning statement deletes: a big prune goes in short write transactions, never holding the lock long. */
    static final int PRUNE_BATCH = 2_000;
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};
    private static final TypeReference<List<Attempt>> ATTEMPTS = new TypeReference<>() {};
    private static final String DLQ_COLUMNS = "id, connector, tenant, method, path, headers_json, body, content_type, idem_key, op_id, "
            + "attempts_json, error_class, last_error, schema_version, state, unknown_outcome, replays, next_replay_at, created_at, updated_at";

    private final Path file;
    private final Retention retention;
    private final ReentrantLock lock = new ReentrantLock();
    /** Replaced after an I/O error broke it (null until reopened). Read and written with the lock held. */
    private Connection db;
    /** Null while the store takes writes; else why not (refused at once, but for a probe every {@link #PROBE_EVERY_MS}). */
    private volatile StoreUnavailable down;
    private volatile Instant downSince;
    private final AtomicLong nextProbeAt = new AtomicLong();
    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private long dlqSeq;
    private volatile boolean closed;

    private final InstantSource clock;

    private SqliteStore(Path file, Retention retention, InstantSource clock, Connection db) {
        this.file = file;
        this.clock = clock;
        this.retention = retention;
        this.db = db;
    }

    /** Opens (creating when needed) {@code mesh.db} in {@code dataDir} with the default retention, migrated to the latest schema. */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Retention.DEFAULT);
    }

    public static SqliteStore open(Path dataDir, Retention retention) {
        return open(dataDir, retention, InstantSource.system());
    }

    /** @param clock stamps bookkeeping columns (updated_at of credentials, schemas, connectors; when a migration ran) */
    public static SqliteStore open(Path dataDir, Retention retention, InstantSource clock) {
        return openFile(dataDir.resolve(FILE_NAME), retention, clock);
    }

    /** Opens (creating when needed) the store in this very file, e.g. {@code --store sqlite:/var/lib/gauntlet/aam.db}. */
    public static SqliteStore openFile(Path file, Retention retention, InstantSource clock) {
        Connection c = null;
        try {
            ownerOnly(file);
            c = connect(file, OPEN_BUSY_TIMEOUT_MS);
            migrate(c, file, clock);
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout=" + BUSY_TIMEOUT_MS);
            }
            SqliteStore store = new SqliteStore(file, retention, clock, c);
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(seq), 0) FROM dlq_entries")) {
                store.dlqSeq = rs.next() ? rs.getLong(1) : 0;
            }
            return store;
        } catch (SQLException | IOException e) {
            closeQuietly(c);
            throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    public Path file() {
        return file;
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
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another process created it this instant: tightened below
            }
        }
        for (String suffix : new String[]{"", "-wal", "-shm"}) {
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

    /** A connection in WAL mode that waits {@code busyMs} for another process's lock. */
    private static Connection connect(Path file, int busyMs) throws SQLException {
        var props = new java.util.Properties();
        // Write transactions take the write lock when they begin, so two processes migrating one file at once wait
        // for each other instead of failing half-way (and no read-then-write transaction deadlocks on upgrade).
        props.setProperty("transaction_mode", "IMMEDIATE");
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), props);
        try (Statement s = c.createStatement()) {
            // The wait first: turning a fresh file to WAL takes a lock, and a second process (or thread) opening the
            // same fresh file at that moment failed at once with SQLITE_BUSY instead of waiting for it.
            s.execute("PRAGMA busy_timeout=" + busyMs);
            s.execute("PRAGMA journal_mode=WAL");
            // NORMAL in WAL mode: a commit is durable against a process crash; a power cut may lose the last
            // commits but never corrupts the file (sqlite.org/pragma.html#pragma_synchronous).
            s.execute("PRAGMA synchronous=NORMAL");
        } catch (SQLException e) {
            closeQuietly(c);
            throw e;
        }
        return c;
    }

    /** The schema version of the open file. */
    public int schemaVersion() {
        return read(() -> currentVersion(db));
    }

    /** The newest schema this code knows. */
    public static int latestVersion() {
        return version(MIGRATIONS.getLast());
    }

    // --- migrations

    private static void migrate(Connection c, Path file, InstantSource clock) throws SQLException, IOException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)");
        }
        int current = currentVersion(c);
        int latest = latestVersion();
        if (current > latest) {
            throw new StoreException("the store at " + file + " has schema version " + current + ", newer than this mesh knows ("
                    + latest + "); run a newer mesh or point it at another data folder");
        }
        for (String name : MIGRATIONS) {
            int v = version(name);
            if (v <= current) continue;
            String sql = resource("db/sqlite/" + name);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                if (currentVersion(c) >= v) { // another process applied it while we waited for the lock
                    c.commit();
                    continue;
                }
                for (String statement : statements(sql)) s.execute(statement);
                try (PreparedStatement p = c.prepareStatement("INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)")) {
                    p.setInt(1, v);
                    p.setString(2, name);
                    p.setLong(3, clock.millis());
                    p.executeUpdate();
                }
                c.commit();
                LOG.info("store {}: applied migration {}", file, name);
            } catch (SQLException e) {
                c.rollback();
                throw new StoreException("migration " + name + " failed on " + file + ": " + e.getMessage(), e);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private static int currentVersion(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    static int version(String migration) {
        return Integer.parseInt(migration.substring(1, migration.indexOf("__")));
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = SqliteStore.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) throw new IOException("migration " + path + " is missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Splits a script at the semicolons ending its statements, without its comment lines. */
    static List<String> statements(String sql) {
        var out = new ArrayList<String>();
        var current = new StringBuilder();
        for (String line : sql.split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("--")) continue;
            current.append(line).append('\n');
            if (t.endsWith(";")) {
                out.add(current.toString().strip().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        if (!current.isEmpty()) out.add(current.toString().strip());
        return out;
    }

    // --- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException;
    }

    /** A statement or several that only read: a full disk or another process's write lock (WAL) does not stop them. */
    private <T> T read(Work<T> work) {
        return run(work, false);
    }

    /**
     * Statements that write. While the store is degraded they are refused at once with the reason, but for one
     * every {@link #PROBE_EVERY_MS} that goes through as the probe: when it succeeds the store is ok again.
     */
    private <T> T write(Work<T> work) {
        return run(work, true);
    }

    private <T> T run(Work<T> work, boolean writes) {
        StoreUnavailable d = down;
        boolean probe = writes && d != null && probeDue();
        if (writes && d != null && !probe) throw refusal(d);
        lock.lock();
        try {
            if (closed) throw new StoreException("the store " + file.getFileName() + " is closed");
            // Degraded while this write waited for the lock (behind the write that found out): refused at once too,
            // not each after its own busy timeout in turn.
            d = down;
            if (writes && d != null && !probe) throw refusal(d);
            if (db == null) reopen();
            T t = work.run();
            if (writes && down != null) recovered();
            return t;
        } catch (SQLException e) {
            throw failed(e, writes);
        } finally {
            lock.unlock();
        }
    }

    /** Several statements as one write transaction. */
    private <T> T transaction(Work<T> work) {
        return write(() -> {
            db.setAutoCommit(false);
            try {
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

    private boolean probeDue() {
        long now = clock.millis();
        long next = nextProbeAt.get();
        return now >= next && nextProbeAt.compareAndSet(next, now + PROBE_EVERY_MS);
    }

    /** The same reason for a write refused without trying: a fresh exception (its own stack), the same message. */
    private static StoreUnavailable refusal(StoreUnavailable d) {
        return new StoreUnavailable(d.reason(), d.retryAfter(), d.getMessage(), null);
    }

    private void recovered() {
        StoreUnavailable was = down;
        down = null;
        downSince = null;
        if (was != null) LOG.info("store {}: takes writes again (was {})", file.getFileName(), was.reason());
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
        var u = new StoreUnavailable(reason, retry, "store unavailable: " + what + "; it recovers by itself when that is over - retry after "
                + retry.toSeconds() + " s", e);
        // Only a write makes the store degraded: a read that met a lock says nothing of writes (and is not refused).
        if (writes) {
            if (down == null) {
                downSince = clock.instant();
                LOG.warn("store {}: degraded, writes refused ({}): {}", file.getFileName(), reason, e.getMessage());
            }
            down = u;
            nextProbeAt.set(clock.millis() + PROBE_EVERY_MS);
        }
        return u;
    }

    /** The reason a SQLite failure makes the store unavailable, or null when it is another kind of error. */
    static StoreUnavailable.Reason reason(SQLException e) {
        int code = e.getErrorCode() & 0xff; // the primary result code of an extended one
        String m = String.valueOf(e.getMessage());
        if (code == 13 || m.contains("SQLITE_FULL")) return StoreUnavailable.Reason.full;
        if (code == 5 || code == 6 || m.contains("SQLITE_BUSY") || m.contains("SQLITE_LOCKED")) return StoreUnavailable.Reason.locked;
        if (code == 10 || code == 14 || code == 15 || m.contains("SQLITE_IOERR") || m.contains("SQLITE_CANTOPEN")
                || m.contains("statement is not executing") || m.contains("database connection closed")) {
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
    @Override
    public StoreHealth health() {
        StoreUnavailable d = down;
        if (d != null && !closed) {
            try {
                write(() -> {
                    PreparedStatement p = ps("INSERT INTO store_probe (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at");
                    p.setLong(1, clock.millis());
                    return p.executeUpdate();
                });
            } catch (StoreException stillDown) {
                // reported below
            }
        }
        d = down;
        if (d == null) return StoreHealth.OK;
        return new StoreHealth(false, d.reason(), downSince, d.retryAfterSeconds(), d.getMessage());
    }

    /** A prepared statement kept for the connection's life (called with the lock held). */
    private PreparedStatement ps(String sql) throws SQLException {
        PreparedStatement p = statements.get(sql);
        if (p == null) {
            p = db.prepareStatement(sql);
            statements.put(sql, p);
        }
        p.clearParameters();
        return p;
    }

    private static long ms(Instant t) {
        return t.toEpochMilli();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : Instant.ofEpochMilli(v);
    }

    private static void setInstant(PreparedStatement p, int i, Instant t) throws SQLException {
        if (t == null) p.setNull(i, Types.BIGINT);
        else p.setLong(i, t.toEpochMilli());
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new StoreException("cannot write " + o.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    // --- credentials

    @Override
    public Optional<String> loadCredential(String connector, String tenant, String name) {
        return read(() -> {
            PreparedStatement p = ps("SELECT value FROM credentials WHERE connector = ? AND tenant = ? AND name = ?");
            p.setString(1, connector);
            p.setString(2, tenant);
            p.setString(3, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    @Override
    public void saveCredential(String connector, String tenant, String name, String value) {
        write(() -> {
            PreparedStatement p = ps("INSERT INTO credentials (connector, tenant, name, value, updated_at) VALUES (?, ?, ?, ?, ?) "
                    + "ON CONFLICT (connector, tenant, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
            p.setString(1, connector);
            p.setString(2, tenant);
            p.setString(3, name);
            p.setString(4, value);
            p.setLong(5, clock.millis()); // bookkeeping only
            return p.executeUpdate();
        });
    }

    // --- schemas

    @Override
    public Map<String, JsonNode> loadSchemas(String connector) {
        return read(() -> {
            PreparedStatement p = ps("SELECT endpoint, schema_json FROM schemas WHERE connector = ? ORDER BY endpoint");
            p.setString(1, connector);
            var out = new LinkedHashMap<String, JsonNode>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.put(rs.getString(1), JSON.readTree(rs.getString(2)));
                    } catch (JsonProcessingException e) {
                        throw new StoreException("stored schema of " + connector + " " + rs.getString(1) + " is unreadable", e);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public void saveSchema(String connector, String endpoint, JsonNode schema) {
        write(() -> {
            PreparedStatement p = ps("INSERT INTO schemas (connector, endpoint, schema_json, updated_at) VALUES (?, ?, ?, ?) "
                    + "ON CONFLICT (connector, endpoint) DO UPDATE SET schema_json = excluded.schema_json, updated_at = excluded.updated_at");
            p.setString(1, connector);
            p.setString(2, endpoint);
            p.setString(3, json(schema));
            p.setLong(4, clock.millis());
            return p.executeUpdate();
        });
    }

    // --- events

    @Override
    public void appendEvent(MeshEvent event) {
        String json = StoredEvent.json(event);
        write(() -> {
            PreparedStatement p = ps("INSERT INTO events (at, connector, type, json) VALUES (?, ?, ?, ?)");
            p.setLong(1, ms(event.at()));
            p.setString(2, event.connector());
            p.setString(3, event.type());
            p.setString(4, json);
            return p.executeUpdate();
        });
    }

    @Override
    public List<StoredEvent> recentEvents(String connector, int limit) {
        return read(() -> {
            PreparedStatement p;
            if (connector == null) {
                p = ps("SELECT id, at, connector, type, json FROM events ORDER BY id DESC LIMIT ?");
                p.setInt(1, limit);
            } else {
                p = ps("SELECT id, at, connector, type, json FROM events WHERE connector = ? ORDER BY id DESC LIMIT ?");
                p.setString(1, connector);
                p.setInt(2, limit);
            }
            var out = new ArrayList<StoredEvent>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new StoredEvent(rs.getLong("id"), instant(rs, "at"), rs.getString("connector"), rs.getString("type"), rs.getString("json")));
                }
            }
            return out;
        });
    }

    // --- roll-ups

    @Override
    public void saveRollups(List<MetricRollup> batch) {
        if (batch.isEmpty()) return;
        transaction(() -> {
            PreparedStatement p = ps("INSERT INTO rollups (connector, second, calls, attempts, succeeded, failed, retries, rate_limited, "
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
        return read(() -> {
            PreparedStatement p;
            String cols = "SELECT connector, second, calls, attempts, succeeded, failed, retries, rate_limited, p50_ms, p95_ms, p99_ms, max_ms FROM rollups ";
            if (connector == null) {
                p = ps(cols + "WHERE second >= ? AND second < ? ORDER BY second, connector");
                p.setLong(1, ms(from));
                p.setLong(2, ms(to));
            } else {
                p = ps(cols + "WHERE connector = ? AND second >= ? AND second < ? ORDER BY second");
                p.setString(1, connector);
                p.setLong(2, ms(from));
                p.setLong(3, ms(to));
            }
            var out = new ArrayList<MetricRollup>();
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(new MetricRollup(rs.getString(1), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                            rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getDouble(9), rs.getDouble(10), rs.getDouble(11), rs.getDouble(12)));
                }
            }
            return out;
        });
    }

    // --- connectors

    @Override
    public void saveConnector(String id, String specJson) {
        write(() -> {
            PreparedStatement p = ps("INSERT INTO connectors (id, spec_json, updated_at) VALUES (?, ?, ?) "
                    + "ON CONFLICT (id) DO UPDATE SET spec_json = excluded.spec_json, updated_at = excluded.updated_at");
            p.setString(1, id);
            p.setString(2, specJson);
            p.setLong(3, clock.millis());
            return p.executeUpdate();
        });
    }

    @Override
    public Optional<String> loadConnector(String id) {
        return read(() -> {
            PreparedStatement p = ps("SELECT spec_json FROM connectors WHERE id = ?");
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        });
    }

    @Override
    public Map<String, String> loadConnectors() {
        return read(() -> {
            var out = new LinkedHashMap<String, String>();
            try (ResultSet rs = ps("SELECT id, spec_json FROM connectors ORDER BY id").executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
            return out;
        });
    }

    @Override
    public boolean deleteConnector(String id) {
        return write(() -> {
            PreparedStatement p = ps("DELETE FROM connectors WHERE id = ?");
            p.setString(1, id);
            return p.executeUpdate() > 0;
        });
    }

    // --- intents

    @Override
    public void recordIntent(Intent i) {
        write(() -> {
            // A second write with the key (a replay) goes back in flight and keeps its first creation time.
            PreparedStatement p = ps("INSERT INTO intents (idem_key, connector, tenant, method, path, headers_json, body, content_type, op_id, "
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
        return write(() -> {
            PreparedStatement p = ps("UPDATE intents SET state = ?, updated_at = ? WHERE idem_key = ?");
            p.setString(1, state.name());
            p.setLong(2, ms(at));
            p.setString(3, key);
            return p.executeUpdate() > 0;
        });
    }

    @Override
    public Optional<Intent> intent(String key) {
        return read(() -> {
            PreparedStatement p = ps("SELECT * FROM intents WHERE idem_key = ?");
            p.setString(1, key);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(intent(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public List<Intent> staleIntents(Instant olderThan, int limit) {
        return read(() -> {
            PreparedStatement p = ps("SELECT * FROM intents WHERE state = 'in_flight' AND updated_at < ? ORDER BY updated_at LIMIT ?");
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
        return new Intent(rs.getString("idem_key"), rs.getString("connector"), rs.getString("tenant"), rs.getString("method"),
                rs.getString("path"), parse(rs.getString("headers_json"), HEADERS), rs.getBytes("body"), rs.getString("content_type"),
                rs.getString("op_id"), IntentState.valueOf(rs.getString("state")), instant(rs, "created_at"), instant(rs, "updated_at"));
    }

    // --- DLQ

    @Override
    public void insertEntry(DlqEntry e) {
        write(() -> {
            PreparedStatement p = ps("INSERT INTO dlq_entries (" + DLQ_COLUMNS + ", seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
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
            p.setLong(21, ++dlqSeq);
            return p.executeUpdate();
        });
    }

    @Override
    public Optional<DlqEntry> entry(String id) {
        return read(() -> {
            PreparedStatement p = ps("SELECT " + DLQ_COLUMNS + " FROM dlq_entries WHERE id = ?");
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(entry(rs)) : Optional.empty();
            }
        });
    }

    @Override
    public void updateEntry(DlqEntry e) {
        write(() -> {
            PreparedStatement p = ps("UPDATE dlq_entries SET attempts_json = ?, error_class = ?, last_error = ?, state = ?, unknown_outcome = ?, "
                    + "replays = ?, next_replay_at = ?, updated_at = ?, idem_key = ? WHERE id = ?");
            p.setString(1, json(e.attempts()));
            p.setString(2, e.errorClass() == null ? null : e.errorClass().name());
            p.setString(3, e.lastError());
            p.setString(4, e.state().name());
            p.setInt(5, e.unknownOutcome() ? 1 : 0);
            p.setInt(6, e.replays());
            setInstant(p, 7, e.nextReplayAt());
            p.setLong(8, ms(e.updatedAt()));
            p.setString(9, e.idempotencyKey());
            p.setString(10, e.id());
            return p.executeUpdate();
        });
    }

    @Override
    public Optional<DlqEntry> openEntry(String connector, String key) {
        return read(() -> {
            // The key itself, or the key's family after a spent key was replaced (key~r1, key~r2: a range on the index).
            PreparedStatement p = ps("SELECT " + DLQ_COLUMNS + " FROM dlq_entries WHERE connector = ? AND (idem_key = ? OR (idem_key >= ? AND idem_key < ?)) "
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
        return write(() -> {
            String due = "SELECT id FROM dlq_entries WHERE state = 'pending' AND unknown_outcome = " + (unknownOutcome ? 1 : 0) + " AND next_replay_at <= ?"
                    + (connector == null ? "" : " AND connector = ?") + " ORDER BY next_replay_at, seq LIMIT ?";
            PreparedStatement p = ps("UPDATE dlq_entries SET state = 'replaying', updated_at = ? WHERE id IN (" + due + ") RETURNING " + DLQ_COLUMNS);
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
            out.sort(java.util.Comparator.comparing(DlqEntry::nextReplayAt));
            return out;
        });
    }

    @Override
    public boolean transition(String id, Set<DlqState> from, DlqState to, Instant at) {
        if (from.isEmpty()) return false;
        return write(() -> {
            StringBuilder in = new StringBuilder();
            for (DlqState s : from) in.append(in.isEmpty() ? "'" : ", '").append(s.name()).append('\'');
            // Going back to pending with no replay scheduled (a dead entry) makes it due now.
            PreparedStatement p = ps("UPDATE dlq_entries SET state = ?, updated_at = ?, next_replay_at = "
                    + (to == DlqState.pending ? "COALESCE(next_replay_at, ?)" : "next_replay_at") + " WHERE id = ? AND state IN (" + in + ")");
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
        return write(() -> {
            PreparedStatement p = ps("UPDATE dlq_entries SET state = 'pending', updated_at = ?, next_replay_at = COALESCE(next_replay_at, ?) "
                    + "WHERE state = 'replaying' AND updated_at < ?");
            p.setLong(1, ms(at));
            p.setLong(2, ms(at));
            p.setLong(3, ms(olderThan));
            return p.executeUpdate();
        });
    }

    @Override
    public List<DlqEntry> entries(DlqFilter f) {
        return read(() -> {
            StringBuilder sql = new StringBuilder("SELECT " + DLQ_COLUMNS + " FROM dlq_entries WHERE 1 = 1");
            if (f.connector() != null) sql.append(" AND connector = ?");
            if (f.state() != null) sql.append(" AND state = ?");
            if (f.errorClass() != null) sql.append(" AND error_class = ?");
            sql.append(" ORDER BY created_at DESC, seq DESC LIMIT ?");
            PreparedStatement p = ps(sql.toString());
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
        return read(() -> {
            var n = new EnumMap<DlqState, Long>(DlqState.class);
            for (DlqState s : DlqState.values()) n.put(s, 0L);
            try (ResultSet rs = ps("SELECT state, COUNT(*) FROM dlq_entries GROUP BY state").executeQuery()) {
                while (rs.next()) n.put(DlqState.valueOf(rs.getString(1)), rs.getLong(2));
            }
            return n;
        });
    }

    @Override
    public Optional<Instant> oldestPending() {
        return read(() -> {
            try (ResultSet rs = ps("SELECT MIN(created_at) FROM dlq_entries WHERE state = 'pending'").executeQuery()) {
                if (!rs.next()) return Optional.empty();
                long v = rs.getLong(1);
                return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
            }
        });
    }

    private static DlqEntry entry(ResultSet rs) throws SQLException {
        String c = rs.getString("error_class");
        return new DlqEntry(rs.getString("id"), rs.getString("connector"), rs.getString("tenant"), rs.getString("method"), rs.getString("path"),
                parse(rs.getString("headers_json"), HEADERS), rs.getBytes("body"), rs.getString("content_type"), rs.getString("idem_key"),
                rs.getString("op_id"), parse(rs.getString("attempts_json"), ATTEMPTS), c == null ? null : ErrorClass.valueOf(c),
                rs.getString("last_error"), rs.getInt("schema_version"), DlqState.valueOf(rs.getString("state")),
                rs.getInt("unknown_outcome") != 0, rs.getInt("replays"), instant(rs, "next_replay_at"), instant(rs, "created_at"),
                instant(rs, "updated_at"));
    }

    // --- retention

    /**
     * Ages first, then row caps (the newest rows are kept), table by table, each in batches of {@link #PRUNE_BATCH}
     * rows, one short write transaction each: a prune of a million rows never holds the write lock for long, and live
     * writes go between its batches. Rows tied at a cap's boundary time are kept (the cap may be passed by those).
     */
    @Override
    public long prune(Instant now) {
        long n = 0;
        n += pruneBatches("events", "id", "at < ?", ms(now.minus(retention.eventAge())));
        // Beyond the cap: everything older than the newest eventRows (ids grow with time).
        long maxEvent = scalar("SELECT COALESCE(MAX(id), 0) FROM events");
        n += pruneBatches("events", "id", "id <= ?", maxEvent - retention.eventRows());
        n += pruneBatches("rollups", "rowid", "second < ?", ms(now.minus(retention.rollupAge())));
        Long rollupCut = cutoff("SELECT second FROM rollups ORDER BY second DESC LIMIT 1 OFFSET ?", retention.rollupRows());
        if (rollupCut != null) n += pruneBatches("rollups", "rowid", "second < ?", rollupCut);
        String finished = "state IN ('succeeded', 'discarded')";
        n += pruneBatches("dlq_entries", "id", finished + " AND updated_at < ?", ms(now.minus(retention.finishedAge())));
        Long entryCut = cutoff("SELECT updated_at FROM dlq_entries WHERE " + finished + " ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                retention.finishedRows());
        if (entryCut != null) n += pruneBatches("dlq_entries", "id", finished + " AND updated_at < ?", entryCut);
        String done = "state IN ('succeeded', 'failed', 'parked')";
        n += pruneBatches("intents", "idem_key", done + " AND updated_at < ?", ms(now.minus(retention.finishedAge())));
        Long intentCut = cutoff("SELECT updated_at FROM intents WHERE " + done + " ORDER BY updated_at DESC LIMIT 1 OFFSET ?",
                retention.intentRows());
        if (intentCut != null) n += pruneBatches("intents", "idem_key", done + " AND updated_at < ?", intentCut);
        return n;
    }

    /**
     * The value of the {@code keep}-th newest row (the query orders newest first and skips its parameter): rows older
     * than it are beyond the cap. Null when there are fewer rows than the cap.
     */
    private Long cutoff(String sql, long keep) {
        return read(() -> {
            PreparedStatement p = ps(sql);
            p.setLong(1, keep - 1);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        });
    }

    private long scalar(String sql) {
        return read(() -> {
            try (ResultSet rs = ps(sql).executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0L;
            }
        });
    }

    /** Deletes the rows matching {@code where} (one ? parameter), {@link #PRUNE_BATCH} at a time, each batch its own write. */
    private long pruneBatches(String table, String key, String where, long arg) {
        String sql = "DELETE FROM " + table + " WHERE " + key + " IN (SELECT " + key + " FROM " + table + " WHERE " + where + " LIMIT " + PRUNE_BATCH + ")";
        long total = 0;
        while (true) {
            int n = write(() -> {
                PreparedStatement p = ps(sql);
                p.setLong(1, arg);
                return p.executeUpdate();
            });
            total += n;
            if (n < PRUNE_BATCH) return total;
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            for (PreparedStatement p : statements.values()) {
                try {
                    p.close();
                } catch (SQLException ignored) {
                    // closing anyway
                }
            }
            closeQuietly(db);
        } finally {
            lock.unlock();
        }
    }

    private static void closeQuietly(Connection c) {
        if (c == null) return;
        try {
            c.close();
        } catch (SQLException e) {
            LOG.warn("closing the store connection: {}", e.toString());
        }
    }
}
