package dev.gauntlet.mesh.internal.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
}
