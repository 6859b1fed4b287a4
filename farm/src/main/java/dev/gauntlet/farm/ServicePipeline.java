package dev.gauntlet.farm;

import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.chaos.ChaosLevel;
import dev.gauntlet.farm.chaos.Fault;
import dev.gauntlet.farm.chaos.FaultType;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.flavor.Credential;
import dev.gauntlet.farm.flavor.ErrorKind;
import dev.gauntlet.farm.flavor.FarmError;
import dev.gauntlet.farm.flavor.Flavor;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.Call;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.http.Route;
import dev.gauntlet.farm.http.RouteTable;
import dev.gauntlet.farm.http.SocketFaults;
import dev.gauntlet.farm.idempotency.IdempotencyStore;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.limit.SecondaryLimiter;
import dev.gauntlet.farm.spec.AuthSpec;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * What happens to every request a service receives, in this order:
 * route → body limit → credentials → chaos decision (socket faults before the request end here) → rate limit →
 * secondary limits →
 * (injected HTTP fault | idempotency → handler) → latency → answer or socket fault after the commit.
 * Flavours only shape the answers; this class is the one place the order is written down.
 */
final class ServicePipeline {

    private static final byte[] NO_BODY = new byte[0];
    /** The request attribute holding its secondary-limit permit until the answer is written. */
    private static final String HELD = "gauntlet.secondary-limit-permit";

    private final Farm farm;

    ServicePipeline(Farm farm) {
        this.farm = farm;
    }

    /**
     * @param ownPort whether the request came in on the service's own port (its URLs then have no base path)
     */
    void handle(Context ctx, ServiceRuntime svc, String path, boolean ownPort) {
        try {
            serve(ctx, svc, path, ownPort);
        } finally {
            // A request holds its places in the vendor's concurrency limits until its answer is written (or it failed).
            SecondaryLimiter.Permit held = ctx.attribute(HELD);
            if (held != null) held.release();
        }
    }

    private void serve(Context ctx, ServiceRuntime svc, String path, boolean ownPort) {
        Flavor flavor = svc.flavor();
        // HEAD is GET without a body (RFC 9110); Jetty drops the body, the route is the GET one.
        String method = ctx.method().name().equals("HEAD") ? "GET" : ctx.method().name();
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
            drain(ctx, declared);
            tooLarge(svc, declared).writeTo(ctx);
            return;
        }
        // Most requests (GETs) have no body: skip reading one when neither a length nor chunking announces it.
        byte[] body = declared <= 0 && ctx.header("Transfer-Encoding") == null ? NO_BODY : ctx.bodyAsBytes();
        if (body.length > svc.spec().maxBodyBytes()) {
            tooLarge(svc, body.length).writeTo(ctx);
            return;
        }
        FarmRequest request = new FarmRequest(method, path, ctx.queryParamMap(), ctx::header, body, ctx.contentType());
        request.pathParams(match.params());
        request.serviceUrl(() -> FarmRequest.origin(ctx.header("Host"), ctx.header("X-Forwarded-Proto"), ctx.req().getLocalAddr() + ":" + ctx.port())
                + (ownPort ? "" : svc.spec().basePath()));

        Auth auth = route.authenticated() ? authenticate(svc, request) : Auth.ANONYMOUS;
        if (auth.error() != null) {
            flavor.error(auth.error()).writeTo(ctx);
            return;
        }

        long ordinal = svc.nextOrdinal(auth.client());
        ChaosLevel level = farm.chaos().levelFor(svc.id());
        Fault fault = usable(farm.planner().decide(svc.id(), auth.client(), ordinal, level, svc.profile()), route, auth);
        if (fault.strikesBefore()) {
            logFault(svc, auth, ordinal, fault, method, path);
            strike(ctx, fault, null);
            return;
        }

        // The vendor's own limit is checked first, as real APIs do: a client over its limit gets the 429 and no
        // injected HTTP fault (only a network fault can still break the 429 on its way back).
        LimitDecision limit = svc.limiter().tryAcquire(auth.client(), level.rateLimitFactor());
        // Then the vendor's secondary limits (GitHub's concurrency, points and content-creation limits): their refusal
        // is answered as such, with the primary limit's headers as they are.
        LimitDecision refusal = limit;
        if (limit.allowed() && !svc.secondaryLimits().isEmpty()) {
            SecondaryLimiter.Permit second = svc.secondaryLimits().tryAcquire(auth.client(), route.operation(), method, level.rateLimitFactor());
            ctx.attribute(HELD, second);
            if (second.refusal() != null) refusal = second.refusal();
        }
        Reply reply;
        long answerDelay = fault.delayMs();
        if (!refusal.allowed()) {
            svc.countRateLimited();
            reply = flavor.error(FarmError.limited(refusal));
            flavor.limitHeaders(limit, reply);
            if (!fault.isNone() && !fault.type().isNetwork()) fault = Fault.NONE;
        } else if (fault.replacesAnswer()) {
            logFault(svc, auth, ordinal, fault, method, path);
            reply = faultAnswer(svc, fault, auth, level, limit);
        } else {
            if (fault.is(FaultType.slow)) logFault(svc, auth, ordinal, fault, method, path);
            String key = svc.idempotency() == null ? null : request.header(svc.spec().idempotency().header());
            // A slow fault is slow processing: the wait happens while the request holds its idempotency key.
            long processing = fault.is(FaultType.slow) ? fault.delayMs() : 0;
            answerDelay -= processing;
            reply = execute(route, new Call(request, svc, farm, auth.client(), key), key, processing);
            flavor.limitHeaders(limit, reply);
        }

        if (fault.type() != null && fault.type().isNetwork()) {
            logFault(svc, auth, ordinal, fault, method, path);
            strike(ctx, fault, reply);
            return;
        }
        farm.pause(answerDelay);
        reply.writeTo(ctx);
    }

    /** Runs the handler, under idempotency-key semantics when the service declares them and the request has a key. */
    private Reply execute(Route route, Call call, String key, long processingMs) {
        IdempotencyStore<Reply> store = call.service().idempotency();
        if (!route.write() || store == null || key == null || key.isEmpty()) {
            farm.pause(processingMs);
            return run(route, call);
        }
        Flavor flavor = call.service().flavor();
        String headerName = call.service().spec().idempotency().header();
        return switch (store.begin(call.client(), key, fingerprint(call.request()))) {
            case IdempotencyStore.Replay<Reply> r -> r.answer().copy().header("Idempotent-Replayed", "true");
            case IdempotencyStore.Mismatch<Reply> m -> flavor.error(new FarmError(ErrorKind.IDEMPOTENCY_MISMATCH,
                    "Keys for idempotent requests can only be used with the same parameters they were first used with. "
                            + "Try using a key other than '" + key + "' if you meant to execute a different request.", 400, headerName, null, null));
            case IdempotencyStore.InFlight<Reply> f -> flavor.error(new FarmError(ErrorKind.IDEMPOTENCY_IN_FLIGHT,
                    "There is currently another in-progress request using this idempotency key (that probably means you "
                            + "submitted twice, and the other request is still going through): " + key + ". Please try again later.", 409, headerName, null, null));
            case IdempotencyStore.Proceed<Reply> p -> {
                farm.pause(processingMs);
                Reply out = run(route, call);
                // Validation failures never ran, so the key stays free for a corrected request (Stripe's rule).
                if (out.status() == 400 || out.status() == 422) store.abandon(p.slot());
                else store.complete(p.slot(), out.copy());
                yield out;
            }
        };
    }

    private static Reply run(Route route, Call call) {
        try {
            return route.handler().handle(call);
        } catch (BadInput e) {
            return call.error(FarmError.badInput(e.field(), e.getMessage()));
        } catch (ResourceStore.UniqueViolation e) {
            // A unique index refused the write (nothing was stored): the vendor's conflict answer, never a 500.
            return call.error(FarmError.conflict(e));
        }
    }

    private void logFault(ServiceRuntime svc, Auth auth, long ordinal, Fault fault, String method, String path) {
        farm.faults().record(svc.id(), auth.client(), ordinal, fault.type(), fault.status(), fault.afterCommit(),
                method, path, farm.clock().instant());
    }

    /** The answer an HTTP-level fault gives instead of the real one; the bucket's state still shows in its headers. */
    private Reply faultAnswer(ServiceRuntime svc, Fault fault, Auth auth, ChaosLevel level, LimitDecision bucket) {
        Flavor flavor = svc.flavor();
        return switch (fault.type()) {
            case server_error -> {
                Reply r = flavor.error(FarmError.server(fault.status()));
                flavor.limitHeaders(bucket, r);
                yield r;
            }
            case rate_limit -> {
                long capacity = Math.max(1, Math.round(svc.spec().rateLimit().capacity() * level.rateLimitFactor()));
                LimitDecision limit = new LimitDecision(false, capacity, 0, 1000, farm.clock().millis() / 1000 + 1, true);
                Reply r = flavor.error(FarmError.limited(limit));
                // A vendor's second limit (GitHub's secondary limits) leaves the primary count as it is; elsewhere an
                // injected limit looks like the bucket running dry.
                flavor.limitHeaders(flavor.secondaryLimits() ? bucket : limit, r);
                yield r;
            }
            case auth_revoke -> {
                svc.tokens().revoke(auth.token());
                Reply r = flavor.error(FarmError.of(ErrorKind.AUTH_EXPIRED, "Session expired or invalid"));
                flavor.limitHeaders(bucket, r);
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
            return fault.delayMs() == 0 || fault.is(FaultType.slow) ? Fault.NONE : new Fault(null, 0, false, fault.delayMs());
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
        Credential c = svc.flavor().credential(request);
        switch (spec.type()) {
            case none -> {
                return Auth.ANONYMOUS;
            }
            case api_key -> {
                String key = c.apiKey() != null ? c.apiKey() : c.bearer();
                if (key == null) return Auth.fail(ErrorKind.AUTH_MISSING, "No API key provided.");
                if (!spec.apiKeys().contains(key)) return Auth.fail(ErrorKind.AUTH_INVALID, "Invalid API key provided: " + mask(key));
                return new Auth(mask(key), null, null);
            }
            default -> {
                if (!spec.apiKeys().isEmpty()) {
                    if (c.apiKey() == null) return Auth.fail(ErrorKind.AUTH_MISSING, "No API key found in request");
                    if (!spec.apiKeys().contains(c.apiKey())) return Auth.fail(ErrorKind.AUTH_INVALID, "Invalid API key");
                }
                if (c.bearer() == null) return Auth.fail(ErrorKind.AUTH_MISSING, "No access token in the Authorization header");
                TokenStore.Check check = svc.tokens().check(c.bearer());
                return switch (check.verdict()) {
                    case VALID -> new Auth(check.clientId(), c.bearer(), null);
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
            return svc.flavor().error(FarmError.of(ErrorKind.METHOD_NOT_ALLOWED,
                    "HTTP method " + method + " is not allowed for " + path + "; allowed: " + String.join(", ", allowed)))
                    .header("Allow", String.join(", ", allowed));
        }
        return svc.flavor().error(FarmError.of(ErrorKind.NOT_FOUND, "Unrecognized request URL (" + method + ": " + path + ")."));
    }

    /** Bodies up to this size are read and dropped before a 413; bigger ones get the answer and a closed connection. */
    private static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    private static void drain(Context ctx, long declared) {
        if (declared > DRAIN_LIMIT) return;
        try (var in = ctx.req().getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The client gave up sending; the 413 is still written for the case it reads.
        }
    }

    private static Reply tooLarge(ServiceRuntime svc, long size) {
        return svc.flavor().error(new FarmError(ErrorKind.PAYLOAD_TOO_LARGE,
                "Request body of " + size + " bytes is over the limit of " + svc.spec().maxBodyBytes() + " bytes", 413, null, null, null));
    }

    private static String fingerprint(FarmRequest request) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(request.method().getBytes());
            md.update((byte) 0);
            md.update(request.path().getBytes());
            md.update((byte) 0);
            md.update(ByteBuffer.wrap(request.body()));
            return HexFormat.of().formatHex(md.digest(), 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
