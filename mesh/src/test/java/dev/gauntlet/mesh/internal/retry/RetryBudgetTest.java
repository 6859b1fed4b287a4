package dev.gauntlet.mesh.internal.retry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RetryBudgetTest {

    @Test
    void shouldAllowOneRetryPerTenFirstAttemptsWhenNothingSucceeds() {
        RetryBudget b = new RetryBudget(0.1, 3, 20);
        int granted = 0;
        for (int i = 0; i < 1000; i++) {
            b.onFirstAttempt();
            while (b.tryRetry()) granted++;
        }
        assertThat(granted).isEqualTo(100);
        assertThat(b.denied()).as("the loop ends on a denial every call").isEqualTo(1000);
    }

    @Test
    void shouldStartEmptyWhenNew() {
        RetryBudget b = new RetryBudget(0.1, 3, 20);
        b.onFirstAttempt();
        assertThat(b.tryRetry()).isFalse();
    }

    @Test
    void shouldEarnRetriesWhenCallsSucceed() {
        RetryBudget b = new RetryBudget(0.1, 3, 20);
        b.onSuccess();
        assertThat(b.balance()).isEqualTo(3.0);
        assertThat(b.tryRetry()).isTrue();
        assertThat(b.retries()).isEqualTo(1);
    }

    @Test
    void shouldNeverSaveMoreThanTheCapWhenCalm() {
        RetryBudget b = new RetryBudget(0.1, 3, 20);
        for (int i = 0; i < 10_000; i++) {
            b.onFirstAttempt();
            b.onSuccess();
        }
        assertThat(b.balance()).isEqualTo(20.0);
    }

    @Test
    void shouldNeverRetryWhenRatioAndEarningsAreZero() {
        RetryBudget b = new RetryBudget(0, 0, 20);
        for (int i = 0; i < 100; i++) {
            b.onFirstAttempt();
            b.onSuccess();
        }
        assertThat(b.tryRetry()).isFalse();
    }
}
