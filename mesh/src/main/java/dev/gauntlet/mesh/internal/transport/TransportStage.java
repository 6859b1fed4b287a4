package dev.gauntlet.mesh.internal.transport;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.Classifier;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The last stage: one HTTP attempt with the mesh's shared JDK HttpClient and the attempt timeout, classified.
 * Socket failures become network_error, timeouts timeout, answers are classified by the flavour's rules with the
 * wait they ask for (Retry-After, reset headers); the attempt is recorded on the exchange.
 */
public final class TransportStage implements Stage {

    private final String connector;
    private final Function<String, URI> resolve;
    private final Map<String, String> headers;
    private final Timeouts timeouts;
    private final HttpClient http;
    private final dev.gauntlet.mesh.time.TimeSource clock;
    private final Classifier classifier;
    /** The connector's lanes: the bulkhead above takes one per attempt; a hedge's second request takes another. */
    private final Lanes lanes;
    /** The upstream's recent answer times, for adaptive timeouts and hedging. */
    private final LatencyWindow latency;

    /**
     * @param resolve     the connector's base URL joined with a request's path
     * @param headers     the connector's own headers, sent on every attempt
     * @param lanes       the connector's {@code limit.max_in_flight} lanes, shared with the {@link BulkheadStage} above
     * @param classifier  the vendor's rules with the connector's overrides
     * @param http        the mesh's one HTTP client
     */
    public TransportStage(
            String connector,
            Function<String, URI> resolve,
            Map<String, String> headers,
            Timeouts timeouts,
            Lanes lanes,
            Classifier classifier,
            HttpClient http,
            dev.gauntlet.mesh.time.TimeSource clock) {
        this.connector = connector;
        this.resolve = resolve;
        this.headers = headers;
        this.timeouts = timeouts;
        this.lanes = lanes;
        this.classifier = classifier;
        this.http = http;
        this.clock = clock;
        this.latency = new LatencyWindow(clock);
    }

    @Override
    public String name() {
        return "transport";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        MeshRequest req = exchange.request();
        Duration timeout = attemptBudget(exchange);
        if (timeout == null) return budgetSpent();
        HttpRequest.Builder b =
                HttpRequest.newBuilder(resolve.apply(req.path())).timeout(timeout);
        headers.forEach(b::header);
        req.headers().forEach(b::header);
        if (req.contentType() != null) b.header("Content-Type", req.contentType());
        b.method(
                req.method(),
                req.body().length == 0
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(req.body()));
        return send(exchange, b.build());
    }

    /** The lanes this transport's hedges share with the bulkhead above it. */
    public Lanes lanes() {
        return lanes;
    }

    /** This attempt's time limit capped by what is left of the call's budget (an attempt never outlives it); null: none left. */
    Duration attemptBudget(Exchange exchange) {
        Duration timeout = attemptTimeout(exchange);
        if (exchange.deadline() != null) {
            Duration left = Duration.between(clock.instant(), exchange.deadline());
            if (left.isNegative() || left.isZero()) return null;
            if (left.compareTo(timeout) < 0) timeout = left;
        }
        return timeout;
    }

    static Outcome.Failure budgetSpent() {
        return Outcome.Failure.of(ErrorClass.timeout, "the call's time budget ran out before this attempt");
    }

    /** Reads so far and hedges sent: hedging stays within {@link #HEDGE_SHARE} of reads (plus a few to start). */
    private final AtomicLong reads = new AtomicLong();

    private final AtomicLong hedges = new AtomicLong();
    private final AtomicLong hedgesWon = new AtomicLong();
    /** Hedges not sent because the rate-limit bucket had no token to spare. */
    private final AtomicLong hedgesUnbudgeted = new AtomicLong();

    static final double HEDGE_SHARE = 0.1;
    private static final boolean[] NOT_HEDGED = new boolean[1];

    /**
     * One answer for a read, hedged: when the first request has not answered within {@code hedgeAfter}, a second
     * identical one goes out and whichever answers first wins ("The Tail at Scale"); the other is cancelled. A slow
     * answer is then no slower than the hedge delay plus a normal one. Only reads: a write's second copy would meet
     * the first in the upstream's idempotency slot. Bounded by a share of reads, by the bulkhead's free lanes and by
     * the rate-limit bucket (a token taken without waiting: the upstream counts the second request too - untaken, a
     * limit of a few calls a second learned to the call was overrun by hedges under storm's slow answers).
     */
    private HttpResponse<byte[]> sendHedged(HttpRequest request, Duration after, boolean[] hedged, Exchange exchange)
            throws IOException, InterruptedException {
        long n = reads.incrementAndGet();
        var first = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return clock.await(first, after);
        } catch (TimeoutException slow) {
            if (hedges.get() + 1 > n * HEDGE_SHARE + 5 || !lanes.tryAcquire()) return await(first);
            if (!exchange.spareRequest()) {
                lanes.release();
                hedgesUnbudgeted.incrementAndGet();
                return await(first);
            }
            hedges.incrementAndGet();
            hedged[0] = true;
            try {
                var second = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
                var winner = new CompletableFuture<HttpResponse<byte[]>>();
                var failures = new AtomicInteger();
                BiConsumer<HttpResponse<byte[]>, Throwable> settle = (r, t) -> {
                    if (t == null) winner.complete(r);
                    else if (failures.incrementAndGet() == 2) winner.completeExceptionally(t);
                };
                first.whenComplete(settle);
                second.whenComplete(settle);
                try {
                    HttpResponse<byte[]> r = await(winner);
                    if (second.isDone() && !second.isCompletedExceptionally() && second.getNow(null) == r)
                        hedgesWon.incrementAndGet();
                    return r;
                } finally {
                    first.cancel(true);
                    second.cancel(true);
                }
            } finally {
                lanes.release();
            }
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static HttpResponse<byte[]> await(CompletableFuture<HttpResponse<byte[]>> f)
            throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static IOException unwrap(ExecutionException e) {
        Throwable c = e.getCause();
        if (c instanceof IOException io) return io;
        return new IOException(c == null ? e.toString() : c.toString(), c);
    }

    /**
     * One attempt's time limit: the connector's {@code timeouts.attempt}; with {@code timeouts.adaptive}, four times
     * the upstream's recent p99 answer time within [attempt_floor, attempt] for attempts that are safe to cut and send
     * again (reads, keyed and naturally idempotent writes) - a hang then costs a few multiples of the upstream's normal,
     * not seconds. A plain write keeps the full limit: cut early, it would become a write of unknown outcome.
     */
    private Duration attemptTimeout(Exchange exchange) {
        Timeouts t = timeouts;
        if (!t.adaptive() || exchange.isWrite() && exchange.writeForm() == WriteForm.PLAIN) return t.attempt();
        long p99 = latency.p99Millis();
        if (p99 < 0) return t.attempt();
        long ms = Math.max(t.attemptFloor().toMillis(), Math.min(t.attempt().toMillis(), 4 * p99));
        return Duration.ofMillis(ms);
    }

    /** When a read is hedged: {@code timeouts.hedge_after}, or with {@code timeouts.adaptive} the upstream's recent p95; null: never. */
    private Duration hedgeAfter() {
        Timeouts t = timeouts;
        if (t.hedgeAfter() != null || !t.adaptive()) return t.hedgeAfter();
        long p95 = latency.p95Millis();
        // An upstream answering in a millisecond or two is not worth a second request: hedging its noise only adds
        // load.
        return p95 < 0 ? null : Duration.ofMillis(Math.max(5, p95));
    }

    @Override
    public Map<String, Object> status() {
        var s = new LinkedHashMap<String, Object>();
        s.put("p95_ms", latency.p95Millis());
        s.put("p99_ms", latency.p99Millis());
        s.put(
                "attempt_timeout_ms",
                timeouts.adaptive() && latency.p99Millis() >= 0
                        ? Math.max(
                                timeouts.attemptFloor().toMillis(),
                                Math.min(timeouts.attempt().toMillis(), 4 * latency.p99Millis()))
                        : timeouts.attempt().toMillis());
        Duration hedge = hedgeAfter();
        if (hedge != null) {
            s.put("hedge_after_ms", hedge.toMillis());
            s.put("reads", reads.get());
            s.put("hedges", hedges.get());
            s.put("hedges_won", hedgesWon.get());
            s.put("hedges_without_token", hedgesUnbudgeted.get());
        }
        return s;
    }

    private Outcome send(Exchange exchange, HttpRequest request) {
        Instant at = clock.instant();
        long start = clock.nanoTime();
        int number = Math.max(1, exchange.attemptNumber());
        Duration hedgeAfter = hedgeAfter();
        boolean hedging = hedgeAfter != null && !exchange.isWrite();
        // A flag the hedged send sets; unhedged calls share one that is never written (no allocation per call).
        boolean[] hedged = hedging ? new boolean[1] : NOT_HEDGED;
        try {
            HttpResponse<byte[]> r = hedging
                    ? sendHedged(request, hedgeAfter, hedged, exchange)
                    : http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            MeshResponse response = new MeshResponse(r.statusCode(), r.headers().map(), r.body(), null, null, false);
            Classifier.Verdict v = classifier.judge(response, clock.instant());
            String message = v.isSuccess()
                    ? (hedged[0] ? "hedged" : null)
                    : "HTTP " + r.statusCode() + (v.rule() == null ? "" : " (" + v.rule() + ")")
                            + (hedged[0] ? ", hedged" : "");
            long micros = (clock.nanoTime() - start) / 1_000;
            latency.record(micros);
            exchange.record(new Attempt(number, at, micros / 1_000, r.statusCode(), v.errorClass(), message));
            if (v.isSuccess()) return new Outcome.Success(response);
            return new Outcome.Failure(v.errorClass(), r.statusCode(), message, v.retryAfter(), response);
        } catch (IOException e) {
            ErrorClass failure = classifier.classify(e);
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            exchange.record(new Attempt(number, at, (clock.nanoTime() - start) / 1_000_000, 0, failure, message));
            return new Outcome.Failure(failure, 0, message, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.record(new Attempt(
                    number, at, (clock.nanoTime() - start) / 1_000_000, 0, ErrorClass.timeout, "interrupted"));
            return Outcome.Failure.of(ErrorClass.timeout, "interrupted");
        }
    }
}
