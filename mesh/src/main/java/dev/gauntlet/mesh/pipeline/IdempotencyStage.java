package dev.gauntlet.mesh.pipeline;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.MeshRequest;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyKeys;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.dlq.Secrets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives every write a stable key (the caller's, the replayed entry's, or one derived from the logical operation, see
 * {@link IdempotencyKeys}), sends it in the vendor's header on every attempt, and records the intent in the store
 * before the first attempt and its end after the call. Reads pass straight through.
 */
public final class IdempotencyStage implements Stage {

    private final String connector;
    private final IdempotencyConfig config;
    private final MeshContext context;
    private final AtomicLong keyed = new AtomicLong();
    private final AtomicLong derived = new AtomicLong();

    public IdempotencyStage(ConnectorSpec spec, MeshContext context) {
        this.connector = spec.id();
        this.config = spec.idempotency();
        this.context = context;
    }

    @Override
    public String name() {
        return "idempotency";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        MeshRequest req = exchange.request();
        // Without a key, the retry stage parks ambiguous failures of this write as unknown outcome.
        if (!exchange.isWrite() || !config.enabled()) return next.proceed(exchange);

        String given = req.header(config.header());  // the caller's own
        String key = exchange.idempotencyKey();      // preset by Connector.replay
        if (key == null) key = given;
        if (key == null) {
            key = IdempotencyKeys.derive(connector, req);
            derived.incrementAndGet();
        }
        keyed.incrementAndGet();
        exchange.idempotencyKey(key);
        if (!key.equals(given)) {
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
        s.put("derived_keys", derived.get());
        return s;
    }
}
