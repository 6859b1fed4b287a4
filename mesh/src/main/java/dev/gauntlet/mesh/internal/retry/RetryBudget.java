package dev.gauntlet.mesh.internal.retry;

import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.retry.RetryConfig;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A connector's retry allowance, token-bucket-like and shared by all its calls: every first attempt deposits
 * {@code ratio} of a retry, every success deposits {@code perSuccess} retries, every retry withdraws one, and the
 * balance never exceeds {@code cap}. In a full outage nothing succeeds, so retries add at most {@code ratio} (10 %)
 * to the offered load plus the cap (Google SRE book, "Handling Overload": a per-client retry ratio of 10 %). While
 * upstream still answers, successes pay for retries: with {@code perSuccess} 3 retries are unthrottled as long as at
 * least one attempt in four succeeds, which is when retrying is what gets calls through (a 50 % error rate at
 * maxAttempts 6 still ends ≥ 95 % successful). It starts empty: a cold connector earns its first retries.
 */
public final class RetryBudget {
    /** Balances are kept in thousandths of a retry so that a 0.1 ratio adds up exactly. */
    private static final long MILLI = 1000;

    private final long ratioMilli;
    private final long perSuccessMilli;
    private final long capMilli;
    private final AtomicLong balance = new AtomicLong();
    private final AtomicLong firstAttempts = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong denied = new AtomicLong();

    public RetryBudget(double ratio, double perSuccess, double cap) {
        this.ratioMilli = Math.round(Checks.between("retry_budget.ratio", 0, 10, ratio) * MILLI);
        this.perSuccessMilli = Math.round(Checks.between("retry_budget.per_success", 0, 10, perSuccess) * MILLI);
        this.capMilli = Math.round(Checks.between("retry_budget.cap", 1, 1_000_000, cap) * MILLI);
    }

    public static RetryBudget of(RetryConfig config) {
        return new RetryBudget(config.budgetRatio(), config.budgetPerSuccess(), config.budgetCap());
    }

    /** A logical call starts: its first attempt pays its share of a retry. */
    public void onFirstAttempt() {
        firstAttempts.incrementAndGet();
        deposit(ratioMilli);
    }

    /** A call got through: upstream answers, retrying works. */
    public void onSuccess() {
        deposit(perSuccessMilli);
    }

    /** Takes one retry from the balance; false (and nothing taken) when less than one is left. */
    public boolean tryRetry() {
        long b;
        do {
            b = balance.get();
            if (b < MILLI) {
                denied.incrementAndGet();
                return false;
            }
        } while (!balance.compareAndSet(b, b - MILLI));
        retries.incrementAndGet();
        return true;
    }

    private void deposit(long milli) {
        if (milli > 0) balance.accumulateAndGet(milli, (b, d) -> Math.min(capMilli, b + d));
    }

    /** Retries left now (fractional). */
    public double balance() {
        return balance.get() / (double) MILLI;
    }

    public long firstAttempts() {
        return firstAttempts.get();
    }

    public long retries() {
        return retries.get();
    }

    /** Retries refused because the balance was empty. */
    public long denied() {
        return denied.get();
    }
}
