package dev.gauntlet.farm.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FakeClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdempotencyStoreTest {

    private final FakeClock clock = new FakeClock();
    private final IdempotencyStore<String> store = new IdempotencyStore<>(clock, Duration.ofHours(24));

    @Test
    void shouldReplayTheFirstAnswerWhenTheKeyComesBackWithTheSameParameters() {
        var first = (IdempotencyStore.Proceed<String>) store.begin("c", "k", "fp");
        store.complete(first.slot(), "answer");
        assertThat(store.begin("c", "k", "fp")).isEqualTo(new IdempotencyStore.Replay<>("answer"));
    }

    @Test
    void shouldRefuseTheKeyWithOtherParameters() {
        store.begin("c", "k", "fp1");
        assertThat(store.begin("c", "k", "fp2")).isInstanceOf(IdempotencyStore.Mismatch.class);
    }

    @Test
    void shouldSayInFlightWhileTheFirstRequestRuns() {
        store.begin("c", "k", "fp");
        assertThat(store.begin("c", "k", "fp")).isInstanceOf(IdempotencyStore.InFlight.class);
    }

    @Test
    void shouldScopeKeysPerClient() {
        store.begin("c1", "k", "fp");
        assertThat(store.begin("c2", "k", "other")).isInstanceOf(IdempotencyStore.Proceed.class);
    }

    @Test
    void shouldFreeTheKeyWhenTheRequestWasAbandoned() {
        var first = (IdempotencyStore.Proceed<String>) store.begin("c", "k", "fp1");
        store.abandon(first.slot());
        assertThat(store.begin("c", "k", "fp2")).isInstanceOf(IdempotencyStore.Proceed.class);
    }

    @Test
    void shouldForgetKeysAfterTheirTtl() {
        var first = (IdempotencyStore.Proceed<String>) store.begin("c", "k", "fp1");
        store.complete(first.slot(), "a");
        clock.advance(Duration.ofHours(24));
        assertThat(store.begin("c", "k", "fp2")).isInstanceOf(IdempotencyStore.Proceed.class);
    }

    @Test
    void shouldPruneKeysOnceTheyAreTtlOldByTheInjectedClock() {
        for (int i = 0; i < 100; i++)
            store.complete(((IdempotencyStore.Proceed<String>) store.begin("c", "old-" + i, "fp")).slot(), "a");
        clock.advance(Duration.ofHours(23));
        store.begin("c", "young", "fp");
        assertThat(store.size()).as("nothing is 24 h old yet").isEqualTo(101);
        clock.advance(Duration.ofHours(1));
        store.begin("c", "new", "fp");
        assertThat(store.size())
                .as("the 100 day-old keys are gone, the young one and the new one stay")
                .isEqualTo(2);
        assertThat(store.begin("c", "old-7", "other"))
                .as("a pruned key is a new key")
                .isInstanceOf(IdempotencyStore.Proceed.class);
    }

    @Test
    void shouldNotPruneAKeyReusedAfterItExpired() {
        store.begin("c", "k", "fp1");
        clock.advance(Duration.ofHours(24));
        store.begin("c", "k", "fp2");
        store.begin("c", "other", "fp");
        assertThat(store.begin("c", "k", "fp3"))
                .as("the second use of k is the live one")
                .isInstanceOf(IdempotencyStore.Mismatch.class);
    }
}
