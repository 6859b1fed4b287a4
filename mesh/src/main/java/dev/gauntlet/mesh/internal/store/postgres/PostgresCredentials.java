package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.auth.CredentialVault;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

/** Rotated secrets (refresh tokens) in PostgreSQL (table {@code credentials}); each write bumps the row's version. */
final class PostgresCredentials implements CredentialVault {
    private final PostgresDatabase db;

    PostgresCredentials(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<String> loadCredential(String connector, String tenant, String name) {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT value FROM credentials WHERE connector = ? AND tenant = ? AND name = ?")) {
                p.setString(1, connector);
                p.setString(2, tenant);
                p.setString(3, name);
                try (ResultSet rs = p.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
                }
            }
        });
    }

    /**
     * A credential with its row version: the fence a refresh on several nodes compares and sets.
     *
     * @param version bumped by every write of the row
     */
    record Versioned(String value, long version) {}

    /** The credential and its version, empty when there is none. */
    Optional<Versioned> loadVersioned(String connector, String tenant, String name) {
        return db.read(c -> select(c, connector, tenant, name));
    }

    /**
     * Writes {@code value} only while the row is still at {@code expectedVersion} (0: no row yet): a node paused past
     * its lock (GC, SIGSTOP) finds the version moved on and cannot overwrite the newer token another node committed.
     *
     * @return whether it was written
     */
    boolean compareAndSet(String connector, String tenant, String name, long expectedVersion, String value) {
        return db.write(c -> cas(c, connector, tenant, name, expectedVersion, value));
    }

    /**
     * Single-flight across nodes: in one transaction holding the credential's advisory lock ({@code
     * pg_advisory_xact_lock}, released at commit or when the connection dies), re-reads the row after taking the lock and
     * gives it to {@code mint}; mint answers the new value to commit (with a version compare-and-set) or null to reuse
     * what another node just committed. Returns the row as it is after.
     */
    Optional<Versioned> refreshLocked(
            String connector, String tenant, String name, Function<Optional<Versioned>, String> mint) {
        return db.transaction(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                p.setString(1, connector + "/" + tenant + "/" + name);
                p.execute();
            }
            Optional<Versioned> now = select(c, connector, tenant, name);
            String minted = mint.apply(now);
            if (minted == null) return now;
            long expected = now.map(Versioned::version).orElse(0L);
            if (!cas(c, connector, tenant, name, expected, minted))
                throw new IllegalStateException("credential " + connector + "/" + tenant + "/" + name
                        + " changed under the advisory lock (version " + expected + ")");
            return select(c, connector, tenant, name);
        });
    }

    private static Optional<Versioned> select(Connection c, String connector, String tenant, String name)
            throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT value, version FROM credentials WHERE connector = ? AND tenant = ? AND name = ?")) {
            p.setString(1, connector);
            p.setString(2, tenant);
            p.setString(3, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(new Versioned(rs.getString(1), rs.getLong(2))) : Optional.empty();
            }
        }
    }

    private boolean cas(Connection c, String connector, String tenant, String name, long expected, String value)
            throws SQLException {
        // Version 0 means "no row yet": the insert wins only when no other node inserted first.
        String sql = expected == 0
                ? "INSERT INTO credentials (connector, tenant, name, value, updated_at) VALUES (?, ?, ?, ?, ?) "
                        + "ON CONFLICT (connector, tenant, name) DO NOTHING"
                : "UPDATE credentials SET value = ?, version = version + 1, updated_at = ? "
                        + "WHERE connector = ? AND tenant = ? AND name = ? AND version = ?";
        try (PreparedStatement p = c.prepareStatement(sql)) {
            if (expected == 0) {
                p.setString(1, connector);
                p.setString(2, tenant);
                p.setString(3, name);
                p.setString(4, value);
                setInstant(p, 5, db.clock().instant());
            } else {
                p.setString(1, value);
                setInstant(p, 2, db.clock().instant());
                p.setString(3, connector);
                p.setString(4, tenant);
                p.setString(5, name);
                p.setLong(6, expected);
            }
            return p.executeUpdate() == 1;
        }
    }

    @Override
    public void saveCredential(String connector, String tenant, String name, String value) {
        db.write(c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO credentials (connector, tenant, name, value, updated_at) VALUES (?, ?, ?, ?, ?) "
                            + "ON CONFLICT (connector, tenant, name) DO UPDATE SET value = excluded.value, version = credentials.version + 1, "
                            + "updated_at = excluded.updated_at")) {
                p.setString(1, connector);
                p.setString(2, tenant);
                p.setString(3, name);
                p.setString(4, value);
                setInstant(p, 5, db.clock().instant()); // bookkeeping only
                return p.executeUpdate();
            }
        });
    }
}
