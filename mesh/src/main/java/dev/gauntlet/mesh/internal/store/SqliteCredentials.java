package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/** Rotated secrets (refresh tokens) in SQLite (table {@code credentials}). */
final class SqliteCredentials implements CredentialVault {
    private final SqliteDatabase db;

    SqliteCredentials(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<String> loadCredential(String connector, String tenant, String name) {
        return db.read(() -> {
            PreparedStatement p =
                    db.ps("SELECT value FROM credentials WHERE connector = ? AND tenant = ? AND name = ?");
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
        db.write(() -> {
            PreparedStatement p = db.ps(
                    "INSERT INTO credentials (connector, tenant, name, value, updated_at) VALUES (?, ?, ?, ?, ?) "
                            + "ON CONFLICT (connector, tenant, name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
            p.setString(1, connector);
            p.setString(2, tenant);
            p.setString(3, name);
            p.setString(4, value);
            p.setLong(5, db.clock().millis()); // bookkeeping only
            return p.executeUpdate();
        });
    }
}
