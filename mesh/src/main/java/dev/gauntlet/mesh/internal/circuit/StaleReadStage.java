package dev.gauntlet.mesh.internal.circuit;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * With {@code stale_reads} on, a read the mesh gave up on because the upstream is unavailable - its breaker open, a
 * wait longer than the connector allows ({@code retry.max_wait}), 5xx, broken connections, timeouts - is answered
 * from its last good answer, marked stale ({@code X-Gauntlet-Stale} through the proxy; {@code MeshResponse.stale()}),
 * the way a cache serves stale-if-error (RFC 5861). A refusal that concerns the request itself (4xx, refused
 * credentials) is never hidden behind an old answer, nor is a read-back of a write ({@link Exchange#isReadBack}). Above
 * the retry stage: the retries come first.
 */
public final class StaleReadStage implements Stage {

    /** Last good answers kept per connector (LRU): enough for the reads a workflow repeats, bounded in memory. */
    public static final int STALE_ENTRIES = 1_000;

    /** Failures that say the upstream could not answer now, not that the request is wrong. */
    private static final Set<ErrorClass> UNAVAILABLE = EnumSet.of(
            ErrorClass.circuit_open,
            ErrorClass.rate_limit,
            ErrorClass.server_error,
            ErrorClass.network_error,
            ErrorClass.timeout);

    private final boolean on;
    private final StaleResponses stale;
    private final LongAdder staleAnswers = new LongAdder();

    /** @param on the connector's {@code stale_reads} */
    public StaleReadStage(boolean on) {
        this.on = on;
        this.stale = on ? new StaleResponses(STALE_ENTRIES) : null;
    }

    @Override
    public String name() {
        return "stale-reads";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        // A read-back asks whether a write was committed: an answer from before the commit would say "not there", and
        // the write would be sent twice (hell's duplicate). Neither answered stale nor remembered (its URL is unique).
        if (!on || exchange.isWrite() || exchange.isReadBack()) return next.proceed(exchange);
        MeshRequest request = exchange.request();
        String key = key(request);
        Outcome outcome = next.proceed(exchange);
        switch (outcome) {
            case Outcome.Success s
            when s.response().status() < 300 && !s.response().stale() ->
                stale.remember(request.tenant(), key, s.response());
            case Outcome.Failure f
            when UNAVAILABLE.contains(f.errorClass()) -> {
                MeshResponse last = stale.last(request.tenant(), key);
                if (last != null) {
                    staleAnswers.increment();
                    return new Outcome.Success(last.asStale());
                }
            }
            default -> {}
        }
        return outcome;
    }

    /** A read's identity: its path, and for a read sent as a POST (MongoDB's find) its body too. */
    private static String key(MeshRequest r) {
        if (r.method().equals("GET")) return r.path();
        return r.method() + " " + r.path() + " " + Arrays.hashCode(r.body()) + ":" + r.body().length;
    }

    @Override
    public Map<String, Object> status() {
        if (!on) return Map.of();
        var s = new LinkedHashMap<String, Object>();
        s.put("stale_answers", staleAnswers.sum());
        s.put("stale_entries", stale.size());
        return s;
    }
}
