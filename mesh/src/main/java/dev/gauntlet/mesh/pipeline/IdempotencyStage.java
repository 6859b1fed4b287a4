package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.MeshRequest;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.dlq.Secrets;
import dev.gauntlet.mesh.vendor.Vendor;
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

    public IdempotencyStage(ConnectorSpec spec, MeshContext context) {
        this.connector = spec.id();
        this.config = spec.idempotency();
        this.vendor = spec.vendor();
        this.context = context;
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

        Instant now = context.clock().instant();
        context.store().recordIntent(new Intent(key, connector, req.tenant(), req.method(), req.path(), Secrets.strip(req.headers()),
                req.body(), req.contentType(), req.opId(), IntentState.in_flight, now, now));
        Outcome outcome = next.proceed(exchange);
        IntentState end = outcome.isSuccess() ? IntentState.succeeded : exchange.dlqId() != null ? IntentState.parked : IntentState.failed;
        context.store().completeIntent(key, end, context.clock().instant());
        return outcome;
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
        return s;
    }
}
