package dev.gauntlet.farm.limit;

import dev.gauntlet.farm.spec.RateLimitSpec;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.BucketConfiguration;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service's request limit: a Bucket4j token bucket per client (or one per service), refilled at
 * {@code max_rps × chaos factor}. When the chaos factor changes the buckets are reconfigured in place, keeping their
 * share of tokens.
 */
public final class ClientLimiter {

    private final RateLimitSpec spec;
    private final InstantSource clock;
    private final TimeMeter meter;
    private final Map<String, Slot> buckets = new ConcurrentHashMap<>();

    private static final class Slot {
        final Bucket bucket;
        volatile double factor;

        Slot(Bucket bucket, double factor) {
            this.bucket = bucket;
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
        Slot slot = buckets.computeIfAbsent(key, k -> new Slot(
                Bucket.builder().withCustomTimePrecision(meter).addLimit(bandwidth(factor)).build(), factor));
        if (slot.factor != factor) {
            synchronized (slot) {
                if (slot.factor != factor) {
                    slot.bucket.replaceConfiguration(BucketConfiguration.builder().addLimit(bandwidth(factor)).build(),
                            TokensInheritanceStrategy.PROPORTIONALLY);
                    slot.factor = factor;
                }
            }
        }
        ConsumptionProbe probe = slot.bucket.tryConsumeAndReturnRemaining(1);
        long capacity = capacity(factor);
        double rate = spec.maxRps() * factor;
        long missing = capacity - probe.getRemainingTokens();
        long fullInMillis = (long) Math.ceil(missing * 1000.0 / rate);
        long resetEpochS = (clock.millis() + fullInMillis + 999) / 1000;
        return new LimitDecision(probe.isConsumed(), capacity, probe.getRemainingTokens(),
                probe.isConsumed() ? 0 : (probe.getNanosToWaitForRefill() + 999_999) / 1_000_000, resetEpochS);
    }

    public void clear() {
        buckets.clear();
    }

    private long capacity(double factor) {
        return Math.max(1, Math.round(spec.burst() * factor));
    }

    private Bandwidth bandwidth(double factor) {
        double rate = spec.maxRps() * factor;
        // Bucket4j refills whole tokens per period; pick the shortest period that keeps a fractional rate exact
        // within 1 % (2.5 rps → 25 tokens per 10 s) without multiplying into overflow on fast buckets.
        long periodS = 1;
        while (periodS < 1000 && Math.abs(rate * periodS - Math.round(rate * periodS)) > 0.01 * rate * periodS) {
            periodS *= 10;
        }
        long tokens = Math.max(1, Math.round(rate * periodS));
        return Bandwidth.builder().capacity(capacity(factor)).refillGreedy(tokens, Duration.ofSeconds(periodS)).build();
    }
}
