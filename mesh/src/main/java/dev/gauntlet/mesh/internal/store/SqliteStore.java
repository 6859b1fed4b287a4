package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.metrics.RollupRepository;
import dev.gauntlet.mesh.store.ConnectorRepository;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreException;
import dev.gauntlet.mesh.store.StoreHealth;
import dev.gauntlet.mesh.store.WriteBehindStats;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The embedded store: one SQLite file ({@code mesh.db}) in a data folder, WAL mode, migrated by Flyway from
 * {@code db/migration/sqlite}; one repository per slice over one shared {@link SqliteDatabase} connection. Events and
 * roll-ups go through a {@link WriteBehind} queue (batched by one writer thread); the DLQ, intents, credentials,
 * schemas and connectors are written at once. The SQL sticks to what PostgreSQL also takes (UPDATE … RETURNING,
 * ON CONFLICT … DO UPDATE), so a PostgreSQL store can follow with its own migrations.
 */
public final class SqliteStore implements Store {
    public static final String FILE_NAME = "mesh.db";

    private final SqliteDatabase db;
    private final SqliteConnectors connectors;
    private final LocalNodes nodes = new LocalNodes();
    private final SqliteCredentials credentials;
    private final SqliteDlq dlq;
    private final SqliteIntents intents;
    private final SqliteSchemas schemas;
    private final SqliteRetention retention;
    private final WriteBehind writeBehind;
    private final EventLog events;
    private final RollupRepository rollups;

    private SqliteStore(SqliteDatabase db, Retention retention, WriteBehind.Settings writes) {
        this.db = db;
        this.connectors = new SqliteConnectors(db);
        this.credentials = new SqliteCredentials(db);
        this.dlq = new SqliteDlq(db);
        this.intents = new SqliteIntents(db);
        this.schemas = new SqliteSchemas(db);
        this.retention = new SqliteRetention(db, retention);
        if (writes == null) {
            this.writeBehind = null;
            this.events = new SqliteEvents(db);
            this.rollups = new SqliteRollups(db);
        } else {
            this.writeBehind = new WriteBehind(new SqliteEvents(db), new SqliteRollups(db), db.clock(), writes).start();
            this.events = writeBehind.eventLog();
            this.rollups = writeBehind.rollupRepository();
        }
    }

    /** Opens (creating when needed) {@code mesh.db} in {@code dataDir} with the default retention, migrated to the latest schema. */
    public static SqliteStore open(Path dataDir) {
        return open(dataDir, Retention.DEFAULT);
    }

    public static SqliteStore open(Path dataDir, Retention retention) {
        return open(dataDir, retention, InstantSource.system());
    }

    /** @param clock stamps bookkeeping columns (updated_at of credentials, schemas, connectors) and times the write-behind queue */
    public static SqliteStore open(Path dataDir, Retention retention, InstantSource clock) {
        return openFile(dataDir.resolve(FILE_NAME), retention, clock);
    }

    /** Opens (creating when needed) the store in this very file, e.g. {@code --store sqlite:/var/lib/gauntlet/aam.db}. */
    public static SqliteStore openFile(Path file, Retention retention, InstantSource clock) {
        return openFile(file, retention, clock, WriteBehind.Settings.DEFAULT);
    }

    /**
     * @param writes how events and roll-ups are queued and batched; null writes each at once on the caller's thread (the
     *               store before the write-behind queue: kept to measure one against the other)
     */
    public static SqliteStore openFile(
            Path file, Retention retention, InstantSource clock, WriteBehind.Settings writes) {
        Connection c = null;
        try {
            SqliteDatabase.ownerOnly(file);
            SqliteMigrations.migrate(file, SqliteDatabase.OPEN_BUSY_TIMEOUT_MS);
            c = SqliteDatabase.connect(file, SqliteDatabase.BUSY_TIMEOUT_MS);
            return new SqliteStore(new SqliteDatabase(file, clock, c), retention, writes);
        } catch (SQLException | IOException e) {
            SqliteDatabase.closeQuietly(c);
            throw new StoreException("cannot open the store at " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            SqliteDatabase.closeQuietly(c);
            throw e;
        }
    }

    public Path file() {
        return db.file();
    }

    /** The schema version of the open file (the newest migration Flyway applied). */
    public int schemaVersion() {
        try (Connection c = SqliteDatabase.connect(db.file(), SqliteDatabase.BUSY_TIMEOUT_MS)) {
            return SqliteMigrations.currentVersion(c);
        } catch (SQLException e) {
            throw new StoreException(
                    "cannot read the schema version of " + db.file().getFileName() + ": " + e.getMessage(), e);
        }
    }

    /** The newest schema this code knows. */
    public static int latestVersion() {
        return SqliteMigrations.LATEST;
    }

    @Override
    public ConnectorRepository connectors() {
        return connectors;
    }

    /** Just this node, in memory: no other node opens the file. */
    @Override
    public dev.gauntlet.mesh.store.NodeRepository nodes() {
        return nodes;
    }

    @Override
    public CredentialVault credentials() {
        return credentials;
    }

    @Override
    public DlqRepository dlq() {
        return dlq;
    }

    @Override
    public IntentRepository intents() {
        return intents;
    }

    @Override
    public EventLog events() {
        return events;
    }

    @Override
    public RollupRepository rollups() {
        return rollups;
    }

    @Override
    public SchemaRepository schemas() {
        return schemas;
    }

    /**
     * Ages first, then row caps, table by table, in short write transactions (see {@link SqliteRetention}). What waits
     * in the write-behind queue is written first, so the caps count it.
     */
    @Override
    public long prune(Instant now) {
        if (writeBehind != null) writeBehind.flush();
        return retention.prune(now);
    }

    @Override
    public StoreHealth health() {
        return db.health();
    }

    @Override
    public WriteBehindStats writeBehind() {
        return writeBehind == null ? null : writeBehind.stats();
    }

    /** Writes what waits in the queue, then closes the connection. */
    @Override
    public void close() {
        try {
            if (writeBehind != null) writeBehind.close();
        } finally {
            db.close();
        }
    }
}
