package dev.gauntlet.mesh.internal.store;

import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.store.StoreException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * {@link SharedTokens} for a store one node owns (SQLite, memory): the fence is a lock per (connector, tenant) in this
 * JVM, the record a JSON credential of the vault (its version inside). Every write of the record goes through this
 * lock, so its compare-and-set is a read and a write under it.
 */
final class LocalSharedTokens implements SharedTokens {
    private final CredentialVault vault;
    private final Map<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    LocalSharedTokens(CredentialVault vault) {
        this.vault = vault;
    }

    @Override
    public Optional<SharedToken> loadToken(String connector, String tenant) {
        return vault.loadCredential(connector, tenant, NAME)
                .filter(v -> !v.isBlank())
                .map(v -> SharedTokenJson.read(v, -1));
    }

    @Override
    public Optional<SharedToken> refreshToken(
            String connector, String tenant, Duration hold, Function<Optional<SharedToken>, SharedToken> mint) {
        return locked(connector, tenant, hold.multipliedBy(2), () -> {
            Optional<SharedToken> now = loadToken(connector, tenant);
            SharedToken minted = mint.apply(now);
            if (minted == null) return now;
            long expected = now.map(SharedToken::version).orElse(0L);
            // Under the lock nothing else writes the record: this compare-and-set only fails for a store that lost it.
            return write(connector, tenant, expected, minted) ? loadToken(connector, tenant) : now;
        });
    }

    @Override
    public boolean compareAndSetToken(String connector, String tenant, long expectedVersion, SharedToken token) {
        return locked(
                connector, tenant, Duration.ofSeconds(30), () -> write(connector, tenant, expectedVersion, token));
    }

    private boolean write(String connector, String tenant, long expected, SharedToken token) {
        long at = loadToken(connector, tenant).map(SharedToken::version).orElse(0L);
        if (at != expected) return false;
        vault.saveCredential(connector, tenant, NAME, SharedTokenJson.write(token, expected + 1));
        return true;
    }

    private <T> T locked(String connector, String tenant, Duration wait, java.util.function.Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(connector + '\u0000' + tenant, k -> new ReentrantLock());
        try {
            if (!lock.tryLock(wait.toMillis(), TimeUnit.MILLISECONDS))
                throw new StoreException("the token of " + connector + "/" + tenant + " stayed locked for " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while waiting for the token lock of " + connector + "/" + tenant, e);
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
