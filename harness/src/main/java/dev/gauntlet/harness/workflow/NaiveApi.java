package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Forms;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.TokenEndpoint;
import dev.gauntlet.mesh.classify.RetryAfter;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.vendor.BodyEncoding;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The baselines a user compares the mesh with: what an integration without it typically does. Plain, it is one
 * attempt per call, a token fetched once and never refreshed, no limiter, no idempotency key, no DLQ. {@link #keyed}
 * is the same client written once "the right way", as a vendor's SDK does it: each write carries the caller's
 * operation id as its idempotency key, so the upstream does its keyed-write work for it as it does for the mesh (a
 * fair benchmark baseline). {@link #retrying} is the integration people write by hand: the plain client in a retry
 * loop (see {@link Retries#HAND_WRITTEN}) that resends writes blindly - no key, no read-back, no DLQ.
 */
public final class NaiveApi implements Api {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The failures the hand-written loop retries: every 5xx, 429, timeouts and broken connections (408 by status). */
    private static final Set<String> RETRIED = Set.of("server_error", "rate_limit", "timeout", "network_error");

    /**
     * How many attempts a call gets and how long it waits between them.
     *
     * @param maxAttempts   attempts in all, the first included (1: no retry)
     * @param backoff       the fixed wait before each retry
     * @param maxRetryAfter the longest {@code Retry-After} on a 429 that is waited out; a longer (or no) one gets the
     *                      fixed backoff, since a hand-written loop will not hold a request for minutes
     */
    public record Retries(int maxAttempts, Duration backoff, Duration maxRetryAfter) {

        /** One attempt: the plain naive client. */
        public static final Retries NONE = new Retries(1, Duration.ZERO, Duration.ZERO);

        /**
         * The loop people write by hand: 4 attempts, 100 ms apart, Retry-After honoured up to 2 s. The backoff is fixed,
         * without jitter, on purpose: a fixed {@code sleep(0.1)} in a for-loop is what hand-written integrations do,
         * and the retry waves that lock-step retries send into an upstream that is already failing are part of what
         * the comparison with the mesh's full-jitter backoff shows. It also keeps the baseline free of a random
         * source, so under one seed its run differs from the mesh's only by what the client does.
         */
        public static final Retries HAND_WRITTEN = new Retries(4, Duration.ofMillis(100), Duration.ofSeconds(2));

        public Retries {
            if (maxAttempts < 1)
                throw new IllegalArgumentException("retries.max_attempts must be ≥ 1, was " + maxAttempts);
            Objects.requireNonNull(backoff, "retries.backoff");
            Objects.requireNonNull(maxRetryAfter, "retries.max_retry_after");
            if (backoff.isNegative()) throw new IllegalArgumentException("retries.backoff must be ≥ 0, was " + backoff);
            if (maxRetryAfter.isNegative())
                throw new IllegalArgumentException("retries.max_retry_after must be ≥ 0, was " + maxRetryAfter);
        }
    }

    private final ConnectorSpec spec;
    private final HttpClient http;
    private final boolean sendsKeys;
    private final Retries retries;
    private final Sleeper sleeper;
    private final InstantSource clock;
    private volatile String token;

    public NaiveApi(ConnectorSpec spec, HttpClient http) {
        this(spec, http, false, Retries.NONE, Sleeper.SYSTEM, InstantSource.system());
    }

    private NaiveApi(
            ConnectorSpec spec,
            HttpClient http,
            boolean sendsKeys,
            Retries retries,
            Sleeper sleeper,
            InstantSource clock) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.http = Objects.requireNonNull(http, "http");
        this.sendsKeys = sendsKeys;
        this.retries = Objects.requireNonNull(retries, "retries");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The same one-attempt client, but every write with an op id sends it in the connector's idempotency header (none
     * where the connector's idempotency is off, as the mesh does).
     */
    public static NaiveApi keyed(ConnectorSpec spec, HttpClient http) {
        return new NaiveApi(spec, http, true, Retries.NONE, Sleeper.SYSTEM, InstantSource.system());
    }

    /** The hand-written retry loop ({@link Retries#HAND_WRITTEN}) around the plain client. */
    public static NaiveApi retrying(ConnectorSpec spec, HttpClient http) {
        return retrying(spec, http, Retries.HAND_WRITTEN, Sleeper.SYSTEM, InstantSource.system());
    }

    /** As {@link #retrying(ConnectorSpec, HttpClient)} with its loop, its waits and its clock (for Retry-After dates) given. */
    public static NaiveApi retrying(
            ConnectorSpec spec, HttpClient http, Retries retries, Sleeper sleeper, InstantSource clock) {
        return new NaiveApi(spec, http, false, retries, sleeper, clock);
    }

    @Override
    public String connector() {
        return spec.id();
    }

    @Override
    public String flavor() {
        return spec.flavor();
    }

    /**
     * One attempt, then - for the retrying client - another after each retried failure until one succeeds, one fails
     * in a way that is not retried, or the attempts run out. Writes are resent as they are: a write whose answer was
     * lost after the upstream committed it is committed again.
     */
    @Override
    public ApiResult call(String method, String path, Map<String, String> headers, Object body, String opId) {
        boolean tokenFetchedAgain = false;
        for (int attempt = 1; ; attempt++) {
            Attempt a = attempt(method, path, headers, body, opId);
            if (a.failure() == null
                    || attempt >= retries.maxAttempts()
                    || Thread.currentThread().isInterrupted()) return result(a, attempt);
            Duration wait;
            if (a.status() == 401 && spec.auth() instanceof AuthConfig.OAuth2 && !tokenFetchedAgain) {
                // What hand-written code does on a 401: fetch a new token and try again at once - once, since a
                // second 401 with a fresh token means the credentials are wrong.
                tokenFetchedAgain = true;
                forgetToken(a.token());
                wait = Duration.ZERO;
            } else if (RETRIED.contains(a.failure()) || a.status() == 408) {
                wait = backoff(a);
            } else {
                return result(a, attempt);
            }
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return result(a, attempt);
            }
        }
    }

    /** One request as it went: its status (0 without an answer), the failure class or null, the token it carried. */
    private record Attempt(int status, JsonNode json, String failure, String token, String retryAfter) {}

    private ApiResult result(Attempt last, int attempts) {
        return new ApiResult(spec.id(), last.status(), last.json(), last.failure(), attempts, false, false, null);
    }

    /**
     * The fixed backoff, or on a 429 the wait its {@code Retry-After} asks for (RFC 9110 section 10.2.3: seconds or an
     * HTTP-date) when that is at most {@link Retries#maxRetryAfter}.
     */
    private Duration backoff(Attempt a) {
        if (a.status() == 429) {
            Duration asked = RetryAfter.parse(a.retryAfter(), clock.instant()).orElse(null);
            if (asked != null && asked.compareTo(retries.maxRetryAfter()) <= 0) return asked;
        }
        return retries.backoff();
    }

    private Attempt attempt(String method, String path, Map<String, String> headers, Object body, String opId) {
        String bearer = null;
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(spec.resolve(path))
                    .timeout(spec.timeouts().attempt());
            spec.headers().forEach(b::header);
            headers.forEach(b::header);
            switch (spec.auth()) {
                case AuthConfig.None none -> {}
                case AuthConfig.ApiKey k -> b.header(k.header(), k.prefix() + k.key());
                case AuthConfig.OAuth2 o -> {
                    bearer = token(o);
                    b.header("Authorization", "Bearer " + bearer);
                }
            }
            // The mesh's own rule: a POST that only reads (MongoDB's find) carries no key.
            if (sendsKeys
                    && opId != null
                    && spec.idempotency().enabled()
                    && spec.idempotency().isWrite(method, path)) {
                b.header(spec.idempotency().header(), opId);
            }
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else if (spec.vendor().bodyEncoding() == BodyEncoding.FORM) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
                b.method(method, HttpRequest.BodyPublishers.ofString(Forms.encode(JSON.valueToTree(body))));
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            int s = r.statusCode();
            // The naive client knows only success and failure; the class is a rough status bucket for the report.
            String failure = s < 400
                    ? null
                    : s == 429 ? "rate_limit" : s == 401 ? "auth_expired" : s >= 500 ? "server_error" : "client_error";
            return new Attempt(
                    s,
                    parse(r.body()),
                    failure,
                    bearer,
                    r.headers().firstValue("Retry-After").orElse(null));
        } catch (HttpTimeoutException e) {
            return failed("timeout", bearer);
        } catch (IOException e) {
            return failed("network_error", bearer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed("timeout", bearer);
        } catch (IllegalStateException tokenRefused) {
            // No token, so no request: not retried either (a refusal does not get better by asking again soon).
            return failed("invalid_creds", bearer);
        }
    }

    private Attempt failed(String failure, String bearer) {
        return new Attempt(0, null, failure, bearer, null);
    }

    /** Fetched on first use and kept until a 401 makes the retrying client drop it: the naive client's classic bug. */
    private String token(AuthConfig.OAuth2 o) {
        String t = token;
        if (t != null) return t;
        synchronized (this) {
            if (token == null)
                token = TokenEndpoint.fetchOnce(o, http, spec.timeouts().attempt());
            return token;
        }
    }

    /**
     * Drops the token a 401 answered, unless another call has already replaced it: calls in flight that meet the same
     * 401 then share one new token instead of each fetching its own.
     */
    private synchronized void forgetToken(String rejected) {
        if (rejected != null && rejected.equals(token)) token = null;
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
