package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rotated secrets (refresh tokens) and OAuth sessions in SQLite (table {@code credentials}); one node owns the file, so
 * the sessions' fence is a lock in this JVM ({@link LocalSharedTokens}).
 */
final class SqliteCredentials implements CredentialVault, SharedTokens {
    private final SqliteDatabase db;
    private final LocalSharedTokens tokens = new LocalSharedTokens(this);

    SqliteCredentials(SqliteDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<SharedToken> loadToken(String connector, String tenant) {
        return tokens.loadToken(connector, tenant);
    }

    @Override
    public Optional<SharedToken> refreshToken(
            String connector, String tenant, Duration hold, Function<Optional<SharedToken>, SharedToken> mint) {
        return tokens.refreshToken(connector, tenant, hold, mint);
    }

    @Override
    public boolean compareAndSetToken(String connector, String tenant, long expectedVersion, SharedToken token) {
        return tokens.compareAndSetToken(connector, tenant, expectedVersion, token);
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
