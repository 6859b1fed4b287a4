package dev.gauntlet.mesh.internal.store.postgres;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.metrics.RollupRepository;
import dev.gauntlet.mesh.store.ConnectorRepository;
import dev.gauntlet.mesh.store.NodeRepository;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreException;
import dev.gauntlet.mesh.store.StoreHealth;
import java.time.Instant;
import java.time.InstantSource;

/**
 * The store as a PostgreSQL database several AAM nodes share: migrated by Flyway from {@code db/migration/postgresql},
 * one HikariCP pool, one repository per slice. Events and roll-ups go through a {@link WriteBehind} queue as in
 * SQLite; the DLQ, intents, credentials, schemas and connectors are written at once. DLQ claims are taken with
 * {@code FOR UPDATE SKIP LOCKED} and a claim token (see {@link PostgresDlq}). A server that goes away makes the
 * store degraded (writes refused with StoreUnavailable, reads fail as they come) and it recovers when the server
 * is back, without a restart.
 */
public final class PostgresStore implements Store {
    /** Connections per node: the mesh's writes are short; a handful covers a node's request threads. */
    public static final int DEFAULT_POOL_SIZE = 8;

    private final PostgresDatabase db;
    private final int schemaVersion;
    private final PostgresConnectors connectors;
    private final PostgresNodes nodes;
    private final PostgresCredentials credentials;
    private final PostgresDlq dlq;
    private final PostgresIntents intents;
    private final PostgresSchemas schemas;
    private final PostgresRetention retention;
    private final WriteBehind writeBehind;
    private final EventLog events;
    private final RollupRepository rollups;

    private PostgresStore(PostgresDatabase db, int schemaVersion, Retention retention, WriteBehind.Settings writes) {
        this.db = db;
        this.schemaVersion = schemaVersion;
        this.connectors = new PostgresConnectors(db);
        this.nodes = new PostgresNodes(db);
        this.credentials = new PostgresCredentials(db);
        this.dlq = new PostgresDlq(db);
        this.intents = new PostgresIntents(db);
        this.schemas = new PostgresSchemas(db);
        this.retention = new PostgresRetention(db, retention);
        if (writes == null) {
            this.writeBehind = null;
            this.events = new PostgresEvents(db);
            this.rollups = new PostgresRollups(db);
        } else {
            this.writeBehind =
                    new WriteBehind(new PostgresEvents(db), new PostgresRollups(db), db.clock(), writes).start();
            this.events = writeBehind.eventLog();
            this.rollups = writeBehind.rollupRepository();
        }
    }

    /** Opens the database named by {@code url} ({@code postgresql://HOST:PORT/DB?user=U}) with the default retention. */
    public static PostgresStore open(String url) {
        return open(PostgresUrl.parse(url), Retention.DEFAULT, InstantSource.system(), WriteBehind.Settings.DEFAULT);
    }

    /**
     * Opens and migrates the database; fails with {@link StoreException} when the server cannot be reached now (a
     * node does not start on a store it cannot migrate).
     *
     * @param writes how events and roll-ups are queued; null writes each at once on the caller's thread
     */
    public static PostgresStore open(
            PostgresUrl url, Retention retention, InstantSource clock, WriteBehind.Settings writes) {
        var db = new PostgresDatabase(url, clock, DEFAULT_POOL_SIZE);
        try {
            int version = PostgresMigrations.migrate(db.dataSource(), url);
            return new PostgresStore(db, version, retention, writes);
        } catch (RuntimeException e) {
            db.close();
            if (e instanceof StoreException) throw e;
            throw new StoreException("cannot open the store " + url.safe() + ": " + e.getMessage(), e);
        }
    }

    /** The database's URL without its password. */
    public String url() {
        return db.url().safe();
    }

    /** The schema version the database is at (the newest migration Flyway applied). */
    public int schemaVersion() {
        return schemaVersion;
    }

    /** The newest schema this code knows. */
    public static int latestVersion() {
        return PostgresMigrations.LATEST;
    }

    @Override
    public ConnectorRepository connectors() {
        return connectors;
    }

    @Override
    public NodeRepository nodes() {
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

    /** What waits in the write-behind queue is written first, so the caps count it. */
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
    public dev.gauntlet.mesh.store.WriteBehindStats writeBehind() {
        return writeBehind == null ? null : writeBehind.stats();
    }

    /** Writes what waits in the queue, then closes the pool. */
    @Override
    public void close() {
        try {
            if (writeBehind != null) writeBehind.close();
        } finally {
            db.close();
        }
    }
}
