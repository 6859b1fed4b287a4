package dev.gauntlet.mesh.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.metrics.RollupRepository;
import java.time.Instant;

/**
 * The mesh's durable state behind one interface: an embedded SQLite file by default, PostgreSQL when one machine is
 * not enough. Each package declares the slice it needs (credentials, schemas, DLQ, intents, …) as its own interface;
 * a store implements them all.
 */
public interface Store extends CredentialVault, SchemaRepository, EventLog, RollupRepository, IntentRepository, DlqRepository,
        ConnectorRepository, AutoCloseable {

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

    /** Whether what it holds survives the process (a real store starts the DLQ replayer by default). */
    default boolean durable() {
        return true;
    }

    @Override
    void close();
}
