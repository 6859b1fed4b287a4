package dev.gauntlet.farm.vendor.stripe;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Stripe's API v1: secret key as Bearer or Basic user, form-encoded bodies with bracket notation, objects with
 * {@code object}/{@code created}/{@code livemode}/{@code metadata}, lists newest first with {@code starting_after} /
 * {@code ending_before} cursors, errors {@code {"error":{"type","code","message","param","doc_url"}}} and a
 * {@code Request-Id} on every answer.
 *
 * <p>Service options: {@code write_latency_ms} (default 0), time a write spends executing before it commits, like
 * Stripe's own card-network round trip; while it runs, a second request with the same idempotency key gets 409, and a
 * second write to the same object waits for its lock. {@code lock_wait_ms} (default 200), how long such a write waits
 * before it answers 429 {@code lock_timeout}. {@code search_lag_ms} (default 2000), how long a write takes to show in
 * the Search API.
 */
public final class StripeVendor implements Vendor {

    static final String ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final long SEQ_SPACE = 62L * 62 * 62 * 62;
    // 7919 is prime and shares no factor with 62^4 = 2^4·31^4, so it has an inverse and the scramble is a bijection.
    private static final long SCRAMBLE = 7919;
    private static final long UNSCRAMBLE = BigInteger.valueOf(SCRAMBLE)
            .modInverse(BigInteger.valueOf(SEQ_SPACE))
            .longValue();

    // Message texts as Stripe sends them (seen in stripe-node#1694 and gadelkareem/skeleton#20).
    private static final String NO_KEY =
            "You did not provide an API key. You need to provide your API key in the Authorization header, "
                    + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication "
                    + "for details, or we can help at https://support.stripe.com/.";
    // docs.stripe.com/rate-limits: 429 with code rate_limit; the type stays invalid_request_error.
    private static final String RATE_LIMITED =
            "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.";
    /** The code of Stripe's 429 for contention on one object (docs.stripe.com/error-codes#lock-timeout). */
    static final String LOCK_TIMEOUT = "lock_timeout";
    // The message of a real lock_timeout answer, as quoted with its 429 body in a public issue report.
    private static final String LOCKED =
            "This object cannot be accessed right now because another API request or Stripe process is "
                    + "currently accessing it. If you see this error intermittently, retry the request. If you see this error frequently "
                    + "and are making multiple concurrent requests to a single object, make your requests serially or at a lower rate.";
    /**
     * One in four injected rate-limit faults is a lock timeout. Stripe publishes no ratio; a quarter keeps the common
     * 429 (which the SDKs do not retry) the usual one while a run still meets enough of the one they do retry.
     */
    private static final double LOCK_TIMEOUT_SHARE = 0.25;

    @Override
    public String name() {
        return "stripe";
    }

    /** Stripe takes the secret key as a Bearer token or as the user name of HTTP Basic auth (curl -u sk_test_…:). */
    @Override
    public Credential credential(FarmRequest request) {
        String auth = request.header("Authorization");
        String key = Credential.bearerOf(auth);
        if (key == null) key = Credential.basicUserOf(auth);
        if (key != null && key.isEmpty()) key = null;
        return new Credential(null, key);
    }

    @Override
    public Reply error(FarmError error) {
        int status;
        String type = "invalid_request_error";
        String code = error.code();
        String param = error.field();
        // A rate-limit error the caller coded lock_timeout: contention on one object rather than the client's budget.
        boolean locked = error.kind() == ErrorKind.RATE_LIMITED && LOCK_TIMEOUT.equals(error.code());
        String message = error.message();
        switch (error.kind()) {
            case AUTH_MISSING -> {
                status = 401;
                message = NO_KEY;
            }
            case AUTH_INVALID -> {
                status = 401;
                message = "Invalid API Key provided: " + stars(afterColon(message));
            }
            case AUTH_EXPIRED -> {
                status = 401;
                code = "api_key_expired";
                message = "Expired API Key provided. Roll a new key at https://dashboard.stripe.com/apikeys.";
            }
            case RATE_LIMITED -> {
                status = 429;
                code = locked ? LOCK_TIMEOUT : "rate_limit";
                message = locked ? LOCKED : RATE_LIMITED;
            }
            case SERVER_ERROR -> {
                status = error.status() == 0 ? 500 : error.status();
                type = "api_error";
                message = "An unknown error occurred (injected by the API Farm).";
            }
            case BAD_REQUEST, INVALID_GRANT -> status = 400;
            case NOT_FOUND -> status = 404;
            case METHOD_NOT_ALLOWED -> status = 405;
            case PAYLOAD_TOO_LARGE -> status = 413;
            case IDEMPOTENCY_MISMATCH -> {
                // Stripe names the error by its type alone; stripe-python raises IdempotencyError on this type.
                status = 400;
                type = "idempotency_error";
                param = null;
            }
            case IDEMPOTENCY_IN_FLIGHT -> {
                // stripe-go ErrorCodeIdempotencyKeyInUse; Stripe answers 409 Conflict, which its SDKs retry. Stripe's
                // text
                // says "Idempotent Key" (seen in a stripe-go request log of a real 409, 2018).
                status = 409;
                code = "idempotency_key_in_use";
                param = null;
                message = message.replace("this idempotency key", "this Idempotent Key");
            }
            default -> throw new IllegalStateException("unhandled error kind " + error.kind());
        }
        Reply reply = Reply.json(status, Map.of("error", envelope(type, code, message, param)));
        requestId(reply);
        if (error.limit() != null && !locked)
            reply.header("Retry-After", error.limit().retryAfterSeconds());
        if (status == 401) reply.header("WWW-Authenticate", "Basic realm=\"Stripe\"");
        // Stripe's SDKs read Stripe-Should-Retry before their own rules (stripe-java HttpClient.shouldRetry: "advise us
        // to retry (eg; in cases of lock timeouts)"): a conflict and a lock timeout are worth retrying. A plain rate
        // limit carries no header, and stripe-java does not retry a 429 without one.
        if (status == 409 || locked) reply.header("Stripe-Should-Retry", "true");
        return reply;
    }

    /**
     * Stripe saves a 500 under the request's idempotency key and replays it ("Subsequent requests with the same key
     * return the same result, including 500 errors", docs.stripe.com/idempotency), so it tells the SDKs not to retry:
     * stripe-java's shouldRetry stops on {@code Stripe-Should-Retry: false} ("if doing so would be a no-op").
     */
    @Override
    public Reply savedExecutionError(FarmError error) {
        return error(error).header("Stripe-Should-Retry", "false");
    }

    /** Stripe answers contention on an object with a 429 lock_timeout (docs.stripe.com/rate-limits#object-lock-timeouts). */
    @Override
    public double lockTimeoutShare() {
        return LOCK_TIMEOUT_SHARE;
    }

    static Map<String, Object> envelope(String type, String code, String message, String param) {
        Map<String, Object> inner = new LinkedHashMap<>();
        if (code != null) inner.put("code", code);
        if (code != null) inner.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        inner.put("message", message);
        if (param != null) inner.put("param", param);
        inner.put("type", type);
        return inner;
    }

    /** Stripe sends no rate-limit headers; this is the one hook that sees every answer, replays included. */
    @Override
    public void limitHeaders(LimitDecision limit, Reply reply) {
        if ("true".equals(reply.headers().get("Idempotent-Replayed"))) {
            // A replay is a new request: Stripe gives it its own Request-Id and names the first in Original-Request.
            String original = reply.headers().get("Request-Id");
            if (original != null) reply.header("Original-Request", original);
            reply.header("Request-Id", newRequestId());
        }
        requestId(reply);
    }

    static Reply requestId(Reply reply) {
        if (!reply.headers().containsKey("Request-Id")) reply.header("Request-Id", newRequestId());
        return reply;
    }

    static String newRequestId() {
        return "req_" + random(14);
    }

    static String random(int n) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) sb.append(ALNUM.charAt(r.nextInt(ALNUM.length())));
        return sb.toString();
    }

    /** Turns the pipeline's masked key ("sk_test_…dp7c") into Stripe's ("sk_test_********…dp7c"). */
    private static String stars(String masked) {
        return masked.replace("…", "*".repeat(24));
    }

    private static String afterColon(String message) {
        int i = message == null ? -1 : message.lastIndexOf(": ");
        return i < 0 ? "" : message.substring(i + 2);
    }

    /** Ids like cus_… and pi_…: 10 seeded random characters, then the record's sequence number, scrambled, in 4 base-62 digits. */
    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) -> {
            StringBuilder sb = new StringBuilder(StripeObjects.prefix(resource.name())).append('_');
            for (int i = 0; i < 10; i++) sb.append(ALNUM.charAt(random.nextInt(ALNUM.length())));
            // Scrambled so the tail looks as random as the rest; multiplying by a unit mod 62^4 keeps it reversible.
            long s = Math.floorMod(seq * SCRAMBLE, SEQ_SPACE);
            char[] digits = new char[4];
            for (int i = 3; i >= 0; i--) {
                digits[i] = ALNUM.charAt((int) (s % 62));
                s /= 62;
            }
            return JsonNodeFactory.instance.textNode(sb.append(digits).toString());
        };
    }

    /** The sequence number a {@link #ids()} id carries, or -1 for an id of another shape. */
    static long seqOf(String id) {
        if (id == null || id.length() < 4) return -1;
        long s = 0;
        for (int i = id.length() - 4; i < id.length(); i++) {
            int d = ALNUM.indexOf(id.charAt(i));
            if (d < 0) return -1;
            s = s * 62 + d;
        }
        return Math.floorMod(s * UNSCRAMBLE, SEQ_SPACE);
    }

    @Override
    public void routes(Service service, RouteTable table) {
        StripeRoutes.register(service, table);
    }
}
