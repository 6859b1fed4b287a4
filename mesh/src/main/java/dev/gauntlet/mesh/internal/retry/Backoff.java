package dev.gauntlet.mesh.internal.retry;

import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015): the wait
 * after the n-th failed attempt is uniform in {@code [0, min(max, base·2^(n-1))]}. Full jitter spreads the retries of
 * many callers who failed together, so they do not come back together.
 */
public final class Backoff {
    private final long baseNanos;
    private final long maxNanos;
    private final RandomGenerator random;

    /** {@code random} must be safe to share between threads ({@code ThreadLocalRandom.current()} is). */
    public Backoff(Duration base, Duration max, RandomGenerator random) {
        this.baseNanos = Checks.positive("backoff.base", base).toNanos();
        this.maxNanos = Checks.positive("backoff.max", max).toNanos();
        if (maxNanos < baseNanos)
            throw new IllegalArgumentException("backoff.max must be ≥ base, was " + max + " < " + base);
        this.random = random;
    }

    public static Backoff of(RetryConfig config, RandomGenerator random) {
        return new Backoff(config.baseDelay(), config.maxDelay(), random);
    }

    /** The upper bound of the wait after failed attempt {@code attempt} (1 = the first). */
    public Duration cap(int attempt) {
        return Duration.ofNanos(capNanos(attempt));
    }

    /** A wait drawn uniformly from {@code [0, cap(attempt)]}. */
    public Duration delay(int attempt) {
        return Duration.ofNanos(random.nextLong(capNanos(attempt) + 1));
    }

    private long capNanos(int attempt) {
        int doublings = Math.max(0, attempt - 1);
        // Doubling stops once past the max (and long before a shift could overflow).
        long cap = baseNanos;
        for (int i = 0; i < doublings && cap < maxNanos; i++) cap = cap > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : cap * 2;
        return Math.min(cap, maxNanos);
    }
}
