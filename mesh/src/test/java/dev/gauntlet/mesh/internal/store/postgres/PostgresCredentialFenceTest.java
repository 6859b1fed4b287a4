package dev.gauntlet.mesh.internal.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.StoreException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Issue 13 item 3, the store's part: the credential row's version fences a refresh across nodes. Two stores on one
 * database (a schema of its own per test) stand for two nodes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresCredentialFenceTest {

    PostgresTestDatabase database;

    @BeforeAll
    void createDatabase() {
        database = new PostgresTestDatabase("gauntlet_fence");
    }

    @AfterAll
    void dropDatabase() {
        database.close();
    }

    static PostgresStore open(PostgresUrl url) {
        return PostgresStore.open(url, Retention.DEFAULT, InstantSource.system(), WriteBehind.Settings.DEFAULT);
    }

    static PostgresCredentials credentials(PostgresStore store) {
        return (PostgresCredentials) store.credentials();
    }

    @Test
    void aNodePausedPastItsLockCannotOverwriteANewerToken() {
        PostgresUrl url = database.freshSchema();
        try (PostgresStore a = open(url);
                PostgresStore b = open(url)) {
            a.credentials().saveCredential("gotrue", "default", "refresh_token", "r1");
            // Node A reads the row, then freezes (GC, SIGSTOP) while node B refreshes and rotates the token.
            long seenByA = credentials(a)
                    .loadVersioned("gotrue", "default", "refresh_token")
                    .orElseThrow()
                    .version();
            var afterB = credentials(b).refreshLocked("gotrue", "default", "refresh_token", now -> "r2");
            assertThat(afterB).map(PostgresCredentials.Versioned::value).contains("r2");
            assertThat(afterB.orElseThrow().version()).isEqualTo(seenByA + 1);
            // A wakes up with its stale version: its write is refused and B's token stays.
            assertThat(credentials(a).compareAndSet("gotrue", "default", "refresh_token", seenByA, "rA"))
                    .isFalse();
            assertThat(a.credentials().loadCredential("gotrue", "default", "refresh_token"))
                    .contains("r2");
            // With the version it reads now, it may write.
            assertThat(credentials(a).compareAndSet("gotrue", "default", "refresh_token", seenByA + 1, "r3"))
                    .isTrue();
        }
    }

    @Test
    void concurrentRefreshesOnTwoNodesMintOnceAndReuseIt() throws Exception {
        PostgresUrl url = database.freshSchema();
        try (PostgresStore a = open(url);
                PostgresStore b = open(url);
                var pool = Executors.newFixedThreadPool(8)) {
            a.credentials().saveCredential("gotrue", "default", "refresh_token", "r1");
            AtomicInteger minted = new AtomicInteger();
            var go = new CountDownLatch(1);
            List<Future<Optional<PostgresCredentials.Versioned>>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                PostgresCredentials node = credentials(i % 2 == 0 ? a : b);
                results.add(pool.submit(() -> {
                    go.await();
                    // Each caller saw r1 expire; under the lock, one mints and the rest find it already rotated.
                    return node.refreshLocked("gotrue", "default", "refresh_token", now -> {
                        if (!now.orElseThrow().value().equals("r1")) return null;
                        minted.incrementAndGet();
                        return "r2";
                    });
                }));
            }
            go.countDown();
            for (var r : results)
                assertThat(r.get()).map(PostgresCredentials.Versioned::value).contains("r2");
            assertThat(minted).hasValue(1);
        }
    }

    @Test
    void theFirstWriteOfACredentialIsACompareAndSetToo() {
        PostgresUrl url = database.freshSchema();
        try (PostgresStore a = open(url);
                PostgresStore b = open(url)) {
            assertThat(credentials(a).compareAndSet("c", "t", "refresh_token", 0, "x"))
                    .isTrue();
            assertThat(credentials(b).compareAndSet("c", "t", "refresh_token", 0, "y"))
                    .isFalse();
            assertThat(credentials(b).loadVersioned("c", "t", "refresh_token"))
                    .contains(new PostgresCredentials.Versioned("x", 1));
        }
    }

    static SharedToken token(String access, String refresh) {
        Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
        return new SharedToken(access, t0, t0.plusSeconds(3600), refresh, 0);
    }

    @Test
    void aHolderPausedPastItsHoldLosesTheFenceAndItsCommitIsRefused() throws Exception {
        PostgresUrl url = database.freshSchema();
        try (PostgresStore a = open(url);
                PostgresStore b = open(url);
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            SharedTokens nodeA = (SharedTokens) a.credentials();
            SharedTokens nodeB = (SharedTokens) b.credentials();
            assertThat(nodeA.compareAndSetToken("gotrue", "default", 0, token("a1", "r1")))
                    .isTrue();
            var inside = new CountDownLatch(1);
            var resume = new CountDownLatch(1);
            // Node A takes the fence for at most 500 ms, mints, then freezes (GC, SIGSTOP) before its commit.
            Future<Optional<SharedToken>> paused =
                    pool.submit(() -> nodeA.refreshToken("gotrue", "default", Duration.ofMillis(500), now -> {
                        inside.countDown();
                        try {
                            resume.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return token("a2-from-A", "r2-from-A");
                    }));
            assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();
            // Node B waits for the fence: the server ends A's session once it was idle in its transaction for 500 ms,
            // which frees the lock, and B refreshes from the row A never changed.
            long start = System.nanoTime();
            Optional<SharedToken> afterB;
            try {
                afterB = nodeB.refreshToken("gotrue", "default", Duration.ofSeconds(2), now -> {
                    assertThat(now).contains(token("a1", "r1").withVersion(1));
                    return token("a2-from-B", "r2-from-B");
                });
            } finally {
                resume.countDown(); // never leave A frozen, whatever B met
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(afterB).contains(token("a2-from-B", "r2-from-B").withVersion(2));
            assertThat(waitedMs).as("B waited for A's hold, not for ever").isBetween(300L, 5_000L);
            // A wakes up: its transaction is gone, so its commit fails; its compare-and-set on the version it read is
            // refused, and B's token stays.
            assertThatThrownBy(paused::get).hasCauseInstanceOf(StoreException.class);
            assertThat(nodeA.compareAndSetToken("gotrue", "default", 1, token("a2-from-A", "r2-from-A")))
                    .isFalse();
            assertThat(nodeA.loadToken("gotrue", "default"))
                    .contains(token("a2-from-B", "r2-from-B").withVersion(2));
            // Losing the fence is not an outage: A's store still takes writes.
            assertThat(a.health().ok()).isTrue();
        }
    }
}
