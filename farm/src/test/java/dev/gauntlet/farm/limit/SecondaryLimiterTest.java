package dev.gauntlet.farm.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.spec.SecondaryLimitSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecondaryLimiterTest {

    private final FakeClock clock = new FakeClock();

    private static SecondaryLimitSpec window(
            String name, long limit, long windowS, List<String> methods, Map<String, Integer> points, String per) {
        return new SecondaryLimitSpec(name, "window", limit, windowS, methods, points, per);
    }

    private static SecondaryLimitSpec concurrent(long limit) {
        return new SecondaryLimitSpec("concurrent", "concurrent", limit, null, null, null, null);
    }

    @Test
    void shouldChargePointsByMethodAndRefuseUntilTheWindowResets() {
        var limiter = new SecondaryLimiter(
                List.of(window("points", 10, 60, null, Map.of("GET", 1, "default", 5), "client")), clock);
        assertThat(limiter.tryAcquire("a", "create", "POST", 1.0).refusal()).isNull();
        for (int i = 0; i < 5; i++)
            assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusal()).isNull();

        clock.advance(Duration.ofSeconds(20));
        var refused = limiter.tryAcquire("a", "list", "GET", 1.0);
        clock.advance(Duration.ofSeconds(40));
        var reset = limiter.tryAcquire("a", "create", "POST", 1.0);

        assertThat(refused.refusal()).isNotNull();
        assertThat(refused.refusedBy()).isEqualTo("points");
        assertThat(refused.refusal().injected())
                .as("answered as a secondary limit")
                .isTrue();
        assertThat(refused.refusal().waitMillis()).isEqualTo(40_000);
        assertThat(refused.refusal().retryAfterSeconds()).isEqualTo(40);
        assertThat(refused.refusal().limit()).isEqualTo(10);
        assertThat(reset.refusal()).isNull();
    }

    @Test
    void shouldCountOnlyTheNamedMethodsAndKeepEndpointsApartWhenAsked() {
        var limiter = new SecondaryLimiter(
                List.of(
                        window("content", 1, 1, List.of("post"), null, "client"),
                        window("per_endpoint", 2, 1, null, null, "endpoint")),
                clock);

        assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusal()).isNull();
        assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusal()).isNull();
        assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusedBy()).isEqualTo("per_endpoint");
        assertThat(limiter.tryAcquire("a", "get", "GET", 1.0).refusal())
                .as("another endpoint")
                .isNull();
        assertThat(limiter.tryAcquire("a", "create", "POST", 1.0).refusal()).isNull();
        assertThat(limiter.tryAcquire("a", "create", "POST", 1.0).refusedBy()).isEqualTo("content");
        assertThat(limiter.tryAcquire("b", "create", "POST", 1.0).refusal())
                .as("another client")
                .isNull();
    }

    @Test
    void shouldHoldAConcurrencyPlaceUntilReleasedOnce() {
        var limiter = new SecondaryLimiter(List.of(concurrent(2)), clock);
        var first = limiter.tryAcquire("a", "list", "GET", 1.0);
        var second = limiter.tryAcquire("a", "list", "GET", 1.0);
        var third = limiter.tryAcquire("a", "list", "GET", 1.0);

        assertThat(first.refusal()).isNull();
        assertThat(second.refusal()).isNull();
        assertThat(third.refusedBy()).isEqualTo("concurrent");
        assertThat(third.refusal().retryAfterSeconds()).isEqualTo(1);
        first.release();
        first.release();
        third.release();
        assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusal()).isNull();
        assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusal())
                .as("a second release gives nothing back")
                .isNotNull();
    }

    @Test
    void shouldGiveBackConcurrencyPlacesWhenALaterLimitRefuses() {
        var limiter = new SecondaryLimiter(
                List.of(concurrent(1), window("content", 1, 60, List.of("POST"), null, "client")), clock);
        limiter.tryAcquire("a", "create", "POST", 1.0).release();

        var refusedByContent = limiter.tryAcquire("a", "create", "POST", 1.0);
        var read = limiter.tryAcquire("a", "list", "GET", 1.0);

        assertThat(refusedByContent.refusedBy()).isEqualTo("content");
        assertThat(read.refusal())
                .as("the refused request kept no concurrency place")
                .isNull();
    }

    @Test
    void shouldScaleEveryLimitWithTheChaosFactor() {
        var limiter = new SecondaryLimiter(List.of(window("points", 10, 60, null, null, "client")), clock);
        for (int i = 0; i < 5; i++)
            assertThat(limiter.tryAcquire("a", "list", "GET", 0.5).refusal()).isNull();
        var refused = limiter.tryAcquire("a", "list", "GET", 0.5);

        assertThat(refused.refusal()).isNotNull();
        assertThat(refused.refusal().limit()).isEqualTo(5);
    }

    @Test
    void shouldForgetEveryCountWhenCleared() {
        var limiter = new SecondaryLimiter(List.of(window("points", 1, 60, null, null, "client")), clock);
        limiter.tryAcquire("a", "list", "GET", 1.0);
        limiter.clear();

        assertThat(limiter.tryAcquire("a", "list", "GET", 1.0).refusal()).isNull();
    }
}
