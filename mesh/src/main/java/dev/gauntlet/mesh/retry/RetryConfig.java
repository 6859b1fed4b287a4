package dev.gauntlet.mesh.retry;

import dev.gauntlet.mesh.Checks;
import java.time.Duration;

/**
 * Retries of one logical call: at most {@code maxAttempts} attempts, exponential backoff with full jitter between
 * {@code baseDelay} and {@code maxDelay}, and a budget so retries add at most {@code budgetRatio} of the first
 * attempts' load (0.1 = 10 %).
 */
public record RetryConfig(int maxAttempts, Duration baseDelay, Duration maxDelay, double budgetRatio) {
    public static final RetryConfig DEFAULT = new RetryConfig(4, Duration.ofMillis(50), Duration.ofSeconds(5), 0.1);

    public RetryConfig {
        Checks.atLeast("retry.max_attempts", 1, maxAttempts);
        Checks.positive("retry.base_delay", baseDelay);
        Checks.positive("retry.max_delay", maxDelay);
        if (maxDelay.compareTo(baseDelay) < 0) throw new IllegalArgumentException("retry.max_delay must be ≥ base_delay, was " + maxDelay + " < " + baseDelay);
        Checks.between("retry.budget_ratio", 0, 10, budgetRatio);
    }
}
