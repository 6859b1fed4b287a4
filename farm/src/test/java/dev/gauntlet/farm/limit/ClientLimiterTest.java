package dev.gauntlet.farm.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.spec.RateLimitSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClientLimiterTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void shouldAllowTheBurstThenRefuseWithTheTimeToWait() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.bucket(10.0, 5, "client"), clock);
        for (int i = 0; i < 5; i++)
            assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        LimitDecision refused = limiter.tryAcquire("a", 1.0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.waitMillis()).isBetween(90L, 110L);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldRefillAtTheConfiguredRate() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.bucket(10.0, 5, "client"), clock);
        for (int i = 0; i < 5; i++) limiter.tryAcquire("a", 1.0);
        clock.advance(Duration.ofMillis(300));
        int allowed = 0;
        for (int i = 0; i < 10; i++) if (limiter.tryAcquire("a", 1.0).allowed()) allowed++;
        assertThat(allowed).isEqualTo(3);
    }

    @Test
    void shouldKeepClientsApartWhenLimitedPerClient() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.bucket(1.0, 1, "client"), clock);
        assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        assertThat(limiter.tryAcquire("b", 1.0).allowed()).isTrue();
        assertThat(limiter.tryAcquire("a", 1.0).allowed()).isFalse();
    }

    @Test
    void shouldShareOneBucketWhenLimitedPerService() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.bucket(1.0, 1, "service"), clock);
        assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        assertThat(limiter.tryAcquire("b", 1.0).allowed()).isFalse();
    }

    @Test
    void shouldShrinkTheLimitWhenChaosReducesIt() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.bucket(100.0, 100, "client"), clock);
        LimitDecision normal = limiter.tryAcquire("a", 1.0);
        assertThat(normal.limit()).isEqualTo(100);
        LimitDecision reduced = limiter.tryAcquire("a", 0.2);
        assertThat(reduced.limit()).isEqualTo(20);
        clock.advance(Duration.ofSeconds(10));
        int allowed = 0;
        for (int i = 0; i < 100; i++) if (limiter.tryAcquire("a", 0.2).allowed()) allowed++;
        assertThat(allowed).isEqualTo(20);
    }

    @Test
    void shouldKeepAFractionalRateExact() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.bucket(2.5, 1, "client"), clock);
        int allowed = 0;
        for (int s = 0; s < 100; s++) {
            for (int i = 0; i < 10; i++) if (limiter.tryAcquire("a", 1.0).allowed()) allowed++;
            clock.advance(Duration.ofMillis(100));
        }
        // 10 s at 2.5 rps plus the initial token.
        assertThat(allowed).isBetween(25, 26);
    }

    @Test
    void shouldResetAFixedWindowAllAtOnceWhenTheWindowEnds() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.window("fixed_window", 3, 10, "client"), clock);
        long startS = clock.millis() / 1000;
        for (int i = 0; i < 3; i++)
            assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        LimitDecision refused = limiter.tryAcquire("a", 1.0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.resetEpochS()).isEqualTo(startS + 10);
        clock.advance(Duration.ofSeconds(9));
        assertThat(limiter.tryAcquire("a", 1.0).allowed())
                .as("nothing comes back before the window ends")
                .isFalse();
        clock.advance(Duration.ofSeconds(1));
        LimitDecision fresh = limiter.tryAcquire("a", 1.0);
        assertThat(fresh.allowed()).isTrue();
        assertThat(fresh.remaining()).isEqualTo(2);
    }

    @Test
    void shouldScaleAWindowsLimitWithTheChaosFactor() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.window("fixed_window", 100, 60, "client"), clock);
        int allowed = 0;
        for (int i = 0; i < 100; i++) if (limiter.tryAcquire("a", 0.2).allowed()) allowed++;
        assertThat(allowed).isEqualTo(20);
    }

    @Test
    void shouldGiveARollingWindowBackAsTheOldestRequestsAgeOut() {
        ClientLimiter limiter = new ClientLimiter(RateLimitSpec.window("rolling_window", 60, 60, "service"), clock);
        // 30 requests now, 30 more half a window later: the allocation is spent.
        for (int i = 0; i < 30; i++)
            assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 30; i++)
            assertThat(limiter.tryAcquire("b", 1.0).allowed()).isTrue();
        LimitDecision spent = limiter.tryAcquire("a", 1.0);
        assertThat(spent.allowed()).isFalse();
        assertThat(spent.waitMillis()).isBetween(29_000L, 31_000L);
        // Once the first 30 are a window old, 30 fit again - and only 30: the later ones still count.
        clock.advance(Duration.ofSeconds(31));
        int allowed = 0;
        for (int i = 0; i < 60; i++) if (limiter.tryAcquire("a", 1.0).allowed()) allowed++;
        assertThat(allowed).isEqualTo(30);
    }

    @Test
    void shouldRefuseAWindowSpecWithBucketSettings() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new RateLimitSpec("fixed_window", 10.0, null, 100L, 60L, "client"))
                .hasMessageContaining("rate_limit.max_rps and rate_limit.burst belong to kind bucket");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new RateLimitSpec("rolling_window", null, null, 100L, null, "client"))
                .hasMessageContaining("rate_limit.window_s is required");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new RateLimitSpec("hourly", null, null, 100L, 60L, "client"))
                .hasMessageContaining("rate_limit.kind must be one of");
    }
}
