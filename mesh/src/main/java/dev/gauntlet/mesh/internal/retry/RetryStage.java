package dev.gauntlet.mesh.internal.retry;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.RetryBudgetExhausted;
import dev.gauntlet.mesh.event.RetryGaveUp;
import dev.gauntlet.mesh.event.RetryScheduled;
import dev.gauntlet.mesh.event.WriteReadBack;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.internal.dlq.DeadLetters;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import dev.gauntlet.mesh.retry.RetryConfig;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.time.TimeSource;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Retries by error class with full-jitter backoff, never sooner than the upstream's Retry-After and never past the
 * call's deadline, within the connector's retry budget; parks the writes it gives up on in the DLQ. A write is never
 * sent twice blind: keyed and naturally idempotent writes are retried as they are; a plain write whose connection
 * broke is read back first ({@link OutcomeCheck}) - found, it is done; conclusively missing, it is sent again - and
 * parked as unknown outcome when the read cannot tell, or after a timeout (the upstream may still be carrying it out).
 * One instance per connector, so the budget is the connector's.
 */
public final class RetryStage implements Stage {

    /**
     * auth_expired reaches us only when the auth stage's own refresh-and-retry met a second refusal (a token revoked
     * again, a token endpoint that failed): transient, so retried with backoff and budget like the others.
     */
    private static final Set<ErrorClass> RETRYABLE = EnumSet.of(
            ErrorClass.rate_limit,
            ErrorClass.network_error,
            ErrorClass.server_error,
            ErrorClass.timeout,
            ErrorClass.auth_expired);

    /**
     * Final failures of a write that are still worth replaying later: the breaker was open (nothing was sent), the
     * token could not be refreshed in time, or the credentials were refused (keys get rotated and fixed; under token
     * revocation a fresh token can be refused once more): the upstream refused the request before acting on it, and
     * dropping the write would lose it. client_error is not parked: the same request would be refused again.
     */
    private static final Set<ErrorClass> PARK_WHEN_FINAL =
            EnumSet.of(ErrorClass.circuit_open, ErrorClass.auth_expired, ErrorClass.invalid_creds);

    private final String connector;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final EventBus events;
    private final DeadLetters deadLetters;
    private final DlqConfig dlq;
    private final Vendor vendor;
    private final OutcomeCheck readBack;
    private final Reader reader;
    private final Duration readBackAfter;
    private final String keyHeader;
    private final RetryConfig config;
    private final Backoff backoff;
    private final RetryBudget budget;
    private final AtomicBoolean budgetEmpty = new AtomicBoolean();
    private final AtomicLong gaveUp = new AtomicLong();
    private final AtomicLong parked = new AtomicLong();
    private final AtomicLong readBackFound = new AtomicLong();
    private final AtomicLong readBackMissing = new AtomicLong();
    private final AtomicLong readBackUnknown = new AtomicLong();

    /**
     * Many parts, because this stage both retries and settles the writes it gives up on (read back, or parked in the
     * DLQ): the connector's retry, idempotency and DLQ settings and vendor, time, the events, and the DLQ itself.
     *
     * @param reader sends a read-back through the connector's own pipeline
     * @param random the jitter's random source ({@code ThreadLocalRandom.current()} is safe to share: its methods use
     *               the calling thread's own state)
     */
    public RetryStage(
            String connector,
            RetryConfig config,
            Vendor vendor,
            IdempotencyConfig idempotency,
            DlqConfig dlq,
            DeadLetters deadLetters,
            EventBus events,
            TimeSource time,
            Reader reader,
            RandomGenerator random) {
        this.connector = connector;
        this.clock = time;
        this.sleeper = time;
        this.events = events;
        this.deadLetters = deadLetters;
        this.dlq = dlq;
        this.vendor = vendor;
        this.readBack = vendor.outcomeCheck(idempotency.opIdField());
        this.reader = reader;
        this.readBackAfter = dlq.readBackAfter();
        this.keyHeader = idempotency.header();
        this.config = config;
        this.backoff = Backoff.of(config, random);
        this.budget = RetryBudget.of(config);
    }

    @Override
    public String name() {
        return "retry";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        budget.onFirstAttempt();
        for (int n = 1; ; n++) {
            exchange.attemptNumber(n);
            Outcome outcome = next.proceed(exchange);
            if (!(outcome instanceof Outcome.Failure f)) {
                budget.onSuccess();
                return outcome;
            }
            // The send fence stopped it: the write is someone else's now (see SendFenceStage). Not retried, not parked.
            if (exchange.fenced() != null) return f;
            ErrorClass c = f.errorClass();
            boolean write = exchange.isWrite();
            if (f.response() != null && vendor.repeatsAnswer(f.response())) {
                // The upstream saved this answer for the request (Stripe: a keyed result, 500s included): the same key
                // would get it again. For a keyed write the outcome is indeterminate - a read-back settles it, and a
                // fresh key sends it again only when it is not there; anything else simply failed.
                if (!write || exchange.writeForm() != WriteForm.KEYED)
                    return giveUp(exchange, f, n, "unretryable", false, false);
                Outcome settled = readBackFirst(exchange, f, n, true);
                if (settled != null) return settled;
            }
            if (!RETRYABLE.contains(c))
                return giveUp(exchange, f, n, "unretryable", write && PARK_WHEN_FINAL.contains(c), false);
            if (write && exchange.writeForm() == WriteForm.PLAIN && c.isAmbiguous()) {
                // The upstream may have carried the write out, and sending it again could do it twice: read it back
                // first.
                Outcome settled = f.errorClass() == ErrorClass.network_error
                        ? readBackFirst(exchange, f, n, false)
                        : giveUp(exchange, f, n, "ambiguous_write", true, true);
                if (settled != null) return settled;
            }
            if (n >= config.maxAttempts()) return giveUp(exchange, f, n, "max_attempts", write, false);

            Instant now = clock.instant();
            Duration delay = backoff.delay(n);
            if (f.retryAfter() != null && f.retryAfter().compareTo(delay) > 0) delay = f.retryAfter();
            // A read is not held longer than the connector allows: the upstream asked for a long wait, so the read is
            // given up now - answered stale where stale reads are on - and its caller decides. Writes wait (or park).
            if (!write && config.maxWait() != null && delay.compareTo(config.maxWait()) > 0) {
                return giveUp(exchange, f, n, "wait_too_long", false, false);
            }
            Instant deadline = exchange.deadline();
            if (deadline != null && !now.isBefore(deadline)) {
                // The time budget is what ran out, not the upstream's patience: say so.
                Outcome.Failure late = new Outcome.Failure(
                        ErrorClass.timeout,
                        f.status(),
                        "deadline passed after " + n + " attempts; last: " + c + ": " + f.message(),
                        f.retryAfter(),
                        f.response());
                return giveUp(exchange, late, n, "deadline", write, false);
            }
            // Waking up at or after the deadline would leave no time for the attempt: give up now with what we know.
            if (deadline != null && !now.plus(delay).isBefore(deadline))
                return giveUp(exchange, f, n, "deadline", write, false);
            if (!budget.tryRetry()) {
                if (budgetEmpty.compareAndSet(false, true)) {
                    events.publish(new RetryBudgetExhausted(now, connector, budget.firstAttempts(), budget.retries()));
                }
                return giveUp(exchange, f, n, "budget", write, false);
            }
            budgetEmpty.set(false);
            events.publish(new RetryScheduled(now, connector, n, c, delay.toMillis()));
            try {
                sleeper.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return giveUp(exchange, f, n, "interrupted", write, false);
            }
        }
    }

    /**
     * A write whose outcome is not known, but whose handling the upstream has ended: a plain write whose connection
     * broke, or a keyed one whose answer the upstream saved ({@code freshKey}: Stripe's 500 with Stripe-Should-Retry:
     * false). A read-back tells: found, the write is done (the record read stands in for the lost answer); missing,
     * and the connector says a commit shows at once ({@code dlq.read_back_after} 0), it is sent again - under a fresh
     * key when its key is spent - and null is returned. A miss that may still be the upstream's ingestion delay, and a
     * read that cannot tell, park it as unknown outcome for the DLQ to read back later. (After a timeout the upstream
     * may still be carrying the write out: those are parked without a read.)
     */
    private Outcome readBackFirst(Exchange exchange, Outcome.Failure f, int n, boolean freshKey) {
        MeshRequest req = exchange.request();
        WriteRef ref = new WriteRef(
                req.tenant(),
                req.method(),
                req.path(),
                req.body(),
                req.contentType(),
                req.opId(),
                exchange.startedAt());
        String reason = freshKey ? "answer_saved" : "ambiguous_write";
        if (!readBack.applies(ref)) return giveUp(exchange, f, n, reason, true, true);
        ReadBack found = readBack.readBack(ref, reader);
        events.publish(new WriteReadBack(
                clock.instant(),
                connector,
                req.opId(),
                switch (found) {
                    case ReadBack.Found x -> "found";
                    case ReadBack.Missing x -> "missing";
                    case ReadBack.Unknown x -> "unknown";
                }));
        return switch (found) {
            case ReadBack.Found ok -> {
                readBackFound.incrementAndGet();
                budget.onSuccess();
                yield new Outcome.Success(ok.answer());
            }
            case ReadBack.Missing missing
            when readBackAfter.isZero() -> {
                readBackMissing.incrementAndGet();
                if (freshKey) {
                    String next = IdempotencyKeys.next(exchange.idempotencyKey());
                    exchange.idempotencyKey(next);
                    exchange.request(req.replacingHeader(keyHeader, next));
                }
                yield null;
            }
            case ReadBack.Missing missing -> {
                readBackMissing.incrementAndGet();
                yield giveUp(exchange, f, n, reason, true, true);
            }
            case ReadBack.Unknown unknown -> {
                readBackUnknown.incrementAndGet();
                yield giveUp(
                        exchange,
                        new Outcome.Failure(
                                f.errorClass(),
                                f.status(),
                                f.message() + "; read-back: " + unknown.why(),
                                f.retryAfter(),
                                f.response()),
                        n,
                        reason,
                        true,
                        true);
            }
        };
    }

    private Outcome giveUp(
            Exchange exchange, Outcome.Failure f, int attempts, String reason, boolean park, boolean unknown) {
        gaveUp.incrementAndGet();
        String id = null;
        if (park) {
            id = deadLetters.park(connector, dlq, exchange, f, unknown);
            exchange.deadLettered(id, unknown);
            parked.incrementAndGet();
        }
        events.publish(new RetryGaveUp(clock.instant(), connector, attempts, f.errorClass(), reason, id));
        return f;
    }

    /** The budget's level and what the stage has done so far. */
    @Override
    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("budget_balance", budget.balance());
        s.put("budget_ratio", config.budgetRatio());
        s.put("first_attempts", budget.firstAttempts());
        s.put("retries", budget.retries());
        s.put("retries_denied", budget.denied());
        s.put("gave_up", gaveUp.get());
        s.put("parked", parked.get());
        s.put("read_back_found", readBackFound.get());
        s.put("read_back_missing", readBackMissing.get());
        s.put("read_back_unknown", readBackUnknown.get());
        return s;
    }

    /** The connector's retry budget (for tests and the status API). */
    public RetryBudget budget() {
        return budget;
    }
}
