package dev.gauntlet.mesh.internal.store.postgres;

import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.StoreException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;

/**
 * Brings a PostgreSQL database to the newest schema with Flyway (scripts in {@code db/migration/postgresql}, history
 * in {@code flyway_schema_history}). Flyway takes a lock in the database while it migrates, so nodes starting at once
 * migrate it once. A database migrated by a newer mesh is refused, naming its version.
 */
final class PostgresMigrations {
    static final String LOCATION = "classpath:db/migration/postgresql";
    /** The newest script in {@link #LOCATION}; checked at each migration. */
    static final int LATEST = 3;

    private PostgresMigrations() {}

    /** Migrates the database; returns the version it is at afterwards. */
    static int migrate(DataSource ds, PostgresUrl url) {
        Flyway flyway = Flyway.configure(PostgresMigrations.class.getClassLoader())
                .dataSource(ds)
                .locations(LOCATION)
                .cleanDisabled(true)
                .load();
        try {
            for (MigrationInfo applied : flyway.info().applied()) {
                if (applied.getState() == MigrationState.FUTURE_SUCCESS
                        || applied.getState() == MigrationState.FUTURE_FAILED) {
                    throw new StoreException("the store " + url.safe() + " has schema version " + applied.getVersion()
                            + ", newer than this mesh knows (" + LATEST
                            + "); run a newer mesh or point it at another database");
                }
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("migrating the store " + url.safe() + " failed: " + e.getMessage(), e);
        }
        MigrationInfo current = flyway.info().current();
        return current == null || current.getVersion() == null
                ? 0
                : Integer.parseInt(current.getVersion().getVersion());
    }
}
