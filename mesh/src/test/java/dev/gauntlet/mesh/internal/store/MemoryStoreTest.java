package dev.gauntlet.mesh.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The in-memory store's intents: every write records and completes one, so they must stay cheap and bounded. */
class MemoryStoreTest {

    static final Instant T0 = Instant.parse("2026-11-01T00:00:00Z");

    static Intent intent(String key, Instant at) {
        return new Intent(
                key,
                "shop",
                "default",
                "POST",
                "/v1/customers",
                Map.of("Idempotency-Key", key),
                "name=Ada".getBytes(StandardCharsets.UTF_8),
                "application/x-www-form-urlencoded",
                "op-" + key,
                IntentState.in_flight,
                at,
                at);
    }

    @Test
    void shouldKeepOnlyTheNewestFinishedIntentsButEveryOneInFlight() {
        var store = new MemoryStore();
        int finished = MemoryStore.KEEP_FINISHED_INTENTS + 500;
        for (int i = 0; i < finished; i++) {
            store.intents().recordIntent(intent("done-" + i, T0));
            assertThat(store.intents().completeIntent("done-" + i, IntentState.succeeded, T0.plusMillis(i)))
                    .isTrue();
        }
        for (int i = 0; i < 100; i++) store.intents().recordIntent(intent("open-" + i, T0));

        assertThat(store.intents().intent("done-0"))
                .as("the oldest finished one is forgotten")
                .isEmpty();
        assertThat(store.intents().intent("done-" + (finished - 1)))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.succeeded);
        assertThat(store.intents().intent("done-" + (finished - MemoryStore.KEEP_FINISHED_INTENTS / 2)))
                .as("the newest half are kept")
                .isPresent();
        long kept = IntStream.range(0, finished)
                .filter(i -> store.intents().intent("done-" + i).isPresent())
                .count();
        assertThat(kept).as("never more than the bound").isBetween((long) MemoryStore.KEEP_FINISHED_INTENTS / 2, (long)
                MemoryStore.KEEP_FINISHED_INTENTS);
        assertThat(store.intents().staleIntents(T0.plusSeconds(1), 1_000))
                .as("in-flight intents are never dropped")
                .hasSize(100);
    }

    @Test
    void shouldKeepAnIntentRecordedAgainAfterItFinished() {
        var store = new MemoryStore();
        store.intents().recordIntent(intent("again", T0));
        store.intents().completeIntent("again", IntentState.failed, T0.plusSeconds(1));
        // A replay records the same key in flight again; the finished entry's turn to be forgotten must not drop it.
        store.intents().recordIntent(intent("again", T0.plusSeconds(2)));
        for (int i = 0; i < MemoryStore.KEEP_FINISHED_INTENTS + 1; i++) {
            store.intents().recordIntent(intent("k" + i, T0));
            store.intents().completeIntent("k" + i, IntentState.succeeded, T0);
        }

        assertThat(store.intents().intent("again")).get().satisfies(i -> {
            assertThat(i.state()).isEqualTo(IntentState.in_flight);
            assertThat(i.createdAt()).as("the first record's time").isEqualTo(T0);
        });
    }

    @Test
    void shouldRecordAndCompleteFromManyThreadsAtOnce() throws Exception {
        var store = new MemoryStore();
        List<Future<?>> done = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 16; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        String key = thread + "-" + i;
                        store.intents().recordIntent(intent(key, T0));
                        store.intents()
                                .completeIntent(
                                        key,
                                        i % 2 == 0 ? IntentState.succeeded : IntentState.parked,
                                        T0.plusSeconds(1));
                    }
                }));
            }
            for (Future<?> f : done) f.get();
        }
        assertThat(store.intents().staleIntents(T0.plusSeconds(60), 10_000)).isEmpty();
        assertThat(store.intents().intent("7-499"))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.parked);
        assertThat(store.intents().intent("3-498"))
                .get()
                .extracting(Intent::state)
                .isEqualTo(IntentState.succeeded);
    }
}
