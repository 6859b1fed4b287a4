package dev.gauntlet.farm.runtime;

import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.chaos.ChaosLevel;
import dev.gauntlet.farm.chaos.Fault;
import dev.gauntlet.farm.chaos.FaultType;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.http.RequestInput;
import dev.gauntlet.farm.http.SocketFaults;
import dev.gauntlet.farm.idempotency.IdempotencyFingerprint;
import dev.gauntlet.farm.idempotency.IdempotencyStore;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.limit.SecondaryLimiter;
import dev.gauntlet.farm.spec.AuthSpec;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Vendor;
import io.javalin.http.Context;
import java.time.Duration;

/**
 * What happens to every request a service receives, in this order:
 * route → body limit → credentials → chaos decision (socket faults before the request end here) → rate limit →
 * secondary limits → (injected HTTP fault | idempotency → (injected 500 the vendor saves under the key | handler)) →
 * latency → answer or socket fault after the commit.
 * Flavours only shape the answers; this class is the one place the order is written down.
 */
public final class ServicePipeline {

    private static final byte[] NO_BODY = new byte[0];
    /** The request attribute holding its secondary-limit permit until the answer is written. */
    private static final String HELD = "gauntlet.secondary-limit-permit";

    private final Farm farm;
    /**
     * How long after its arrival a write may still begin executing; later, it is refused (503, fault type
     * {@code overloaded}) and nothing is committed. Hell's longest processing (its latency cap, 5 s, of which a slow
     * fault spends up to 3 s before the handler) fits well inside the default 8 s; a farm starved of CPU would
     * otherwise commit writes long after their client stopped waiting, and a read-back in between would miss them
     * ({@code dlq.in_flight_for}, 10 s for the built-in connectors, is this bound plus a margin).
     */
    private final long deadlineNanos;

    public ServicePipeline(Farm farm, Duration processingDeadline) {
        this.farm = farm;
        this.deadlineNanos = processingDeadline.toNanos();
    }

    /**
     * @param ownPort whether the request came in on the service's own port (its URLs then have no base path)
     */
    public void handle(Context ctx, ServiceRuntime svc, String path, boolean ownPort) {
        try {
            serve(ctx, svc, path, ownPort);
        } catch (BadInput e) {
            // The request itself could not be read (a malformed %-escape in its path or query, an unknown charset, a
            // body cut off mid-transfer): the vendor's 400, as for any other bad input.
            svc.vendor().error(FarmError.badInput(e.field(), e.getMessage())).writeTo(ctx);
        } catch (RequestInput.TooLarge e) {
            tooLarge(svc, -1).writeTo(ctx);
        } finally {
            // A request holds its places in the vendor's concurrency limits until its answer is written (or it failed).
            SecondaryLimiter.Permit held = ctx.attribute(HELD);
            if (held != null) held.release();
        }
    }

    private void serve(Context ctx, ServiceRuntime svc, String path, boolean ownPort) {
        Vendor vendor = svc.vendor();
        // HEAD is GET without a body (RFC 9110); Jetty drops the body, the route is the GET one.
        String method =
                ctx.method().name().equals("HEAD") ? "GET" : ctx.method().name();
        RouteTable.Match match = svc.routes().match(method, path);
        if (match == null) {
            unknownRoute(svc, method, path).writeTo(ctx);
            return;
        }
        svc.countRequest();
        Route route = match.route();

        long declared = ctx.req().getContentLengthLong();
        if (declared > svc.spec().maxBodyBytes()) {
            // Read the refused body before answering: a client still sending it would otherwise meet a closed
            // connection instead of the 413 (seen as "header parser received no bytes" from the JDK client).
            dev.gauntlet.http.UnreadBody.drain(ctx.req(), RequestInput.DRAIN_LIMIT);
            tooLarge(svc, declared).writeTo(ctx);
            return;
        }
        // Most requests (GETs) have no body: skip reading one when neither a length nor chunking announces it.
        byte[] body = declared <= 0 && ctx.header("Transfer-Encoding") == null ? NO_BODY : RequestInput.body(ctx);
        if (body.length > svc.spec().maxBodyBytes()) {
            tooLarge(svc, body.length).writeTo(ctx);
            return;
        }
        FarmRequest request = RequestInput.of(ctx, method, path, body);
        request.pathParams(match.params());
        request.serviceUrl(() -> FarmRequest.origin(
                        ctx.header("Host"),
                        ctx.header("X-Forwarded-Proto"),
                        ctx.req().getLocalAddr() + ":" + ctx.port())
                + (ownPort ? "" : svc.spec().basePath()));

        Auth auth = route.authenticated() ? authenticate(svc, request) : Auth.ANONYMOUS;
        if (auth.error() != null) {
            vendor.error(auth.error()).writeTo(ctx);
            return;
        }

        long ordinal = svc.nextOrdinal(auth.client());
        ChaosLevel level = farm.chaos().levelFor(svc.id());
        // A fault scripted for this very request (POST /admin/faults/script) comes before the dial's draw.
        Fault scripted = farm.script().take(svc.id(), method, path);
        Fault fault = usable(
                scripted != null
                        ? scripted
                        : farm.planner().decide(svc.id(), auth.client(), ordinal, level, svc.profile()),
                route,
                auth);
        if (scripted == null) fault = lockTimeoutOrNot(vendor, svc.id(), auth.client(), ordinal, fault);
        if (fault.strikesBefore()) {
            logFault(svc, auth, ordinal, fault, method, path);
            strike(ctx, fault, null);
            return;
        }

        String key = keyOf(svc, route, request);
        // A 500 is the endpoint's own failure, so it happens inside execution: where the vendor saves such errors under
        // the key (Stripe), it strikes behind the idempotency step. 502/503/504 come from in front of the endpoint
        // (gateway, overload, timeout) and strike before the key is looked at, as every other HTTP fault does.
        Reply executionError = key != null && fault.is(FaultType.server_error) && fault.status() == 500
                ? vendor.savedExecutionError(FarmError.server(500))
                : null;

        // The vendor's own limit is checked first, as real APIs do: a client over its limit gets the 429 and no
        // injected HTTP fault (only a network fault can still break the 429 on its way back). A token endpoint is the
        // vendor's login service, outside the API's request allocation (Salesforce counts API calls, not logins;
        // GitHub's
        // OAuth endpoint is github.com, not api.github.com): it neither spends the limit nor reports it.
        LimitDecision limit =
                route.issuesTokens() ? null : svc.limiter().tryAcquire(auth.client(), level.rateLimitFactor());
        // Then the vendor's secondary limits (GitHub's concurrency, points and content-creation limits): their refusal
        // is answered as such, with the primary limit's headers as they are.
        LimitDecision refusal = limit;
        if (limit != null && limit.allowed() && !svc.secondaryLimits().isEmpty()) {
            SecondaryLimiter.Permit second =
                    svc.secondaryLimits().tryAcquire(auth.client(), route.operation(), method, level.rateLimitFactor());
            ctx.attribute(HELD, second);
            if (second.refusal() != null) refusal = second.refusal();
        }
        Reply reply;
        long answerDelay = fault.delayMs();
        if (refusal != null && !refusal.allowed()) {
            svc.countRateLimited();
            reply = vendor.error(FarmError.limited(refusal));
            vendor.limitHeaders(limit, reply);
            if (!fault.isNone() && !fault.type().isNetwork()) fault = Fault.NONE;
        } else if (fault.replacesAnswer() && executionError == null) {
            logFault(svc, auth, ordinal, fault, method, path);
            reply = faultAnswer(svc, fault, auth, level, limit);
        } else {
            if (fault.is(FaultType.slow)) logFault(svc, auth, ordinal, fault, method, path);
            // A slow fault is slow processing: the wait happens while the request holds its idempotency key.
            long processing = fault.is(FaultType.slow) ? fault.delayMs() : 0;
            answerDelay -= processing;
            Fault struck = fault;
            // The injected 500 strikes (and goes into the fault log) only when the request gets as far as executing.
            Route.RouteHandler handler = executionError == null
                    ? route.handler()
                    : call -> {
                        logFault(svc, auth, ordinal, struck, method, path);
                        return executionError.copy();
                    };
            if (route.write())
                handler = withinDeadline(
                        handler,
                        arrivedNanos(ctx),
                        deadlineNanos,
                        () -> logFault(
                                svc, auth, ordinal, new Fault(FaultType.overloaded, 503, false, 0), method, path));
            // The ledger records the key header as sent (a stand-in op id), whether or not key semantics apply.
            String sentKey = svc.idempotency() == null
                    ? null
                    : request.header(svc.spec().idempotency().header());
            try {
                reply = execute(svc, handler, new Call(request, svc, farm, auth.client(), sentKey), key, processing);
            } catch (TooLate late) {
                reply = vendor.error(FarmError.server(503));
            }
            if (limit != null) vendor.limitHeaders(limit, reply);
        }

        if (fault.type() != null && fault.type().isNetwork()) {
            logFault(svc, auth, ordinal, fault, method, path);
            // The vendor is done with the request; what follows is the network losing its answer (a hang holds the
            // client's connection, not the vendor's worker): it no longer counts among the requests in flight.
            SecondaryLimiter.Permit held = ctx.attribute(HELD);
            if (held != null) held.release();
            strike(ctx, fault, reply);
            return;
        }
        farm.pause(answerDelay);
        reply.writeTo(ctx);
    }

    /**
     * The request's idempotency key when one applies: a write other than DELETE, on a service that declares keys, with a
     * non-empty key header. A DELETE is idempotent by definition (RFC 9110 section 9.2.2), and Stripe ignores keys on it
     * ("Sending idempotency keys in GET and DELETE requests has no effect", docs.stripe.com/api/idempotent_requests).
     */
    private static String keyOf(ServiceRuntime svc, Route route, FarmRequest request) {
        if (svc.idempotency() == null || !route.write() || request.method().equals("DELETE")) return null;
        String key = request.header(svc.spec().idempotency().header());
        return key == null || key.isEmpty() ? null : key;
    }

    /** Runs the handler, under idempotency-key semantics when the request carries a key that applies ({@link #keyOf}). */
    private Reply execute(ServiceRuntime svc, Route.RouteHandler handler, Call call, String key, long processingMs) {
        IdempotencyStore<Reply> store = svc.idempotency();
        if (key == null) {
            farm.pause(processingMs);
            return run(handler, call);
        }
        Vendor vendor = svc.vendor();
        String headerName = svc.spec().idempotency().header();
        return switch (store.begin(call.client(), key, IdempotencyFingerprint.of(call.request()))) {
            case IdempotencyStore.Replay<Reply> r -> r.answer().copy().header("Idempotent-Replayed", "true");
            case IdempotencyStore.Mismatch<Reply> m ->
                vendor.error(new FarmError(
                        ErrorKind.IDEMPOTENCY_MISMATCH,
                        "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                                + "Try using a key other than '" + key
                                + "' if you meant to execute a different request.",
                        400,
                        headerName,
                        null,
                        null));
            case IdempotencyStore.InFlight<Reply> f ->
                vendor.error(new FarmError(
                        ErrorKind.IDEMPOTENCY_IN_FLIGHT,
                        "There is currently another in-progress request using this idempotency key (that probably means you "
                                + "submitted twice, and the other request is still going through): " + key
                                + ". Please try again later.",
                        409,
                        headerName,
                        null,
                        null));
            case IdempotencyStore.Proceed<Reply> p -> {
                Reply out = null;
                try {
                    farm.pause(processingMs);
                    out = run(handler, call);
                } finally {
                    // Whatever the handler threw, the key is released: a key held by a request that never answered
                    // would answer every retry 409 "in progress" for ever.
                    if (out == null || executionNeverBegan(out)) store.abandon(p.slot());
                    else store.complete(p.slot(), out.copy());
                }
                yield out;
            }
        };
    }

    /**
     * Whether the handler refused the request before executing it, so the key stays free: Stripe saves a result "only
     * after the execution of an endpoint begins. If incoming parameters fail validation, or the request conflicts with
     * another that's executing concurrently, no idempotent result is saved" (docs.stripe.com/idempotency). Validation
     * answers 400 or 422; a conflict on an object's lock answers 429.
     */
    private static boolean executionNeverBegan(Reply out) {
        return out.status() == 400 || out.status() == 422 || out.status() == 429;
    }

    /**
     * Turns the flavour's share of injected rate limits into object-lock timeouts (Stripe: a quarter, see
     * {@code StripeVendor.lockTimeoutShare}); the choice is a draw of its own from the request's numbers, so it is as
     * reproducible as the planner's, and the fault log names the kind the client met.
     */
    private Fault lockTimeoutOrNot(Vendor vendor, String service, String client, long ordinal, Fault fault) {
        if (!fault.is(FaultType.rate_limit) || vendor.lockTimeoutShare() <= 0) return fault;
        if (farm.planner().draw(service, client, ordinal, LOCK_TIMEOUT_SALT) >= vendor.lockTimeoutShare()) return fault;
        return new Fault(FaultType.lock_timeout, 0, false, fault.delayMs());
    }

    // Names this draw among any others added per request ("lock" in ASCII); its value is arbitrary.
    private static final long LOCK_TIMEOUT_SALT = 0x6C6F636BL;

    /** A write that would begin executing past its processing deadline: thrown so that its key, if any, stays free. */
    private static final class TooLate extends RuntimeException {
        TooLate() {
            super(null, null, false, false);
        }
    }

    /** The handler, refused (logged, {@link TooLate}) when it would begin past the request's processing deadline. */
    private static Route.RouteHandler withinDeadline(
            Route.RouteHandler handler, long arrivedNanos, long deadlineNanos, Runnable logRefusal) {
        return call -> {
            if (System.nanoTime() - arrivedNanos > deadlineNanos) {
                logRefusal.run();
                throw new TooLate();
            }
            return handler.handle(call);
        };
    }

    /** When the server began reading the request (Jetty's clock); now, where that cannot be told. */
    private static long arrivedNanos(Context ctx) {
        var jetty = org.eclipse.jetty.ee10.servlet.ServletContextRequest.getServletContextRequest(ctx.req());
        return jetty == null ? System.nanoTime() : jetty.getBeginNanoTime();
    }

    private static Reply run(Route.RouteHandler handler, Call call) {
        try {
            return handler.handle(call);
        } catch (BadInput e) {
            return call.error(FarmError.badInput(e.field(), e.getMessage()));
        } catch (ResourceStore.UniqueViolation e) {
            // A unique index refused the write (nothing was stored): the vendor's conflict answer, never a 500.
            return call.error(FarmError.conflict(e));
        }
    }

    private void logFault(ServiceRuntime svc, Auth auth, long ordinal, Fault fault, String method, String path) {
        farm.faults()
                .record(
                        svc.id(),
                        auth.client(),
                        ordinal,
                        fault.type(),
                        fault.status(),
                        fault.afterCommit(),
                        method,
                        path,
                        farm.clock().instant());
    }

    /** The answer an HTTP-level fault gives instead of the real one; the bucket's state still shows in its headers. */
    private Reply faultAnswer(ServiceRuntime svc, Fault fault, Auth auth, ChaosLevel level, LimitDecision bucket) {
        Vendor vendor = svc.vendor();
        return switch (fault.type()) {
            case server_error -> {
                Reply r = vendor.error(FarmError.server(fault.status()));
                vendor.limitHeaders(bucket, r);
                yield r;
            }
            case rate_limit -> {
                long capacity = Math.max(1, Math.round(svc.spec().rateLimit().capacity() * level.rateLimitFactor()));
                LimitDecision limit =
                        new LimitDecision(false, capacity, 0, 1000, farm.clock().millis() / 1000 + 1, true);
                Reply r = vendor.error(FarmError.limited(limit));
                // A vendor's second limit (GitHub's secondary limits) leaves the primary count as it is; elsewhere an
                // injected limit looks like the bucket running dry.
                vendor.limitHeaders(vendor.secondaryLimits() ? bucket : limit, r);
                yield r;
            }
            case lock_timeout -> {
                // Contention on one object, not the client's budget: the bucket's headers stay as they are.
                LimitDecision wait = new LimitDecision(
                        false,
                        bucket.limit(),
                        bucket.remaining(),
                        1000,
                        farm.clock().millis() / 1000 + 1,
                        true);
                Reply r = vendor.error(FarmError.limited(wait).withCode(FaultType.lock_timeout.name()));
                vendor.limitHeaders(bucket, r);
                yield r;
            }
            case auth_revoke -> {
                svc.tokens().revoke(auth.token());
                Reply r = vendor.error(FarmError.of(ErrorKind.AUTH_EXPIRED, "Session expired or invalid"));
                vendor.limitHeaders(bucket, r);
                yield r;
            }
            default -> throw new IllegalStateException("not an answer-replacing fault: " + fault.type());
        };
    }

    /** Drops faults that make no sense for this request (revoking a token that was never presented). */
    private static Fault usable(Fault fault, Route route, Auth auth) {
        if (fault.is(FaultType.auth_revoke) && (auth.token() == null || !route.authenticated())) {
            return fault.delayMs() == 0 ? Fault.NONE : new Fault(null, 0, false, fault.delayMs());
        }
        // A token endpoint is the vendor's login service, not the API whose character the profile describes (and the
        // one request every caller of a credential waits on): it keeps the level's latency and network faults, but
        // not its HTTP errors, rate limits and slow answers - at hell those would stand between every client and
        // every call half the time, which no vendor's login service does.
        if (route.issuesTokens() && fault.type() != null && !fault.type().isNetwork()) {
            return fault.delayMs() == 0 || fault.is(FaultType.slow)
                    ? Fault.NONE
                    : new Fault(null, 0, false, fault.delayMs());
        }
        return fault;
    }

    /** Socket faults: wait the injected delay (a hang waits long), then break the connection the chosen way. */
    private void strike(Context ctx, Fault fault, Reply reply) {
        farm.pause(fault.delayMs());
        switch (fault.type()) {
            case reset -> SocketFaults.reset(ctx);
            case close, timeout -> SocketFaults.close(ctx);
            case truncate -> SocketFaults.truncate(ctx, reply);
            default -> throw new IllegalStateException("not a socket fault: " + fault.type());
        }
    }

    /** The verdict on a request's credentials. */
    record Auth(String client, String token, FarmError error) {
        static final Auth ANONYMOUS = new Auth("anonymous", null, null);

        static Auth fail(ErrorKind kind, String message) {
            return new Auth(null, null, FarmError.of(kind, message));
        }
    }

    private static Auth authenticate(ServiceRuntime svc, FarmRequest request) {
        AuthSpec spec = svc.spec().auth();
        Credential c = svc.vendor().credential(request);
        switch (spec.type()) {
            case none -> {
                return Auth.ANONYMOUS;
            }
            case api_key -> {
                String key = c.apiKey() != null ? c.apiKey() : c.bearer();
                if (key == null) return Auth.fail(ErrorKind.AUTH_MISSING, "No API key provided.");
                if (!spec.apiKeys().contains(key))
                    return Auth.fail(ErrorKind.AUTH_INVALID, "Invalid API key provided: " + mask(key));
                return new Auth(mask(key), null, null);
            }
            default -> {
                if (!spec.apiKeys().isEmpty()) {
                    if (c.apiKey() == null) return Auth.fail(ErrorKind.AUTH_MISSING, "No API key found in request");
                    if (!spec.apiKeys().contains(c.apiKey()))
                        return Auth.fail(ErrorKind.AUTH_INVALID, "Invalid API key");
                }
                if (c.bearer() == null)
                    return Auth.fail(ErrorKind.AUTH_MISSING, "No access token in the Authorization header");
                TokenStore.Check check = svc.tokens().check(c.bearer());
                return switch (check.verdict()) {
                    // The stored token is what chaos can revoke; a credential the store did not issue (a vendor's
                    // role key) has none, and revocation faults pass it by.
                    case VALID -> new Auth(check.clientId(), check.token(), null);
                    case EXPIRED -> Auth.fail(ErrorKind.AUTH_EXPIRED, "Session expired or invalid");
                    case REVOKED -> Auth.fail(ErrorKind.AUTH_EXPIRED, "Session expired or invalid");
                    case UNKNOWN -> Auth.fail(ErrorKind.AUTH_INVALID, "Invalid access token");
                };
            }
        }
    }

    /** API keys are secrets: status and fault log show only their ends. */
    static String mask(String key) {
        if (key.length() <= 12) return key.substring(0, Math.min(4, key.length())) + "…";
        return key.substring(0, 8) + "…" + key.substring(key.length() - 4);
    }

    private static Reply unknownRoute(ServiceRuntime svc, String method, String path) {
        var allowed = svc.routes().allowed(path);
        if (!allowed.isEmpty()) {
            return svc.vendor()
                    .error(FarmError.of(
                            ErrorKind.METHOD_NOT_ALLOWED,
                            "HTTP method " + method + " is not allowed for " + path + "; allowed: "
                                    + String.join(", ", allowed)))
                    .header("Allow", String.join(", ", allowed));
        }
        return svc.vendor()
                .error(FarmError.of(ErrorKind.NOT_FOUND, "Unrecognized request URL (" + method + ": " + path + ")."));
    }

    /** The vendor's 413; {@code size} -1 when the body was cut off unread (chunked, over the server's own cap). */
    private static Reply tooLarge(ServiceRuntime svc, long size) {
        String what = size < 0 ? "Request body" : "Request body of " + size + " bytes";
        return svc.vendor()
                .error(new FarmError(
                        ErrorKind.PAYLOAD_TOO_LARGE,
                        what + " is over the limit of " + svc.spec().maxBodyBytes() + " bytes",
                        413,
                        null,
                        null,
                        null));
    }
}
