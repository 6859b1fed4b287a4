package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.auth.CredentialVault;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

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
