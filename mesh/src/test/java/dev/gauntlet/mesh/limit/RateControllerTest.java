package dev.gauntlet.mesh.limit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The controller's reading of 429s it did not cause. */
class RateControllerTest {

    static final LimitConfig CONFIG = new LimitConfig(40, 1, 1000, 40);
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
        // A third refused is no noise, counts or not.
        assertThat(run(UpstreamQuota.NONE, false).rate()).isLessThan(40);
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
}
