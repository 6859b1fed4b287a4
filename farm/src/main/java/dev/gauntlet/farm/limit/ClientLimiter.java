package dev.gauntlet.farm.limit;

import dev.gauntlet.farm.spec.RateLimitSpec;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's request limit per client (or one per service), in the kind the spec declares: a Bucket4j token
 * bucket refilled at {@code max_rps × chaos factor}, a fixed window (a Bucket4j bucket refilled all at once per
 * window), or a rolling window ({@link RollingWindow}). When the chaos factor changes, buckets are reconfigured in
 * place, keeping their share of tokens; windows compare their count with the scaled limit.
 */
public final class ClientLimiter {

    private final RateLimitSpec spec;
    private final InstantSource clock;
    private final TimeMeter meter;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();

    /** One client's limit and the chaos factor it was last configured for. */
    private static final class Slot {
        final Bucket bucket;
        final RollingWindow window;
        volatile double factor;

        Slot(Bucket bucket, RollingWindow window, double factor) {
            this.bucket = bucket;
            this.window = window;
            this.factor = factor;
        }
    }

    public ClientLimiter(RateLimitSpec spec, InstantSource clock) {
        this.spec = spec;
        this.clock = clock;
        this.meter = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                var now = clock.instant();
                return now.getEpochSecond() * 1_000_000_000L + now.getNano();
            }

            @Override
            public boolean isWallClockBased() {
                return true;
            }
        };
    }

    public RateLimitSpec spec() {
        return spec;
    }

    public LimitDecision tryAcquire(String client, double factor) {
        String key = spec.per().equals("service") ? "*" : client;
        Slot slot = slots.computeIfAbsent(key, k -> newSlot(factor));
        long capacity = capacity(factor);
        if (slot.window != null) {
            RollingWindow.Decision d = slot.window.tryAcquire(clock.millis(), capacity);
            return new LimitDecision(
                    d.allowed(),
                    capacity,
                    d.remaining(),
                    d.waitMillis(),
                    (clock.millis() + d.emptyInMillis() + 999) / 1000);
        }
        reconfigure(slot, factor);
        ConsumptionProbe probe = slot.bucket.tryConsumeAndReturnRemaining(1);
        long fullInMillis;
        if (spec.isBucket()) {
            double rate = spec.maxRps() * factor;
            fullInMillis = (long) Math.ceil((capacity - probe.getRemainingTokens()) * 1000.0 / rate);
        } else {
            // A fixed window is whole again all at once, when the window ends.
            fullInMillis = (probe.getNanosToWaitForReset() + 999_999) / 1_000_000;
        }
        long resetEpochS = (clock.millis() + fullInMillis + 999) / 1000;
        return new LimitDecision(
                probe.isConsumed(),
                capacity,
                probe.getRemainingTokens(),
                probe.isConsumed() ? 0 : (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000,
                resetEpochS);
    }

    public void clear() {
        slots.clear();
    }

    private Slot newSlot(double factor) {
        if (spec.kind().equals("rolling_window"))
            return new Slot(null, new RollingWindow(spec.windowS() * 1000), factor);
        return new Slot(
                Bucket.builder()
                        .withCustomTimePrecision(meter)
                        .addLimit(bandwidth(factor))
                        .build(),
                null,
                factor);
    }

    private void reconfigure(Slot slot, double factor) {
        if (slot.factor == factor) return;
        synchronized (slot) {
            if (slot.factor != factor) {
                slot.bucket.replaceConfiguration(
                        BucketConfiguration.builder()
                                .addLimit(bandwidth(factor))
                                .build(),
                        TokensInheritanceStrategy.PROPORTIONALLY);
                slot.factor = factor;
            }
        }
    }

    private long capacity(double factor) {
        return Math.max(1, Math.round(spec.capacity() * factor));
    }

    private Bandwidth bandwidth(double factor) {
        if (!spec.isBucket()) {
            // Bucket4j's interval refill puts the whole limit back at once every window: a fixed window whose clock
            // starts with the client's first request, like GitHub's per-user hour.
            long limit = capacity(factor);
            return Bandwidth.builder()
                    .capacity(limit)
                    .refillIntervally(limit, Duration.ofSeconds(spec.windowS()))
                    .build();
        }
        double rate = spec.maxRps() * factor;
        // Bucket4j refills whole tokens per period; pick the shortest period that keeps a fractional rate exact
        // within 1 % (2.5 rps → 25 tokens per 10 s) without multiplying into overflow on fast buckets.
        long periodS = 1;
        while (periodS < 1000 && Math.abs(rate * periodS - Math.round(rate * periodS)) > 0.01 * rate * periodS) {
            periodS *= 10;
        }
        long tokens = Math.max(1, Math.round(rate * periodS));
        return Bandwidth.builder()
                .capacity(capacity(factor))
                .refillGreedy(tokens, Duration.ofSeconds(periodS))
                .build();
    }
}
