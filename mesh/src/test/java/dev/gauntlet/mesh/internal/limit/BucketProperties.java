package dev.gauntlet.mesh.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.limit.LimitConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The bucket on the fake clock never lets more than rate × t + burst calls through in any window. */
class BucketProperties {

    @Property(tries = 300)
    void shouldNeverPassMoreThanRateTimesTimePlusBurstInAnyWindow(
            @ForAll @DoubleRange(min = 0.5, max = 2000) double rate,
            @ForAll @IntRange(min = 1, max = 50) int burst,
            @ForAll @Size(min = 1, max = 400) List<@LongRange(min = 0, max = 50_000) Long> gapsMicros) {
        FakeTime time = new FakeTime();
        // min = max = rate: the controller may not move it, so the bound is the configured one.
        TenantLimiter limiter = new TenantLimiter(
                "api",
                "default",
                LimitConfig.builder()
                        .initialRps(rate)
                        .minRps(rate)
                        .maxRps(rate)
                        .burst(burst)
                        .build(),
                time,
                new EventBus());
        List<Long> passed = new ArrayList<>();
        long t = 0;
        for (long gap : gapsMicros) {
            time.advance(Duration.ofNanos(gap * 1000));
            t += gap * 1000;
            if (limiter.tryAcquire().granted()) passed.add(t);
        }
        for (int i = 0; i < passed.size(); i++) {
            for (int j = i; j < passed.size(); j++) {
                double seconds = (passed.get(j) - passed.get(i)) / 1e9;
                // A rate is held as one token per whole nanosecond: allow that rounding, nothing more.
                double allowed = rate * seconds * (1 + 1e-6) + burst;
                assertThat((double) (j - i + 1))
                        .as("calls in [%d, %d] ns", passed.get(i), passed.get(j))
                        .isLessThanOrEqualTo(allowed + 1e-9);
            }
        }
    }
}
