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
        ClientLimiter limiter = new ClientLimiter(new RateLimitSpec(10.0, 5, "client"), clock);
        for (int i = 0; i < 5; i++) assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        LimitDecision refused = limiter.tryAcquire("a", 1.0);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.remaining()).isZero();
        assertThat(refused.waitMillis()).isBetween(90L, 110L);
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);
    }

    @Test
    void shouldRefillAtTheConfiguredRate() {
        ClientLimiter limiter = new ClientLimiter(new RateLimitSpec(10.0, 5, "client"), clock);
        for (int i = 0; i < 5; i++) limiter.tryAcquire("a", 1.0);
        clock.advance(Duration.ofMillis(300));
        int allowed = 0;
        for (int i = 0; i < 10; i++) if (limiter.tryAcquire("a", 1.0).allowed()) allowed++;
        assertThat(allowed).isEqualTo(3);
    }

    @Test
    void shouldKeepClientsApartWhenLimitedPerClient() {
        ClientLimiter limiter = new ClientLimiter(new RateLimitSpec(1.0, 1, "client"), clock);
        assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        assertThat(limiter.tryAcquire("b", 1.0).allowed()).isTrue();
        assertThat(limiter.tryAcquire("a", 1.0).allowed()).isFalse();
    }

    @Test
    void shouldShareOneBucketWhenLimitedPerService() {
        ClientLimiter limiter = new ClientLimiter(new RateLimitSpec(1.0, 1, "service"), clock);
        assertThat(limiter.tryAcquire("a", 1.0).allowed()).isTrue();
        assertThat(limiter.tryAcquire("b", 1.0).allowed()).isFalse();
    }

    @Test
    void shouldShrinkTheLimitWhenChaosReducesIt() {
        ClientLimiter limiter = new ClientLimiter(new RateLimitSpec(100.0, 100, "client"), clock);
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
        ClientLimiter limiter = new ClientLimiter(new RateLimitSpec(2.5, 1, "client"), clock);
        int allowed = 0;
        for (int s = 0; s < 100; s++) {
            for (int i = 0; i < 10; i++) if (limiter.tryAcquire("a", 1.0).allowed()) allowed++;
            clock.advance(Duration.ofMillis(100));
        }
        // 10 s at 2.5 rps plus the initial token.
        assertThat(allowed).isBetween(25, 26);
    }
}
