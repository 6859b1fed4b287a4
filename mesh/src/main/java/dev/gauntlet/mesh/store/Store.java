package dev.gauntlet.mesh.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.metrics.RollupRepository;
import java.time.Instant;

/**
 * The mesh's durable state as one repository per slice: an embedded SQLite file by default, in memory for tests,
 * PostgreSQL when one machine is not enough. Each package declares the slice it needs (credentials, schemas, DLQ,
 * intents, …) as its own interface; a store hands out one repository for each, so another store can be written
 * repository by repository.
 */
public interface Store extends AutoCloseable {

    /** Connector definitions the AAM server keeps. */
    ConnectorRepository connectors();

    /** The AAM nodes sharing this store (one row per node on PostgreSQL; just this node on SQLite and memory). */
    NodeRepository nodes();

    /** Rotated secrets (refresh tokens): written at once. */
    CredentialVault credentials();

    /** The dead-letter queue: written at once (a parked write survives a crash). */
    DlqRepository dlq();

    /** Write intents: written at once, before anything goes upstream. */
    IntentRepository intents();

    /** Published events: a durable store may write them in batches off the caller's thread ({@link WriteBehind}). */
    EventLog events();

    /** Per-second metric roll-ups: like events, may be written in batches. */
    RollupRepository rollups();

    /** Learned response schemas. */
    SchemaRepository schemas();

    /** Drops what retention no longer keeps (old events and roll-ups, rows beyond the caps, long-finished entries); returns rows removed. */
    default long prune(Instant now) {
        return 0;
    }

    /**
     * Whether the store takes writes now; a degraded store may probe itself here (a cheap write) and come back.
     * Stores that cannot fail this way are always ok.
     */
    default StoreHealth health() {
        return StoreHealth.OK;
    }

    /** What the queue of events and roll-ups did (dropped when full, refused by the store); null when they are written at once. */
    default WriteBehindStats writeBehind() {
        return null;
    }

    /** Whether what it holds survives the process (a real store starts the DLQ replayer by default). */
    default boolean durable() {
        return true;
    }

    @Override
    void close();
}
