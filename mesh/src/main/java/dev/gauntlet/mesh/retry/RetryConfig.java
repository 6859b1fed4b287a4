package dev.gauntlet.mesh.retry;

import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.internal.retry.RetryBudget;
import java.time.Duration;

/**
 * Retries of one logical call: at most {@code maxAttempts} attempts, exponential backoff with full jitter between
 * {@code baseDelay} and {@code maxDelay}, and a {@link RetryBudget} per connector: retries add at most
 * {@code budgetRatio} of the first attempts' load (0.1 = 10 %) during an outage, each success earns
 * {@code budgetPerSuccess} retries, and at most {@code budgetCap} retries can be saved up. {@code maxWait} (null: no
 * bound but the call's deadline) is the longest a read waits for its next attempt: an upstream asking for longer
 * (a Retry-After, a reset) gives the read up at once - answered stale where stale reads are on - instead of holding
 * its caller; a write waits as long as its deadline allows, and is parked when that is not enough.
 */
public record RetryConfig(
        int maxAttempts,
        Duration baseDelay,
        Duration maxDelay,
        double budgetRatio,
        double budgetPerSuccess,
        double budgetCap,
        Duration maxWait) {
    /** 3 retries per success: unthrottled while one attempt in four succeeds (see {@link RetryBudget}). */
    public static final double DEFAULT_PER_SUCCESS = 3;
    /** At most 20 retries saved up: the burst an outage's onset can add on top of the ratio. */
    public static final double DEFAULT_CAP = 20;

    public RetryConfig {
        Checks.atLeast("retry.max_attempts", 1, maxAttempts);
        Checks.positive("retry.base_delay", baseDelay);
        Checks.positive("retry.max_delay", maxDelay);
        if (maxDelay.compareTo(baseDelay) < 0)
            throw new IllegalArgumentException(
                    "retry.max_delay must be ≥ base_delay, was " + maxDelay + " < " + baseDelay);
        Checks.between("retry.budget_ratio", 0, 10, budgetRatio);
        Checks.between("retry.budget_per_success", 0, 10, budgetPerSuccess);
        Checks.between("retry.budget_cap", 1, 1_000_000, budgetCap);
        if (maxWait != null) Checks.positive("retry.max_wait", maxWait);
    }

    /** The defaults (4 attempts, 50 ms to 5 s backoff, 10 % budget): {@link Builder}'s. */
    public static final RetryConfig DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder()
                .maxAttempts(maxAttempts)
                .baseDelay(baseDelay)
                .maxDelay(maxDelay)
                .budgetRatio(budgetRatio)
                .budgetPerSuccess(budgetPerSuccess)
                .budgetCap(budgetCap)
                .maxWait(maxWait);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        private int maxAttempts = 4;
        private Duration baseDelay = Duration.ofMillis(50);
        private Duration maxDelay = Duration.ofSeconds(5);
        private double budgetRatio = 0.1;
        private double budgetPerSuccess = DEFAULT_PER_SUCCESS;
        private double budgetCap = DEFAULT_CAP;
        private Duration maxWait;

        private Builder() {}

        public Builder maxAttempts(int v) {
            this.maxAttempts = v;
            return this;
        }

        public Builder baseDelay(Duration v) {
            this.baseDelay = v;
            return this;
        }

        public Builder maxDelay(Duration v) {
            this.maxDelay = v;
            return this;
        }

        public Builder budgetRatio(double v) {
            this.budgetRatio = v;
            return this;
        }

        public Builder budgetPerSuccess(double v) {
            this.budgetPerSuccess = v;
            return this;
        }

        public Builder budgetCap(double v) {
            this.budgetCap = v;
            return this;
        }
        /** null: no bound but the call's deadline. */
        public Builder maxWait(Duration v) {
            this.maxWait = v;
            return this;
        }

        public RetryConfig build() {
            return new RetryConfig(maxAttempts, baseDelay, maxDelay, budgetRatio, budgetPerSuccess, budgetCap, maxWait);
        }
    }
}
