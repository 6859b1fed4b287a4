package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.MeshRequest;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.Secrets;
import dev.gauntlet.mesh.classify.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.vendor.OutcomeCheck;
import dev.gauntlet.mesh.vendor.ReadBack;
import dev.gauntlet.mesh.vendor.Reader;
import dev.gauntlet.mesh.vendor.Vendor;
import dev.gauntlet.mesh.vendor.WriteRef;
import java.util.Optional;
import dev.gauntlet.mesh.vendor.WriteForm;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
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
    private final MeshContext context;
    private final Vendor vendor;
    private final AtomicLong keyed = new AtomicLong();
    private final AtomicLong natural = new AtomicLong();
    private final AtomicLong plain = new AtomicLong();
    private final AtomicLong derived = new AtomicLong();
    private final AtomicLong repeated = new AtomicLong();
    private final OutcomeCheck readBack;
    private final Reader reader;

    /** @param reader sends a read-back through the connector's own pipeline */
    public IdempotencyStage(ConnectorSpec spec, MeshContext context, Reader reader) {
        this.connector = spec.id();
        this.config = spec.idempotency();
        this.vendor = spec.vendor();
        this.context = context;
        this.readBack = vendor.outcomeCheck(config.opIdField());
        this.reader = reader;
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
        }).incrementAndGet();

        String given = config.enabled() ? req.header(config.header()) : null;  // the caller's own key
        String key = exchange.idempotencyKey();                                  // preset by Connector.replay
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

        if (exchange.replayOf() == null) {
            Outcome settled = sentBefore(exchange, key, form);
            if (settled != null) return settled;
        }

        Instant now = context.clock().instant();
        context.store().recordIntent(new Intent(key, connector, req.tenant(), req.method(), req.path(), Secrets.strip(req.headers()),
                req.body(), req.contentType(), req.opId(), IntentState.in_flight, now, now));
        Outcome outcome = next.proceed(exchange);
        IntentState end = outcome.isSuccess() ? IntentState.succeeded : exchange.dlqId() != null ? IntentState.parked : IntentState.failed;
        context.store().completeIntent(key, end, context.clock().instant());
        return outcome;
    }

    /**
     * The same write (same key: the caller's op id, its own idempotency key, or the same body) sent again while an
     * earlier send of it is not settled - the caller's own retry, a client whose answer the proxy could not give, a
     * process restarted mid-call - is never sent twice: while one is in flight the second is refused (try again
     * later); while it waits in the DLQ it is answered as that entry (the mesh will complete it); once a plain write
     * succeeded it is read back where the vendor can, and answered from the read when found. Null: send it.
     */
    private Outcome sentBefore(Exchange exchange, String key, WriteForm form) {
        Optional<Intent> prior = context.store().intent(key);
        if (prior.isEmpty()) return null;
        switch (prior.get().state()) {
            case in_flight -> {
                repeated.incrementAndGet();
                return new Outcome.Failure(ErrorClass.server_error, 409, "a send of this write (key " + key
                        + ") is in progress; it is not sent twice - ask again once it has ended", null, null);
            }
            case parked -> {
                Optional<DlqEntry> waiting = context.store().openEntry(connector, key);
                if (waiting.isEmpty()) return null; // settled meanwhile (discarded, dead): a person or the caller decides
                repeated.incrementAndGet();
                DlqEntry e = waiting.get();
                exchange.deadLettered(e.id(), e.unknownOutcome());
                return new Outcome.Failure(e.errorClass() == null ? ErrorClass.server_error : e.errorClass(), 0,
                        "this write already waits in the DLQ as " + e.id() + "; the mesh will complete it, so it is not sent again", null, null);
            }
            case succeeded -> {
                if (form != WriteForm.PLAIN) return null; // keyed or idempotent by nature: sending it again does no harm
                MeshRequest req = exchange.request();
                WriteRef ref = new WriteRef(req.tenant(), req.method(), req.path(), req.body(), req.contentType(), req.opId(), prior.get().createdAt());
                if (!readBack.applies(ref)) return null;
                if (readBack.readBack(ref, reader) instanceof ReadBack.Found found) {
                    repeated.incrementAndGet();
                    return new Outcome.Success(found.answer());
                }
                return null;
            }
            default -> {
                return null;
            }
        }
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
        return s;
    }
}
