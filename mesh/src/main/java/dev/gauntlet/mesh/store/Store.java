package dev.gauntlet.mesh.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.drift.SchemaRepository;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.metrics.RollupRepository;

/**
 * The mesh's durable state behind one interface: an embedded SQLite file by default, PostgreSQL when one machine is
 * not enough. Each package declares the slice it needs (credentials, schemas, DLQ, intents, …) as its own interface;
 * a store implements them all.
 */
public interface Store extends CredentialVault, SchemaRepository, EventLog, RollupRepository, AutoCloseable {
    @Override
    void close();
}
