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
}
