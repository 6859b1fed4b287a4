package dev.gauntlet.mesh.internal.idempotency;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.Secrets;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqRepository;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentRepository;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.internal.dlq.DeadLetters;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.time.Instant;
import java.time.InstantSource;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides how each write is kept exactly once - by its vendor ({@link WriteForm}: keyed, idempotent by nature, or
 * plain and read back after an ambiguous failure) - and gives every write a stable key (the caller's, the replayed
 * entry's, or one derived from the logical operation, see {@link IdempotencyKeys}). The key goes upstream in the
 * vendor's header only when the write is keyed; it always names the write's intent, recorded in the store before the
 * first attempt and ended after the call, so a crash mid-call leaves a trace to recover from. Reads pass straight through.
 */
public final class IdempotencyStage implements Stage {

    private final String connector;
    private final IdempotencyConfig config;
    private final InFlightWrites inFlight;
    private final IntentRepository intents;
    private final DlqRepository entries;
    private final DeadLetters deadLetters;
    private final InstantSource clock;
    private final Vendor vendor;
    private final AtomicLong keyed = new AtomicLong();
    private final AtomicLong natural = new AtomicLong();
    private final AtomicLong plain = new AtomicLong();
    private final AtomicLong derived = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    /** Writes left in flight by a stopped process, parked as of unknown outcome when a caller sent them again. */
    private final AtomicLong leftParked = new AtomicLong();
    /** Calls the send fence stopped because their write was taken over (recovered, or sent by another call). */
    private final AtomicLong handedOver = new AtomicLong();
    /** Calls whose end could not be recorded (the store became unavailable during the call). */
    private final AtomicLong unrecorded = new AtomicLong();

    private final dev.gauntlet.mesh.dlq.DlqConfig dlq;
    private final OutcomeCheck readBack;
    private final Reader reader;

    /**
     * Many parts, because exactly-once is where they meet: the connector's idempotency, DLQ and vendor settings, the
     * writes in flight in this process, the intents and DLQ entries in the store, the DLQ to park in, and the clock.
     *
     * @param reader sends a read-back through the connector's own pipeline
     */
    public IdempotencyStage(
            String connector,
            IdempotencyConfig config,
            dev.gauntlet.mesh.dlq.DlqConfig dlq,
            Vendor vendor,
            InFlightWrites inFlight,
            IntentRepository intents,
            DlqRepository entries,
            DeadLetters deadLetters,
            InstantSource clock,
            Reader reader) {
        this.connector = connector;
        this.config = config;
        this.vendor = vendor;
        this.inFlight = inFlight;
        this.intents = intents;
        this.entries = entries;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.readBack = vendor.outcomeCheck(config.opIdField());
        this.reader = reader;
        this.dlq = dlq;
    }

    @Override
    public String name() {
        return "idempotency";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        MeshRequest req = exchange.request();
        if (!exchange.isWrite()) return next.proceed(exchange);
        WriteForm form = vendor.writeForm(req, config.enabled());
        exchange.writeForm(form);
        (switch (form) {
                    case KEYED -> keyed;
                    case NATURAL -> natural;
                    case PLAIN -> plain;
                })
                .incrementAndGet();

        String given = config.enabled() ? req.header(config.header()) : null; // the caller's own key
        String key = exchange.idempotencyKey(); // preset by Connector.replay
        if (key == null) key = given;
        if (key == null) {
            key = IdempotencyKeys.derive(connector, req);
            derived.incrementAndGet();
        }
        exchange.idempotencyKey(key);
        if (form == WriteForm.KEYED && !key.equals(given)) {
            req = req.replacingHeader(config.header(), key);
            exchange.request(req);
        }

        if (exchange.replayOf() != null)
            return send(exchange, req, key, next); // a DLQ replay: the replayer has settled what it may send
        // The same write twice at once in this process: the second is not sent (ask again once the first has ended).
        if (!inFlight.begin(key)) {
            repeated.incrementAndGet();
            return inProgress(key);
        }
        try {
            Outcome settled = sentBefore(exchange, key, form);
            if (settled != null) return settled;
            return send(exchange, req, key, next);
        } finally {
            inFlight.end(key);
        }
    }

    /**
     * Records the intent (before anything goes upstream: a store that cannot record it throws
     * {@link dev.gauntlet.mesh.store.StoreUnavailable} and nothing is sent), sends, and records how it ended.
     */
    private Outcome send(Exchange exchange, MeshRequest req, String key, Chain next) {
        // Whole milliseconds: every store keeps them exactly, so the send fence's compare-and-set on it matches.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        intents.recordIntent(new Intent(
                key,
                connector,
                req.tenant(),
                req.method(),
                req.path(),
                Secrets.strip(req.headers()),
                req.body(),
                req.contentType(),
                req.opId(),
                IntentState.in_flight,
                now,
                now));
        exchange.intent(key, now);
        Outcome outcome = next.proceed(exchange);
        if (exchange.fenced() != null) return handedOver(exchange, key, outcome);
        IntentState end = outcome.isSuccess()
                ? IntentState.succeeded
                : exchange.dlqId() != null ? IntentState.parked : IntentState.failed;
        try {
            intents.completeIntent(key, end, clock.instant());
        } catch (dev.gauntlet.mesh.store.StoreUnavailable degraded) {
            // The call is over and its answer stands; the intent stays in flight, so the same write sent again is
            // read back or parked (never resent blindly), and recovery parks it if nobody asks.
            unrecorded.incrementAndGet();
        }
        return outcome;
    }

    /**
     * The send fence stopped this call before an attempt: the write is someone else's now, so its intent is left as
     * they wrote it. A write that waits in the DLQ (recovery moved it there) is answered as that entry; otherwise
     * another send of it is in progress. A DLQ replay's failure goes back to its replayer as it is.
     */
    private Outcome handedOver(Exchange exchange, String key, Outcome fenced) {
        handedOver.incrementAndGet();
        if (exchange.replayOf() != null) return fenced;
        Optional<DlqEntry> waiting = entries.openEntry(connector, key);
        return waiting.isPresent() ? asEntry(exchange, waiting.get()) : fenced;
    }

    private static Outcome inProgress(String key) {
        return new Outcome.Failure(
                ErrorClass.server_error,
                409,
                "a send of this write (key " + key
                        + ") is in progress; it is not sent twice - ask again once it has ended",
                null,
                null);
    }

    /**
     * The same write (same key: the caller's op id, its own idempotency key, or the same body) sent again while an
     * earlier send of it is not settled - the caller's own retry, a client whose answer the proxy could not give, a
     * process restarted mid-call - is never sent twice: while it waits in the DLQ it is answered as that entry (the
     * mesh will complete it); one left in flight by a process that stopped is settled first ({@link #leftInFlight});
     * once a plain write succeeded it is read back where the vendor can and answered from the read, and not sent again
     * when the read does not find it. Null: send it.
     */
    private Outcome sentBefore(Exchange exchange, String key, WriteForm form) {
        Optional<Intent> prior = intents.intent(key);
        if (prior.isEmpty()) return null;
        switch (prior.get().state()) {
            case in_flight -> {
                return leftInFlight(exchange, key, form, prior.get());
            }
            case parked -> {
                Optional<DlqEntry> waiting = entries.openEntry(connector, key);
                if (waiting.isEmpty())
                    return null; // settled meanwhile (discarded, dead): a person or the caller decides
                return asEntry(exchange, waiting.get());
            }
            case succeeded -> {
                if (form != WriteForm.PLAIN)
                    return null; // keyed or idempotent by nature: sending it again does no harm
                MeshRequest req = exchange.request();
                WriteRef ref = new WriteRef(
                        req.tenant(),
                        req.method(),
                        req.path(),
                        req.body(),
                        req.contentType(),
                        req.opId(),
                        prior.get().createdAt());
                // Nothing to read it back by (no op id where the read looks): two identical writes the caller did not
                // name apart, sent as before.
                if (!readBack.applies(ref)) return null;
                repeated.incrementAndGet();
                if (readBack.readBack(ref, reader) instanceof ReadBack.Found found)
                    return new Outcome.Success(found.answer());
                // Committed once already, but not found (not queryable yet) or the read failed: sent again it would be
                // committed twice. The caller gets a refusal it can read (409), not a second record.
                return new Outcome.Failure(
                        ErrorClass.client_error,
                        409,
                        "this write (key " + key + ") was committed at "
                                + prior.get().updatedAt()
                                + "; its answer could not be read back now, and it is not sent twice",
                        null,
                        null);
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * An intent in flight that no call of this process is sending: a process stopped mid-call (kill -9, a crash), or
     * another process sends it. Whether the upstream committed it is unknown. A write waiting in the DLQ is answered
     * as that entry; a keyed or upsert write is sent again (the key or the upsert keeps it once); a plain write is read
     * back once the read is conclusive ({@code dlq.in_flight_for} after it was last sent) - found: answered from
     * the read; not there: sent again - and otherwise parked in the DLQ as of unknown outcome, for the replayer to read
     * back and settle. Never sent again blindly.
     */
    private Outcome leftInFlight(Exchange exchange, String key, WriteForm form, Intent intent) {
        Optional<DlqEntry> waiting = entries.openEntry(connector, key);
        if (waiting.isPresent()) return asEntry(exchange, waiting.get());
        if (form != WriteForm.PLAIN) return null;
        repeated.incrementAndGet();
        MeshRequest req = exchange.request();
        WriteRef ref = new WriteRef(
                req.tenant(), req.method(), req.path(), req.body(), req.contentType(), req.opId(), intent.createdAt());
        Instant now = clock.instant();
        boolean conclusive = !now.isBefore(intent.updatedAt().plus(dlq.settleAfter(ErrorClass.timeout)));
        String why = "in flight when the mesh stopped (since " + intent.updatedAt()
                + "); whether the upstream committed it is unknown";
        if (readBack.applies(ref) && conclusive) {
            switch (readBack.readBack(ref, reader)) {
                case ReadBack.Found found -> {
                    intents.completeIntent(key, IntentState.succeeded, clock.instant());
                    return new Outcome.Success(found.answer());
                }
                case ReadBack.Missing missing -> {
                    return null; // not committed, and too long ago to land now: send it
                }
                case ReadBack.Unknown unknown -> why = why + "; the read-back could not tell: " + unknown.why();
            }
        }
        Outcome.Failure parked = new Outcome.Failure(ErrorClass.timeout, 0, why, null, null);
        String id = deadLetters.park(connector, dlq, exchange, parked, true);
        exchange.deadLettered(id, true);
        intents.completeIntent(key, IntentState.parked, clock.instant());
        leftParked.incrementAndGet();
        return new Outcome.Failure(
                ErrorClass.timeout, 0, why + "; parked as " + id + " to be read back, not sent again", null, null);
    }

    /** The same write already waits in the DLQ: answered as that entry (the mesh will complete it). */
    private Outcome asEntry(Exchange exchange, DlqEntry e) {
        repeated.incrementAndGet();
        exchange.deadLettered(e.id(), e.unknownOutcome());
        return new Outcome.Failure(
                e.errorClass() == null ? ErrorClass.server_error : e.errorClass(),
                0,
                "this write already waits in the DLQ as " + e.id()
                        + "; the mesh will complete it, so it is not sent again",
                null,
                null);
    }

    @Override
    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("enabled", config.enabled());
        s.put("header", config.header());
        s.put("keyed_writes", keyed.get());
        s.put("natural_writes", natural.get());
        s.put("plain_writes", plain.get());
        s.put("derived_keys", derived.get());
        s.put("repeated_writes", repeated.get());
        s.put("left_in_flight_parked", leftParked.get());
        s.put("ends_unrecorded", unrecorded.get());
        s.put("handed_over", handedOver.get());
        return s;
    }
}
