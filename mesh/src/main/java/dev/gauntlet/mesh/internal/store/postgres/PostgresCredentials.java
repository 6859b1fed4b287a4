package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.internal.store.postgres.PostgresDatabase.setInstant;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.internal.store.SharedTokenJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * Rotated secrets (refresh tokens) and OAuth sessions in PostgreSQL (table {@code credentials}); each write bumps the
 * row's version. A session's record ({@link SharedTokens#NAME}, JSON) is refreshed under an advisory lock every node
 * on the database takes, and committed with a compare-and-set on the row's version.
 */
final class PostgresCredentials implements CredentialVault, SharedTokens {
    /** The hold of {@link #refreshLocked(String, String, String, Function)}'s callers that name none. */
    static final Duration DEFAULT_HOLD = Duration.ofSeconds(10);

    private final PostgresDatabase db;

    PostgresCredentials(PostgresDatabase db) {
        this.db = db;
    }

    @Override
    public Optional<SharedToken> loadToken(String connector, String tenant) {
        return loadVersioned(connector, tenant, NAME).map(v -> SharedTokenJson.read(v.value(), v.version()));
    }

    @Override
    public Optional<SharedToken> refreshToken(
            String connector, String tenant, Duration hold, Function<Optional<SharedToken>, SharedToken> mint) {
        return refreshLocked(connector, tenant, NAME, hold, now -> {
                    SharedToken minted = mint.apply(now.map(v -> SharedTokenJson.read(v.value(), v.version())));
                    return minted == null
                            ? null
                            : SharedTokenJson.write(
                                    minted, now.map(Versioned::version).orElse(0L) + 1);
                })
                .map(v -> SharedTokenJson.read(v.value(), v.version()));
    }

    @Override
    public boolean compareAndSetToken(String connector, String tenant, long expectedVersion, SharedToken token) {
        return compareAndSet(
                connector, tenant, NAME, expectedVersion, SharedTokenJson.write(token, expectedVersion + 1));
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

    /** {@link #refreshLocked(String, String, String, Duration, Function)} with the {@link #DEFAULT_HOLD}. */
    Optional<Versioned> refreshLocked(
            String connector, String tenant, String name, Function<Optional<Versioned>, String> mint) {
        return refreshLocked(connector, tenant, name, DEFAULT_HOLD, mint);
    }

    /**
     * Single-flight across nodes: in one transaction holding the credential's advisory lock ({@code
     * pg_advisory_xact_lock}, released at commit or when the connection dies), re-reads the row after taking the lock and
     * gives it to {@code mint}; mint answers the new value to commit (with a version compare-and-set) or null to reuse
     * what another node just committed. Returns the row as it is after: the new value, or the row that was there when
     * the compare-and-set was refused.
     *
     * <p>The lock is held while mint works (a token request), so the transaction bounds it: a holder idle in the
     * transaction for longer than {@code hold} (paused by GC or SIGSTOP, or a hanging request) has its session ended by
     * the server ({@code idle_in_transaction_session_timeout}), which releases the lock; its commit then fails, and its
     * later compare-and-set finds the version moved on. A waiter waits for the lock at most twice {@code hold}.
     */
    Optional<Versioned> refreshLocked(
            String connector, String tenant, String name, Duration hold, Function<Optional<Versioned>, String> mint) {
        long holdMs = Math.max(1, hold.toMillis());
        return db.fenced(c -> {
            try (Statement s = c.createStatement()) {
                // SET LOCAL: these last for this transaction only, the pooled connection keeps its own settings after.
                s.execute("SET LOCAL idle_in_transaction_session_timeout = " + holdMs);
                s.execute("SET LOCAL statement_timeout = " + (2 * holdMs + 1_000));
            }
            try (PreparedStatement p = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))")) {
                p.setString(1, connector + "/" + tenant + "/" + name);
                p.execute();
            }
            Optional<Versioned> now = select(c, connector, tenant, name);
            String minted = mint.apply(now);
            if (minted == null) return now;
            long expected = now.map(Versioned::version).orElse(0L);
            // Refused only when something wrote the row without the lock (a node that minted while the store was
            // unreachable and committed with a compare-and-set since): what is there now wins.
            cas(c, connector, tenant, name, expected, minted);
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
