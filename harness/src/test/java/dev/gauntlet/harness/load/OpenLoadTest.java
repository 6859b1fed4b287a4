package dev.gauntlet.harness.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OpenLoadTest {

    @Test
    void shouldStartOperationsAtTheRateEvenWhenEarlierOnesAreStillRunning() {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong running = new AtomicLong();
        AtomicLong maxRunning = new AtomicLong();
        // 200/s for 0.5 s: 100 operations, each blocked until the load has started all of them.
        var result = OpenLoad.run(
                new LoadPlan(200, Duration.ofMillis(500), 1_000, 1_000),
                (seq, due) -> {
                    maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                    if (seq == 99) release.countDown();
                    release.await();
                    running.decrementAndGet();
                },
                () -> false,
                5_000);
        assertThat(result.started()).isEqualTo(100);
        assertThat(result.finished()).isEqualTo(100);
        assertThat(maxRunning.get())
                .as("a closed model would have run one at a time")
                .isEqualTo(100);
    }

    @Test
    void shouldHandEachOperationItsIntendedStart() {
        AtomicLong maxLateMs = new AtomicLong();
        OpenLoad.run(
                new LoadPlan(100, Duration.ofMillis(300), 1_000, 1_000),
                (seq, due) -> maxLateMs.accumulateAndGet((System.nanoTime() - due) / 1_000_000, Math::max),
                () -> false,
                5_000);
        // Each starts after its due time (never before), and not by much on an idle generator.
        assertThat(maxLateMs.get()).isBetween(0L, 1_000L);
    }

    @Test
    void shouldDropArrivalsOverTheInFlightCapAndStopWhenAsked() {
        CountDownLatch never = new CountDownLatch(1);
        var result = OpenLoad.run(
                new LoadPlan(500, Duration.ofMillis(200), 1_000, 10), (seq, due) -> never.await(), () -> false, 50);
        assertThat(result.started()).isEqualTo(10);
        assertThat(result.dropped()).isEqualTo(90);
        var stopped =
                OpenLoad.run(new LoadPlan(500, Duration.ofSeconds(10), 5_000, 10), (seq, due) -> {}, () -> true, 50);
        assertThat(stopped.started()).isZero();
    }

    @Test
    void shouldRefuseUnboundedPlans() {
        assertThatThrownBy(() -> new LoadPlan(0, Duration.ofSeconds(1), 1, 1)).hasMessageContaining("rate must be > 0");
        assertThatThrownBy(() -> new LoadPlan(10, Duration.ZERO, 1, 1)).hasMessageContaining("duration must be > 0");
        assertThatThrownBy(() -> new LoadPlan(10, Duration.ofSeconds(1), 0, 1))
                .hasMessage("max_ops must be ≥ 1, was 0");
    }
}
