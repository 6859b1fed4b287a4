package dev.gauntlet.mesh.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.metrics.MetricRollup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store that degrades, never wedges: a real lock held by another process and a real full file system make writes
 * fail at once with {@link StoreUnavailable} (reason, Retry-After, no file path), and the store comes back by itself
 * within seconds of the cause going away.
 */
class StoreDegradationTest {

    @TempDir
    Path dir;

    static Intent intent(String key, int bodyBytes) {
        Instant now = Instant.now();
        return new Intent(
                key,
                "shop",
                "default",
                "POST",
                "/v1/customers",
                Map.of(),
                new byte[bodyBytes],
                "application/json",
                "op-" + key,
                IntentState.in_flight,
                now,
                now);
    }

    @Test
    void shouldRefuseWritesWithin1sWhenAnotherProcessHoldsTheLockAndRecoverOnceItLetsGo() throws Exception {
        try (SqliteStore s = SqliteStore.open(dir)) {
            s.connectors().saveConnector("a", "{}");
            try (CompetingLock lock = CompetingLock.take(dir.resolve(SqliteStore.FILE_NAME))) {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> s.intents().recordIntent(intent("k1", 10)))
                        .isInstanceOfSatisfying(StoreUnavailable.class, u -> {
                            assertThat(u.reason()).isEqualTo(StoreUnavailable.Reason.locked);
                            assertThat(u.retryAfterSeconds()).isEqualTo(1);
                            assertThat(u.getMessage()).contains("mesh store").doesNotContain(dir.toString());
                        });
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .as("noticed within a second")
                        .isLessThan(Duration.ofSeconds(1));

                // Many writers at once: none queues behind the lock (with a 5 s busy timeout each, they waited in
                // turn).
                long t1 = System.nanoTime();
                try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                    List<Future<Object>> all = new ArrayList<>();
                    for (int i = 0; i < 50; i++) {
                        String k = "many" + i;
                        all.add(pool.submit((Callable<Object>) () -> {
                            try {
                                s.intents().recordIntent(intent(k, 10));
                                return "written";
                            } catch (StoreUnavailable u) {
                                return u.reason();
                            }
                        }));
                    }
                    for (Future<Object> f : all) assertThat(f.get()).isEqualTo(StoreUnavailable.Reason.locked);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - t1))
                        .as("50 writers refused")
                        .isLessThan(Duration.ofSeconds(1));

                StoreHealth h = s.health();
                assertThat(h.ok()).isFalse();
                assertThat(h.reason()).isEqualTo(StoreUnavailable.Reason.locked);
                assertThat(s.connectors().loadConnector("a"))
                        .as("reads go on (WAL)")
                        .contains("{}");
            }
            long released = System.nanoTime();
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> s.health().ok());
            assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(5));
            s.intents().recordIntent(intent("k2", 10));
            assertThat(s.intents().intent("k2")).isPresent();
        }
    }

    @Test
    void shouldRefuseWritesWhenTheDiskIsFullAndRecoverWithin5sOfSpaceFreed() throws Exception {
        try (TmpfsMount fs = TmpfsMount.mount("4m")) {
            try (SqliteStore s = SqliteStore.open(fs.dir().resolve("data"))) {
                s.intents().recordIntent(intent("before", 100));
                fs.fill("filler");

                StoreUnavailable full = null;
                for (int i = 0; i < 500 && full == null; i++) {
                    try {
                        s.intents().recordIntent(intent("big" + i, 32 * 1024));
                    } catch (StoreUnavailable u) {
                        full = u;
                    }
                }
                assertThat(full).as("a write meets the full disk").isNotNull();
                assertThat(full.reason()).isEqualTo(StoreUnavailable.Reason.full);
                assertThat(full.getMessage()).doesNotContain(fs.dir().toString());
                assertThat(s.health().reason()).isEqualTo(StoreUnavailable.Reason.full);
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> s.intents().recordIntent(intent("refused", 10)))
                        .isInstanceOf(StoreUnavailable.class);
                assertThat(Duration.ofNanos(System.nanoTime() - t0))
                        .as("refused at once")
                        .isLessThan(Duration.ofMillis(200));
                assertThat(s.intents().intent("before")).as("reads go on").isPresent();

                Files.delete(fs.dir().resolve("filler"));
                long freed = System.nanoTime();
                await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> s.health().ok());
                assertThat(Duration.ofNanos(System.nanoTime() - freed)).isLessThan(Duration.ofSeconds(5));
                // The same statements work again (no "statement is not executing" after the failure).
                s.intents().recordIntent(intent("after", 32 * 1024));
                s.intents().completeIntent("after", IntentState.succeeded, Instant.now());
                assertThat(s.intents().intent("after"))
                        .get()
                        .extracting(Intent::state)
                        .isEqualTo(IntentState.succeeded);
            }
        }
    }

    @Test
    void shouldWriteBatchesAgainOnceAnotherProcessLetsGoOfTheLock() throws Exception {
        Instant t0 = Instant.parse("2025-06-01T12:00:00Z");
        var before = new MetricRollup("a", t0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1);
        var after = new MetricRollup("a", t0.plusSeconds(1), 2, 2, 2, 0, 0, 0, 1, 1, 1, 1);
        try (SqliteStore s = SqliteStore.open(dir)) {
            try (CompetingLock lock = CompetingLock.take(dir.resolve(SqliteStore.FILE_NAME))) {
                s.rollups().saveRollups(List.of(before));
                assertThat(s.rollups().rollups("a", t0, t0.plusSeconds(10)))
                        .as("the batch met the lock")
                        .isEmpty();
                assertThat(s.writeBehind().failed()).isEqualTo(1);
            }
            await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> s.health().ok());
            // The batch after the lock is one transaction like the one refused: it must not run outside one.
            s.rollups().saveRollups(List.of(after));
            assertThat(s.rollups().rollups("a", t0, t0.plusSeconds(10))).containsExactly(after);
            assertThat(s.writeBehind().failed()).isEqualTo(1);
        }
    }
}
