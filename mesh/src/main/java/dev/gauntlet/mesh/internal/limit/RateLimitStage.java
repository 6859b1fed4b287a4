package dev.gauntlet.mesh.internal.limit;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.time.Duration;
import java.util.Map;

/**
 * Waits for a token from the adaptive bucket of the connector and tenant, throttling before the upstream says 429,
 * and feeds every answer back to the bucket's controller. Sits below retry, so each retry takes a token too.
 */
public final class RateLimitStage implements Stage {

    private final ConnectorLimits limits;

    public RateLimitStage(ConnectorLimits limits) {
        this.limits = limits;
    }

    @Override
    public String name() {
        return "rate-limit";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        TenantLimiter limiter = limits.tenant(exchange.request().tenant());
        Duration refused;
        try {
            refused = limits.acquire(limiter, exchange.deadline());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.Failure.of(ErrorClass.timeout, "interrupted while waiting for a rate-limit token");
        }
        if (refused != null) {
            return new Outcome.Failure(
                    ErrorClass.rate_limit,
                    0,
                    "throttled by the mesh: the next token (in " + refused.toMillis() + " ms at "
                            + Math.round(limiter.rate()) + " rps) comes after the call's deadline",
                    refused,
                    null);
        }
        // A hedge below sends a second request: the upstream counts it, so it takes a token too, or is not sent.
        exchange.spareRequest(limiter.spare());
        Outcome outcome = next.proceed(exchange);
        switch (outcome) {
            case Outcome.Success s -> ConnectorLimits.onAnswer(limiter, false, s.response());
            // Only answers tell us about the upstream's bucket; a socket error or timeout says nothing of it.
            case Outcome.Failure f
            when f.response() != null ->
                ConnectorLimits.onAnswer(limiter, f.errorClass() == ErrorClass.rate_limit, f.response());
            case Outcome.Failure f -> {}
        }
        return outcome;
    }

    @Override
    public Map<String, Object> status() {
        return limits.status();
    }

    /** The connector's buckets (tests, status API). */
    public ConnectorLimits limits() {
        return limits;
    }
}
