package dev.gauntlet.mesh.internal.transport;

import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Stage;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.internal.transport.LatencyWindow;
import dev.gauntlet.mesh.vendor.WriteForm;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.classify.Classifier;
import dev.gauntlet.mesh.call.ErrorClass;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.InstantSource;
import java.util.function.Function;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;

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
    private final int maxInFlight;
    private final HttpClient http;
    private final InstantSource clock;
    private final Classifier classifier;
    /**
     * The bulkhead: an open-model load against a slow upstream would otherwise put every waiting call on a connection
     * of its own - hundreds of sockets opened at once, each costing CPU the answers need - and slow everything down
     * further. Attempts beyond it wait for a slot, never past the call's deadline.
     */
    private final java.util.concurrent.Semaphore inFlight;
    /** Calls waiting for a lane now; at most as many as there are lanes. */
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    /** The upstream's recent answer times, for adaptive timeouts and hedging. */
    private final LatencyWindow latency;

    /**
     * @param resolve     the connector's base URL joined with a request's path
     * @param headers     the connector's own headers, sent on every attempt
     * @param maxInFlight the connector's {@code limit.max_in_flight}: the bulkhead's lanes
     * @param classifier  the vendor's rules with the connector's overrides
     * @param http        the mesh's one HTTP client
     */
    public TransportStage(String connector, Function<String, URI> resolve, Map<String, String> headers, Timeouts timeouts,
                          int maxInFlight, Classifier classifier, HttpClient http, InstantSource clock) {
        this.connector = connector;
        this.resolve = resolve;
        this.headers = headers;
        this.timeouts = timeouts;
        this.maxInFlight = maxInFlight;
        this.classifier = classifier;
        this.http = http;
        this.clock = clock;
        this.inFlight = new java.util.concurrent.Semaphore(maxInFlight);
        this.latency = new LatencyWindow(clock);
    }

    @Override
    public String name() {
        return "transport";
    }

    @Override
    public Outcome handle(Exchange exchange, Chain next) {
        MeshRequest req = exchange.request();
        java.time.Duration timeout = attemptTimeout(exchange);
        if (exchange.deadline() != null) {
            // An attempt never outlives the logical call's budget.
            java.time.Duration left = java.time.Duration.between(clock.instant(), exchange.deadline());
            if (left.isNegative() || left.isZero()) {
                return Outcome.Failure.of(ErrorClass.timeout, "the call's time budget ran out before this attempt");
            }
            if (left.compareTo(timeout) < 0) timeout = left;
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(resolve.apply(req.path())).timeout(timeout);
        headers.forEach(b::header);
        req.headers().forEach(b::header);
        if (req.contentType() != null) b.header("Content-Type", req.contentType());
        b.method(req.method(), req.body().length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(req.body()));
        if (!inFlight.tryAcquire()) {
            // The wait queue is bounded: past as many waiters as there are lanes a call is refused at once. An unbounded
            // queue behind a slow upstream only grows (an open-model load keeps arriving), every waiter times out in the
            // end, and each timed-out waiter makes the lock clean its queue - under overload that cleaning took a
            // tenth of the runner's CPU (JFR: AbstractQueuedSynchronizer.cleanQueue).
            if (waiting.incrementAndGet() > WAITERS_PER_LANE * maxInFlight) {
                waiting.decrementAndGet();
                return Outcome.Failure.of(ErrorClass.rate_limit, "throttled by the mesh: all " + maxInFlight
                        + " connections of " + connector + " are busy and " + WAITERS_PER_LANE * maxInFlight + " calls already wait for one");
            }
            try {
                // Waiting for a slot is the mesh's own throttling (like waiting for a token): nothing was sent.
                if (!inFlight.tryAcquire(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    return Outcome.Failure.of(ErrorClass.rate_limit, "throttled by the mesh: all " + maxInFlight
                            + " connections of " + connector + " stayed busy for " + timeout.toMillis() + " ms");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Outcome.Failure.of(ErrorClass.timeout, "interrupted while waiting for a free connection");
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return send(exchange, b.build());
        } finally {
            inFlight.release();
        }
    }

    /**
     * How many calls may wait per lane of the bulkhead before one is refused at once. One per lane refused ~1 % of a mild
     * run's calls during its first seconds, when the JIT makes every answer slow: 110 calls a second that take 1-4 s each
     * need up to ~400 places, not 64. Eight per lane hold a cold start and still bound the queue under overload.
     */
    static final int WAITERS_PER_LANE = 8;

    /** Reads so far and hedges sent: hedging stays within {@link #HEDGE_SHARE} of reads (plus a few to start). */
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong hedges = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong hedgesWon = new java.util.concurrent.atomic.AtomicLong();
    static final double HEDGE_SHARE = 0.1;
    private static final boolean[] NOT_HEDGED = new boolean[1];

    /**
     * One answer for a read, hedged: when the first request has not answered within {@code hedgeAfter}, a second
     * identical one goes out and whichever answers first wins ("The Tail at Scale"); the other is cancelled. A slow
     * answer is then no slower than the hedge delay plus a normal one. Only reads: a write's second copy would meet
     * the first in the upstream's idempotency slot. Bounded by a share of reads and by the bulkhead's free lanes.
     */
    private HttpResponse<byte[]> sendHedged(HttpRequest request, java.time.Duration after, boolean[] hedged)
            throws IOException, InterruptedException {
        long n = reads.incrementAndGet();
        var first = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
        try {
            return first.get(after.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException slow) {
            if (hedges.get() + 1 > n * HEDGE_SHARE + 5 || !inFlight.tryAcquire()) return await(first);
            hedges.incrementAndGet();
            hedged[0] = true;
            try {
                var second = http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
                var winner = new java.util.concurrent.CompletableFuture<HttpResponse<byte[]>>();
                var failures = new java.util.concurrent.atomic.AtomicInteger();
                java.util.function.BiConsumer<HttpResponse<byte[]>, Throwable> settle = (r, t) -> {
                    if (t == null) winner.complete(r);
                    else if (failures.incrementAndGet() == 2) winner.completeExceptionally(t);
                };
                first.whenComplete(settle);
                second.whenComplete(settle);
                try {
                    HttpResponse<byte[]> r = await(winner);
                    if (second.isDone() && !second.isCompletedExceptionally() && second.getNow(null) == r) hedgesWon.incrementAndGet();
                    return r;
                } finally {
                    first.cancel(true);
                    second.cancel(true);
                }
            } finally {
                inFlight.release();
            }
        } catch (java.util.concurrent.ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static HttpResponse<byte[]> await(java.util.concurrent.CompletableFuture<HttpResponse<byte[]>> f)
            throws IOException, InterruptedException {
        try {
            return f.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw unwrap(e);
        }
    }

    private static IOException unwrap(java.util.concurrent.ExecutionException e) {
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
    private java.time.Duration attemptTimeout(Exchange exchange) {
        Timeouts t = timeouts;
        if (!t.adaptive() || exchange.isWrite() && exchange.writeForm() == WriteForm.PLAIN) return t.attempt();
        long p99 = latency.p99Millis();
        if (p99 < 0) return t.attempt();
        long ms = Math.max(t.attemptFloor().toMillis(), Math.min(t.attempt().toMillis(), 4 * p99));
        return java.time.Duration.ofMillis(ms);
    }

    /** When a read is hedged: {@code timeouts.hedge_after}, or with {@code timeouts.adaptive} the upstream's recent p95; null: never. */
    private java.time.Duration hedgeAfter() {
        Timeouts t = timeouts;
        if (t.hedgeAfter() != null || !t.adaptive()) return t.hedgeAfter();
        long p95 = latency.p95Millis();
        // An upstream answering in a millisecond or two is not worth a second request: hedging its noise only adds load.
        return p95 < 0 ? null : java.time.Duration.ofMillis(Math.max(5, p95));
    }

    @Override
    public Map<String, Object> status() {
        var s = new java.util.LinkedHashMap<String, Object>();
        s.put("p95_ms", latency.p95Millis());
        s.put("p99_ms", latency.p99Millis());
        s.put("attempt_timeout_ms", timeouts.adaptive() && latency.p99Millis() >= 0
                ? Math.max(timeouts.attemptFloor().toMillis(), Math.min(timeouts.attempt().toMillis(), 4 * latency.p99Millis()))
                : timeouts.attempt().toMillis());
        java.time.Duration hedge = hedgeAfter();
        if (hedge != null) {
            s.put("hedge_after_ms", hedge.toMillis());
            s.put("reads", reads.get());
            s.put("hedges", hedges.get());
            s.put("hedges_won", hedgesWon.get());
        }
        return s;
    }

    private Outcome send(Exchange exchange, HttpRequest request) {
        Instant at = clock.instant();
        long start = System.nanoTime();
        int number = Math.max(1, exchange.attemptNumber());
        java.time.Duration hedgeAfter = hedgeAfter();
        boolean hedging = hedgeAfter != null && !exchange.isWrite();
        // A flag the hedged send sets; unhedged calls share one that is never written (no allocation per call).
        boolean[] hedged = hedging ? new boolean[1] : NOT_HEDGED;
        try {
            HttpResponse<byte[]> r = hedging ? sendHedged(request, hedgeAfter, hedged)
                    : http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            MeshResponse response = new MeshResponse(r.statusCode(), r.headers().map(), r.body(), null, null, false);
            Classifier.Verdict v = classifier.judge(response, clock.instant());
            String message = v.isSuccess() ? (hedged[0] ? "hedged" : null)
                    : "HTTP " + r.statusCode() + (v.rule() == null ? "" : " (" + v.rule() + ")") + (hedged[0] ? ", hedged" : "");
            long micros = (System.nanoTime() - start) / 1_000;
            latency.record(micros);
            exchange.record(new Attempt(number, at, micros / 1_000, r.statusCode(), v.errorClass(), message));
            if (v.isSuccess()) return new Outcome.Success(response);
            return new Outcome.Failure(v.errorClass(), r.statusCode(), message, v.retryAfter(), response);
        } catch (IOException e) {
            ErrorClass failure = classifier.classify(e);
            String message = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
            exchange.record(new Attempt(number, at, (System.nanoTime() - start) / 1_000_000, 0, failure, message));
            return new Outcome.Failure(failure, 0, message, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.record(new Attempt(number, at, (System.nanoTime() - start) / 1_000_000, 0, ErrorClass.timeout, "interrupted"));
            return Outcome.Failure.of(ErrorClass.timeout, "interrupted");
        }
    }
}
