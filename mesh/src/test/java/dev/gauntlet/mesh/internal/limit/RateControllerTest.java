package dev.gauntlet.mesh.internal.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.limit.LimitConfig;
import org.junit.jupiter.api.Test;

/** The controller's reading of 429s it did not cause. */
class RateControllerTest {

    static final LimitConfig CONFIG =
            LimitConfig.builder().initialRps(40).maxRps(1000).burst(40).build();
    static final long MS = 1_000_000L;

    /** Four windows of 20 answers each, every third refused saying the bucket is dry, the others carrying {@code quota}. */
    static RateController run(UpstreamQuota quota, boolean waits) {
        RateController c = new RateController(CONFIG, 0);
        long t = 0;
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 20; i++) {
                t += 13 * MS;
                if (waits) c.onWait(t);
                boolean refused = i % 3 == 0;
                c.onAnswer(t, refused, refused && quota.known() ? new UpstreamQuota(quota.limit(), 0) : quota);
            }
        }
        c.onAnswer(t + RateController.WINDOW_NANOS, false, quota);
        return c;
    }

    @Test
    void shouldKeepItsRateWhenRefusedWhileTheUpstreamsCountsShowPlentyOfRoom() {
        // Faults injected at random, or a quota's spike: the 429s say 0 left, the answers around them 80 of 100.
        assertThat(run(new UpstreamQuota(100, 80), false).rate()).isGreaterThanOrEqualTo(40);
    }

    @Test
    void shouldCutItsRateWhenRefusedWhileTheUpstreamsBucketIsDrained() {
        assertThat(run(new UpstreamQuota(500, 3), true).rate()).isLessThan(40);
    }

    @Test
    void shouldCutItsRateWhenManyAreRefusedWithoutCounts() {
        // A third refused is no noise, counts or not: the first window that sees it halves the rate. (That this
        // upstream goes on refusing a third at half the rate is what later marks it as noise - see below.)
        RateController c = new RateController(CONFIG, 0);
        long t = 0;
        for (int i = 0; i < 20; i++) {
            t += 13 * MS;
            c.onAnswer(t, i % 3 == 0, UpstreamQuota.NONE);
        }
        c.onAnswer(t + RateController.WINDOW_NANOS, false, UpstreamQuota.NONE);
        assertThat(c.rate()).isEqualTo(20);
    }

    @Test
    void shouldIgnoreAFewRefusalsWithoutCountsWhileNotPushing() {
        RateController c = new RateController(CONFIG, 0);
        long t = 0;
        for (int w = 0; w < 4; w++) {
            for (int i = 0; i < 20; i++) {
                t += 13 * MS;
                c.onAnswer(t, i == 0, UpstreamQuota.NONE); // one in twenty: 5 %, and nobody waited on our bucket
            }
        }
        c.onAnswer(t + RateController.WINDOW_NANOS, false, UpstreamQuota.NONE);
        assertThat(c.rate()).isEqualTo(40);
    }

    @Test
    void shouldStopCuttingWhenCutsDoNotLessenTheRefusalsOfAnUpstreamWithoutCounts() {
        // Hell's random faults: a tenth of every answer is a 429 whatever we send, and callers always wait on our
        // bucket. A limit of ours would stop refusing us once we slow down; this one never does.
        RateController c = new RateController(CONFIG, 0);
        long t = 0;
        double lowest = c.rate();
        int refusedEvery = 10;
        int n = 0;
        for (int w = 0; w < 120; w++) { // 30 s
            int perWindow = (int) Math.max(2, c.rate() / 4); // the rate's worth of answers each 250 ms window
            long step = RateController.WINDOW_NANOS / perWindow;
            for (int i = 0; i < perWindow; i++) {
                t += step;
                c.onWait(t);
                c.onAnswer(t, n++ % refusedEvery == 0, UpstreamQuota.NONE);
            }
            lowest = Math.min(lowest, c.rate());
        }
        assertThat(c.rate())
                .as("back near where it began, not ratcheted to the minimum")
                .isGreaterThanOrEqualTo(CONFIG.initialRps() * 0.7);
        assertThat(lowest)
                .as("it did cut at first: it cannot know before it tried")
                .isLessThan(CONFIG.initialRps());
    }

    @Test
    void shouldStillSettleBelowARealLimitWithoutCountsAfterLearningNoise() {
        // The same upstream, but refusing everything above 20/s: cuts do lessen those refusals, so they are no noise.
        RateController c = new RateController(CONFIG, 0);
        long t = 0;
        double budget = 0;
        for (int w = 0; w < 120; w++) {
            int perWindow = (int) Math.max(2, c.rate() / 4);
            long step = RateController.WINDOW_NANOS / perWindow;
            for (int i = 0; i < perWindow; i++) {
                t += step;
                budget = Math.min(5, budget + 20.0 * step / 1e9);
                boolean refused = budget < 1;
                if (!refused) budget -= 1;
                c.onWait(t);
                c.onAnswer(t, refused, UpstreamQuota.NONE);
            }
        }
        assertThat(c.rate()).isBetween(8.0, 26.0);
    }
}
