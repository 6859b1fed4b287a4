package dev.gauntlet.mesh.internal.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.internal.store.SqliteStore;
import dev.gauntlet.mesh.store.Store;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery run by several nodes on one store, and by a node that stops half-way: each write left in flight
 * becomes one DLQ entry, never two (two entries of a write without a key are two replays: two commits).
 */
class RecoveryRaceTest {

    @TempDir
    Path dir;

    final FakeTime time = new FakeTime();

    /** The store's intents, with what happens elsewhere right after this node read the stale ones. */
    static final class Pausing implements IntentRepository {
        final IntentRepository store;
        final AtomicReference<Runnable> afterRead = new AtomicReference<>();

        Pausing(IntentRepository store) {
            this.store = store;
        }

        @Override
        public void recordIntent(Intent intent) {
            store.recordIntent(intent);
        }

        @Override
        public boolean completeIntent(String key, IntentState state, Instant at) {
            return store.completeIntent(key, state, at);
        }

        @Override
        public boolean moveIntent(String key, Instant seen, IntentState state, Instant at) {
            return store.moveIntent(key, seen, state, at);
        }

        @Override
        public Optional<Intent> intent(String key) {
            return store.intent(key);
        }

        @Override
        public List<Intent> staleIntents(Instant olderThan, int limit) {
            List<Intent> read = store.staleIntents(olderThan, limit);
            Runnable meanwhile = afterRead.getAndSet(null);
            if (meanwhile != null) meanwhile.run();
            return read;
        }
    }

    Intent inFlight(String key, Instant at) {
        return new Intent(
                key,
                "gh",
                "default",
                "POST",
                "/repos/o/r/issues",
                null,
                "{}".getBytes(),
                "application/json",
                "op-" + key,
                IntentState.in_flight,
                at,
                at);
    }

    @Test
    void shouldMakeOneEntryOfAWriteTwoNodesRecoverAtOnce() {
        try (Store store = SqliteStore.open(dir)) {
            Instant sent = time.instant();
            store.intents().recordIntent(inFlight("k1", sent));
            time.advance(Duration.ofMinutes(3));
            Instant cutoff = time.instant().minus(Duration.ofMinutes(2));
            var frozen = new Pausing(store.intents());
            var nodeA = new DlqService(store.dlq(), frozen, time, new EventBus(), id -> null);
            var nodeB = new DlqService(store.dlq(), store.intents(), time, new EventBus(), id -> null);
            // Node A reads the stale intents and stops (SIGSTOP); node B recovers them meanwhile.
            frozen.afterRead.set(() -> assertThat(nodeB.recoverInFlight(cutoff)).isOne());

            assertThat(nodeA.recoverInFlight(cutoff))
                    .as("node A, resumed: already taken")
                    .isZero();

            List<DlqEntry> entries = store.dlq().entries(DlqFilter.ALL);
            assertThat(entries)
                    .singleElement()
                    .satisfies(e -> assertThat(e.idempotencyKey()).isEqualTo("k1"));
            assertThat(store.intents().intent("k1").orElseThrow().state()).isEqualTo(IntentState.parked);
        }
    }

    @Test
    void shouldNotTakeAWriteWhoseSenderRenewedItAfterRecoveryReadIt() {
        try (Store store = SqliteStore.open(dir)) {
            Instant sent = time.instant();
            store.intents().recordIntent(inFlight("k2", sent));
            time.advance(Duration.ofMinutes(3));
            Instant cutoff = time.instant().minus(Duration.ofMinutes(2));
            var reading = new Pausing(store.intents());
            var node = new DlqService(store.dlq(), reading, time, new EventBus(), id -> null);
            // The call that recorded it is still running and renews it before its next attempt.
            reading.afterRead.set(
                    () -> assertThat(store.intents().moveIntent("k2", sent, IntentState.in_flight, time.instant()))
                            .isTrue());

            assertThat(node.recoverInFlight(cutoff)).isZero();

            assertThat(store.dlq().entries(DlqFilter.ALL)).isEmpty();
            assertThat(store.intents().intent("k2").orElseThrow().state()).isEqualTo(IntentState.in_flight);
        }
    }

    /** A store that takes the intent's move but not the entry (a full disk between the two): the write stays in flight. */
    @Test
    void shouldPutTheIntentBackInFlightWhenItsEntryCannotBeWritten() {
        try (Store store = SqliteStore.open(dir)) {
            Instant sent = time.instant();
            store.intents().recordIntent(inFlight("k4", sent));
            DlqRepository full = (DlqRepository) java.lang.reflect.Proxy.newProxyInstance(
                    DlqRepository.class.getClassLoader(), new Class<?>[] {DlqRepository.class}, (proxy, m, args) -> {
                        if (m.getName().equals("insertEntry"))
                            throw new StoreUnavailable(
                                    StoreUnavailable.Reason.full, Duration.ofSeconds(1), "disk full", null);
                        try {
                            return m.invoke(store.dlq(), args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            var node = new DlqService(full, store.intents(), time, new EventBus(), id -> null);
            time.advance(Duration.ofMinutes(3));

            assertThatThrownBy(() -> node.recoverInFlight(time.instant().minus(Duration.ofMinutes(2))))
                    .isInstanceOf(StoreUnavailable.class);

            assertThat(store.dlq().entries(DlqFilter.ALL)).isEmpty();
            assertThat(store.intents().intent("k4").orElseThrow())
                    .as("in flight as it was, for the next recovery")
                    .satisfies(i -> {
                        assertThat(i.state()).isEqualTo(IntentState.in_flight);
                        assertThat(i.updatedAt()).isEqualTo(sent);
                    });
            var healthy = new DlqService(store.dlq(), store.intents(), time, new EventBus(), id -> null);
            assertThat(healthy.recoverInFlight(time.instant().minus(Duration.ofMinutes(2))))
                    .isOne();
        }
    }

    @Test
    void shouldOnlyEndTheIntentOfAWriteThatAlreadyWaitsInTheDlq() {
        try (Store store = SqliteStore.open(dir)) {
            Instant sent = time.instant();
            store.intents().recordIntent(inFlight("k3", sent));
            var node = new DlqService(store.dlq(), store.intents(), time, new EventBus(), id -> null);
            time.advance(Duration.ofMinutes(3));
            assertThat(node.recoverInFlight(time.instant().minus(Duration.ofMinutes(2))))
                    .isOne();
            // A node stopped after writing the entry and before ending the intent: put it back in flight.
            store.intents().completeIntent("k3", IntentState.in_flight, sent);

            assertThat(node.recoverInFlight(time.instant().minus(Duration.ofMinutes(2))))
                    .isZero();

            assertThat(store.dlq().entries(DlqFilter.ALL)).hasSize(1);
            assertThat(store.intents().intent("k3").orElseThrow().state()).isEqualTo(IntentState.parked);
        }
    }
}
