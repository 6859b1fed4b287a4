package dev.gauntlet.mesh.internal.idempotency;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fence right before a write goes on the wire: a write whose intent is older than {@code renewAfter} renews it
 * (and, for a DLQ replay, its claim) with a compare-and-set, and is not sent when another party holds it now. A call
 * can wait long between recording its intent and an attempt - Retry-After waits, a rate-limit queue, a token refresh,
 * or a process frozen by SIGSTOP or a GC pause - and meanwhile any node's crash recovery may move the intent to the DLQ
 * ({@code recoverAfter}), another node may read the write back and send it, or take over a DLQ claim whose lease ran
 * out. Sent anyway, a write without an idempotency key (a GitHub issue, a Datadog point) would be committed twice.
 * Renewing well inside both leases ({@code renewAfter}: a quarter of the shorter of recovery's age and the time after
 * which another node's read-back is conclusive) keeps the intent fresh while this call owns it; a failed renewal
 * answers "in progress" (409, never retried, never parked: the write's new holder completes it). What no fence can
 * reach: a process frozen between this check and its socket write sends on resume what it held.
 */
public final class SendFenceStage implements Stage {

    /** Never renewed more often than this, whatever the connector's read-back settings. */
    static final Duration MIN_RENEW_AFTER = Duration.ofSeconds(1);

    private final String connector;
    private final IntentRepository intents;
    private final DlqRepository entries;
    private final InstantSource clock;
    private final Duration renewAfter;
    private final AtomicLong renewed = new AtomicLong();
    private final AtomicLong fenced = new AtomicLong();

    /**
     * @param recoverAfter how long an intent may stay in flight before crash recovery takes it (the mesh's)
     * @param conclusiveAfter how long after a write's last send another node's read-back of it counts as conclusive
     *                        (the connector's {@code dlq.settleAfter(timeout)})
     */
    public SendFenceStage(
            String connector,
            IntentRepository intents,
            DlqRepository entries,
            InstantSource clock,
            Duration recoverAfter,
            Duration conclusiveAfter) {
        this.connector = connector;
        this.intents = intents;
        this.entries = entries;
        this.clock = clock;
        Duration shorter = recoverAfter.compareTo(conclusiveAfter) < 0 ? recoverAfter : conclusiveAfter;
        Duration quarter = shorter.dividedBy(4);
        this.renewAfter = quarter.compareTo(MIN_RENEW_AFTER) < 0 ? MIN_RENEW_AFTER : quarter;
    }

    @Override
    public String name() {
        return "fence";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        Instant seen = exchange.intentAt();
        if (seen == null) return next.proceed(exchange); // a read, or a write the idempotency stage did not record
        Instant now = clock.instant();
        if (now.isBefore(seen.plus(renewAfter))) return next.proceed(exchange);
        // Whole milliseconds: every store keeps them exactly, so the next compare-and-set matches.
        Instant at = now.truncatedTo(ChronoUnit.MILLIS);
        String replayOf = exchange.replayOf();
        // A store that cannot answer throws StoreUnavailable from here, and nothing is sent: the caller gets 503 with
        // Retry-After and asks again (the idempotency stage then finds the write in flight and never resends it
        // blindly), and the intent stays in flight for recovery. Answered "not sent" instead, callers gave up on the
        // write and nothing picked it up before the run was judged (lost 2 in a multi-node run).
        if (replayOf != null && !entries.transition(replayOf, Set.of(DlqState.replaying), DlqState.replaying, at)) {
            return fenced(exchange, "its DLQ claim on " + replayOf + " ran out and another replayer holds it");
        }
        if (!intents.moveIntent(exchange.intentKey(), seen, IntentState.in_flight, at)) {
            return fenced(
                    exchange,
                    "its intent (recorded " + seen + ") was taken over meanwhile - moved to the DLQ by recovery, or"
                            + " recorded by another send of the same write");
        }
        exchange.intent(exchange.intentKey(), at);
        renewed.incrementAndGet();
        return next.proceed(exchange);
    }

    private Outcome fenced(Exchange exchange, String why) {
        fenced.incrementAndGet();
        exchange.fenced(why);
        return new Outcome.Failure(
                ErrorClass.server_error,
                409,
                "not sent by this call: " + why + " (" + connector + ", key " + exchange.idempotencyKey() + ")",
                null,
                null);
    }

    @Override
    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("renew_after_ms", renewAfter.toMillis());
        s.put("renewed", renewed.get());
        s.put("fenced", fenced.get());
        return s;
    }
}
