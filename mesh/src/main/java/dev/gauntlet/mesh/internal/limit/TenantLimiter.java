package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.LimitLearned;
import dev.gauntlet.mesh.event.RateAdjusted;
import dev.gauntlet.mesh.limit.LimitConfig;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/** The adaptive token bucket of one connector and tenant: a Bucket4j bucket whose refill rate a {@link RateController} sets. */
final class TenantLimiter {

    private final String connector;
    private final String tenant;
    private final LimitConfig config;
    private final InstantSource clock;
    private final TimeMeter meter;
    private final EventBus events;
    private final Bucket bucket;
    private final RateController controller;
    private volatile double rate;
    private volatile double learned = Double.NaN;
    private volatile long upstreamBurst = -1;

    public TenantLimiter(String connector, String tenant, LimitConfig config, InstantSource clock, EventBus events) {
        this.connector = connector;
        this.tenant = tenant;
        this.config = config;
        this.clock = clock;
        this.meter = new ClockTimeMeter(clock);
        this.events = events;
        this.rate = config.initialRps();
        // SYNCHRONIZED rather than the default lock-free bucket: the lock-free one copies its state on every consume
        // (about 140 bytes a call, measured with JFR), and one connector's bucket is never contended enough to need
        // CAS.
        this.bucket = Bucket.builder()
                .withCustomTimePrecision(meter)
                .withSynchronizationStrategy(io.github.bucket4j.local.SynchronizationStrategy.SYNCHRONIZED)
                .addLimit(bandwidth(config.burst(), rate))
                .build();
        this.controller = new RateController(config, meter.currentTimeNanos());
    }

    static Bandwidth bandwidth(int burst, double rps) {
        // One token per period, the period in whole nanoseconds: any rate (2.5 rps, 190.76 rps) within 1 ns per token.
        // (Several tokens per period that do not divide it leave Bucket4j 8.14 answering "wait 0 ns" for a token it
        // then refuses, for ever.)
        long periodNanos = Math.max(1, Math.round(1e9 / rps));
        return Bandwidth.builder()
                .capacity(burst)
                .refillGreedy(1, Duration.ofNanos(periodNanos))
                .build();
    }

    /** Takes a token if one is free; otherwise says how long until one is (and tells the controller callers wait). */
    public Permit tryAcquire() {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
        if (probe.isConsumed()) return Permit.GRANTED;
        RateController.Decision d;
        synchronized (controller) {
            d = controller.onWait(meter.currentTimeNanos());
        }
        apply(d);
        return new Permit(false, probe.getNanosToWaitForRefill(), 0);
    }

    /** An upstream answer: whether it was rate_limit, and what its headers say of the upstream's bucket. */
    public void onAnswer(boolean rateLimited, UpstreamQuota quota) {
        RateController.Decision d;
        synchronized (controller) {
            d = controller.onAnswer(meter.currentTimeNanos(), rateLimited, quota);
            upstreamBurst = controller.upstreamBurst();
        }
        apply(d);
    }

    private void apply(RateController.Decision d) {
        if (d == null) return;
        learned = d.learned();
        if (d.learnedSource() != null) {
            events.publish(new LimitLearned(clock.instant(), connector, tenant, d.learned(), d.learnedSource()));
        }
        if (d.rateChanged()) {
            rate = d.newRate();
            // Our bursts are kept within half the upstream's bucket (when its counts tell its size): a burst of ours as
            // large as its whole bucket meets a half-empty one and earns 429s while the average rate is fine.
            long upstream = upstreamBurst;
            int burst = upstream > 0 ? (int) Math.max(1, Math.min(config.burst(), upstream / 2)) : config.burst();
            // AS_IS: tokens already earned at the old rate stay (at most the burst), so a change never bursts nor
            // stalls.
            bucket.replaceConfiguration(
                    BucketConfiguration.builder()
                            .addLimit(bandwidth(burst, d.newRate()))
                            .build(),
                    TokensInheritanceStrategy.AS_IS);
            events.publish(new RateAdjusted(clock.instant(), connector, tenant, d.oldRate(), d.newRate(), d.reason()));
        }
    }

    public double rate() {
        return rate;
    }

    /** The learned upstream limit (calls per second), NaN until learned. */
    public double learned() {
        return learned;
    }

    public long tokens() {
        return bucket.getAvailableTokens();
    }

    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("tokens", tokens());
        s.put("rate_rps", Math.round(rate * 100) / 100.0);
        s.put("learned_limit_rps", Double.isNaN(learned) ? null : Math.round(learned * 100) / 100.0);
        s.put("burst", config.burst());
        return s;
    }
}
