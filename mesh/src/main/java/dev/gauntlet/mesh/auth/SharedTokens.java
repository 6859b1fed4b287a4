package dev.gauntlet.mesh.auth;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * OAuth sessions kept where every node of a store sees them, refreshed under a fence: one node at a time refreshes a
 * (connector, tenant)'s token, re-reads the record once it holds the fence and reuses a token another node just
 * minted; what it mints is committed with a version compare-and-set before it is used. A {@link CredentialVault} that
 * implements this interface shares tokens between the nodes on it (PostgreSQL: an advisory lock across processes;
 * SQLite and memory, one node each: a lock in the JVM).
 */
public interface SharedTokens {

    /** The credential name the record is kept under, next to the vault's other credentials. */
    String NAME = "oauth_token";

    /** The session's record as stored now, empty when no node wrote one. */
    Optional<SharedToken> loadToken(String connector, String tenant);

    /**
     * A refresh fenced across nodes. Takes the (connector, tenant)'s fence (waiting at most twice {@code hold} for
     * another node to release it), reads the record and gives it to {@code mint}, which answers the record to commit
     * (its version is ignored) or null to keep the one there. The commit is a compare-and-set on the version read under
     * the fence, so a holder that lost the fence (paused past {@code hold}: the store ends its session) cannot
     * overwrite what another node committed since.
     *
     * @param hold how long the caller may hold the fence: a holder silent for longer loses it
     * @return the record as it is after: mint's, or another node's when mint answered null or its commit was refused
     * @throws RuntimeException when the store is unavailable or the fence was not free in time (the caller refreshes
     *                          on its own then)
     */
    Optional<SharedToken> refreshToken(
            String connector, String tenant, Duration hold, Function<Optional<SharedToken>, SharedToken> mint);

    /**
     * Writes {@code token} only while the record is still at {@code expectedVersion} (0: none yet); the record is then
     * at {@code expectedVersion + 1}. A node that minted outside the fence (the store was down, or it lost the fence)
     * commits this way.
     *
     * @return whether it was written
     */
    boolean compareAndSetToken(String connector, String tenant, long expectedVersion, SharedToken token);
}
