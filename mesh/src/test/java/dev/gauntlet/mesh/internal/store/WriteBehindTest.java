package dev.gauntlet.mesh.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.event.EventLog;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.StoredEvent;
import dev.gauntlet.mesh.metrics.MetricRollup;
import dev.gauntlet.mesh.store.StoreUnavailable;
import dev.gauntlet.mesh.store.WriteBehindStats;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events and roll-ups queued off the callers' threads: batches by size and by (injected) time, drops counted, nothing lost at close. */
class WriteBehindTest {

    @TempDir
    Path dir;

    static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    /** An event log that keeps each batch it was given (and can be made to refuse or to hang). */
    static final class Batches implements EventLog {
        final List<List<MeshEvent>> batches = new CopyOnWriteArrayList<>();
        volatile RuntimeException refuse;
        volatile CountDownLatch hang;

        @Override
        public void appendEvent(MeshEvent event) {
            appendEvents(List.of(event));
        }

        @Override
        public void appendEvents(List<MeshEvent> batch) {
            if (refuse != null) throw refuse;
            CountDownLatch h = hang;
            if (h != null) {
                try {
                    h.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            batches.add(List.copyOf(batch));
        }

        @Override
        public List<StoredEvent> recentEvents(String connector, int limit) {
            return batches.stream()
                    .flatMap(List::stream)
                    .map(e -> new StoredEvent(0, e.at(), e.connector(), e.type(), "{}"))
                    .toList();
        }

        int written() {
            return batches.stream().mapToInt(List::size).sum();
        }
    }

    static WriteBehind.Settings settings(int capacity, int batch, Duration delay) {
        return new WriteBehind.Settings(capacity, batch, delay);
    }

    @Test
    void shouldWriteAFullBatchAtOnceAndAPartialOneOnlyWhenItsOldestIsDue() {
        var time = new FakeTime();
        var sink = new Batches();
        var w = new WriteBehind(sink, new MemoryStore().rollups(), time, settings(100, 3, Duration.ofMillis(200)));
        w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", 1));
        w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", 2));

        assertThat(w.flushIfDue()).as("2 of 3, none due").isZero();
        time.advance(Duration.ofMillis(199));
        assertThat(w.flushIfDue()).as("the oldest waited 199 ms of 200").isZero();
        time.advance(Duration.ofMillis(1));
        assertThat(w.flushIfDue()).as("the oldest is due").isEqualTo(2);
        assertThat(sink.batches).hasSize(1);

        for (int i = 0; i < 3; i++)
            w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", i));
        assertThat(w.flushIfDue()).as("a full batch, at once").isEqualTo(3);
        assertThat(sink.batches).hasSize(2);
        assertThat(w.stats().written()).isEqualTo(5);
    }

    @Test
    void shouldDropAndCountWhatIsOfferedWhenTheQueueIsFull() {
        var time = new FakeTime();
        var sink = new Batches();
        var rollups = new MemoryStore().rollups();
        var w = new WriteBehind(sink, rollups, time, settings(4, 2, Duration.ofMillis(200)));
        for (int i = 0; i < 10; i++)
            w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", i));
        w.rollupRepository().saveRollups(List.of(new MetricRollup("a", T0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1)));

        WriteBehindStats s = w.stats();
        assertThat(s.queued()).isEqualTo(4);
        assertThat(s.droppedEvents())
                .as("the newest are dropped, the queued kept")
                .isEqualTo(6);
        assertThat(s.droppedRollups()).isEqualTo(1);
        assertThat(w.flush()).isEqualTo(4);
        assertThat(sink.batches)
                .flatExtracting(b -> b)
                .extracting(e -> ((dev.gauntlet.mesh.event.ReplaySucceeded) e).replays())
                .containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldNeverMakeACallerWaitWhenTheWriterIsStuck() {
        var sink = new Batches();
        sink.hang = new CountDownLatch(1);
        var w = new WriteBehind(
                        sink, new MemoryStore().rollups(), new FakeTime(), settings(100, 10, Duration.ofMillis(200)))
                .start();
        try {
            // The writer takes a batch and hangs in it (a disk that does not answer); publishers go on, dropping beyond
            // 100.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
                for (int i = 0; i < 10_000; i++)
                    w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", i));
            });
            assertThat(w.stats().dropped()).isGreaterThanOrEqualTo(10_000 - 100 - 10);
            assertThat(w.stats().queued()).isLessThanOrEqualTo(100);
        } finally {
            sink.hang.countDown();
            w.close();
        }
    }

    @Test
    void shouldWakeTheWriterForAFullBatchWithoutWaitingForTheDelay() {
        var sink = new Batches();
        // The injected clock never moves: only a full batch can be written.
        var w = new WriteBehind(
                        sink, new MemoryStore().rollups(), new FakeTime(), settings(1000, 50, Duration.ofMillis(200)))
                .start();
        try {
            for (int i = 0; i < 49; i++)
                w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", i));
            w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", 49));
            await().atMost(Duration.ofSeconds(5)).until(() -> sink.written() == 50);
            assertThat(sink.batches).hasSize(1);
        } finally {
            w.close();
        }
    }

    @Test
    void shouldCountABatchTheStoreRefusesAsFailed() {
        var sink = new Batches();
        var w = new WriteBehind(
                sink, new MemoryStore().rollups(), new FakeTime(), settings(100, 10, Duration.ofMillis(200)));
        sink.refuse = new StoreUnavailable(
                StoreUnavailable.Reason.full, Duration.ofSeconds(5), "store unavailable: full", null);
        for (int i = 0; i < 3; i++)
            w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", i));
        assertThat(w.flush()).isZero();
        assertThat(w.stats().failed()).isEqualTo(3);
        assertThat(w.stats().queued()).isZero();
    }

    @Test
    void shouldLetAReaderSeeWhatWasQueuedBeforeIt() {
        var sink = new Batches();
        var w = new WriteBehind(
                sink, new MemoryStore().rollups(), new FakeTime(), settings(100, 10, Duration.ofHours(1)));
        w.eventLog().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0, "a", 1));
        assertThat(w.eventLog().recentEvents(null, 10)).hasSize(1);
        var r = new MetricRollup("a", T0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1);
        w.rollupRepository().saveRollups(List.of(r));
        assertThat(w.rollupRepository().rollups("a", T0, T0.plusSeconds(1))).containsExactly(r);
    }

    @Test
    void shouldWriteEverythingQueuedWhenTheStoreCloses() {
        int n = 5_000;
        try (SqliteStore s = SqliteStore.open(dir)) {
            for (int i = 0; i < n; i++)
                s.events().appendEvent(dev.gauntlet.mesh.store.StoreContract.happened(T0.plusMillis(i), "a", i));
        }
        try (SqliteStore s = SqliteStore.open(dir)) {
            assertThat(s.events().recentEvents("a", 10 * n)).hasSize(n);
            assertThat(s.writeBehind().dropped()).isZero();
        }
    }

    @Test
    void shouldRejectSettingsNamingTheField() {
        assertThatThrownBy(() -> settings(0, 1, Duration.ofMillis(1))).hasMessageContaining("write_behind.capacity");
        assertThatThrownBy(() -> settings(10, 0, Duration.ofMillis(1))).hasMessageContaining("write_behind.batch_size");
        assertThatThrownBy(() -> settings(10, 11, Duration.ofMillis(1)))
                .hasMessageContaining("write_behind.batch_size")
                .hasMessageContaining("11");
        assertThatThrownBy(() -> settings(10, 1, Duration.ZERO)).hasMessageContaining("write_behind.max_delay");
    }
}
