package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.store.StoreException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.locks.LockSupport;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * Brings a SQLite file to the newest schema with Flyway (scripts in {@code db/migration/sqlite}, history in
 * {@code flyway_schema_history}). A file made before Flyway kept its version in its own {@code schema_version}
 * table: Flyway takes that version as its baseline, so such a file opens with no data lost and only the newer
 * scripts run. The old table is left as it was (nothing reads it any more).
 */
final class SqliteMigrations {
    static final String LOCATION = "classpath:db/migration/sqlite";
    /** The table the hand-written migration runner kept (version, name, applied_at), before Flyway. */
    static final String LEGACY_TABLE = "schema_version";
    /** The newest script in {@link #LOCATION}; checked at each migration, so a new script without it fails every store test. */
    static final int LATEST = 4;

    /** SQLite's primary result code for a file locked by another connection. */
    private static final int SQLITE_BUSY = 5;
    /** Between tries to open a file another process is migrating. */
    private static final long BUSY_RETRY_NANOS = 20_000_000L;

    private SqliteMigrations() {}

    /** Migrates the file (its connections wait up to {@code busyMs} for another process migrating it at the same time). */
    static void migrate(Path file, int busyMs) {
        int legacy;
        long deadline = System.nanoTime() + busyMs * 1_000_000L;
        while (true) {
            try (Connection c = SqliteDatabase.connect(file, busyMs)) {
                legacy = hasTable(c, "flyway_schema_history") ? 0 : legacyVersion(c);
                break;
            } catch (SQLException e) {
                // Opening a fresh file switches it to WAL, which takes its lock without waiting for busy_timeout (the
                // connection's settings apply in no fixed order): two processes opening it at once saw SQLITE_BUSY.
                if ((e.getErrorCode() & 0xff) != SQLITE_BUSY || System.nanoTime() > deadline) {
                    throw new StoreException(
                            "cannot read the schema version of the store at " + file + ": " + e.getMessage(), e);
                }
                LockSupport.parkNanos(BUSY_RETRY_NANOS);
            }
        }
        if (legacy > LATEST) throw newer(file, legacy);
        var ds = new SQLiteDataSource(new SQLiteConfig(SqliteDatabase.settings(busyMs)));
        ds.setUrl(SqliteDatabase.url(file));
        // Flyway skips a migration newer than the code by default ("*:future"): refused below with its version instead.
        var config = Flyway.configure(SqliteMigrations.class.getClassLoader())
                .dataSource(ds)
                .locations(LOCATION)
                .cleanDisabled(true);
        if (legacy > 0)
            config = config.baselineOnMigrate(true)
                    .baselineVersion(Integer.toString(legacy))
                    .baselineDescription("schema_version " + legacy + " (before Flyway)");
        Flyway flyway = config.load();
        try {
            for (MigrationInfo applied : flyway.info().applied()) {
                if (applied.getState() == MigrationState.FUTURE_SUCCESS
                        || applied.getState() == MigrationState.FUTURE_FAILED) {
                    throw newer(file, Integer.parseInt(applied.getVersion().getVersion()));
                }
            }
            flyway.migrate();
        } catch (FlywayException e) {
            throw new StoreException("migrating the store at " + file + " failed: " + e.getMessage(), e);
        }
        int resolved = 0;
        for (MigrationInfo i : flyway.info().all()) {
            if (i.getState().isResolved() && i.getVersion() != null) {
                resolved = Math.max(resolved, Integer.parseInt(i.getVersion().getVersion()));
            }
        }
        if (resolved != LATEST) {
            throw new IllegalStateException("the newest migration in " + LOCATION + " is V" + resolved
                    + ", SqliteMigrations.LATEST says " + LATEST);
        }
    }

    private static StoreException newer(Path file, int version) {
        return new StoreException("the store at " + file + " has schema version " + version
                + ", newer than this mesh knows (" + LATEST + "); run a newer mesh or point it at another data folder");
    }

    /** The version Flyway applied last (or the baseline it took), 0 for a file it never migrated. */
    static int currentVersion(Connection c) throws SQLException {
        if (!hasTable(c, "flyway_schema_history")) return 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COALESCE(MAX(CAST(version AS INTEGER)), 0) FROM flyway_schema_history WHERE success = 1")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static int legacyVersion(Connection c) throws SQLException {
        if (!hasTable(c, LEGACY_TABLE)) return 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COALESCE(MAX(version), 0) FROM " + LEGACY_TABLE)) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }

    private static boolean hasTable(Connection c, String table) throws SQLException {
        try (var p = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            p.setString(1, table);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }
}
