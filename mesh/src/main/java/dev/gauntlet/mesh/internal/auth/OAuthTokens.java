package dev.gauntlet.mesh.internal.auth;

import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.TokenEndpoint;
import dev.gauntlet.mesh.auth.TokenState;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RefreshTrigger;
import dev.gauntlet.mesh.event.TokenRefreshFailed;
import dev.gauntlet.mesh.event.TokenRefreshed;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.time.TimeSource;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access tokens of one OAuth 2.0 connector, one per tenant: cached, refreshed before expiry with a margin kept
 * below the TTL, refreshed after an auth_expired only when the refused token is still the newest, and never fetched
 * twice at once for the same credential (single-flight: one caller sends the token request, the others wait for its
 * answer up to their deadline). Refresh tokens are used when held; a rotated one is written to the vault before it
 * is ever sent. Time comes from the context's clock; the latency histogram measures real elapsed time.
 */
public final class OAuthTokens {

    /** The vault entry under which a (connector, tenant)'s refresh token is kept. */
    public static final String REFRESH_TOKEN = "refresh_token";

    private static final Logger LOG = LoggerFactory.getLogger(OAuthTokens.class);
    /** After a failed proactive refresh, callers keep the still-valid token and the next try waits at most this long. */
    private static final Duration PROACTIVE_RETRY = Duration.ofSeconds(1);

    private final String connector;
    private final AuthConfig.OAuth2 config;
    private final TimeSource clock;
    private final Sleeper sleeper;
    private final EventBus events;
    /** Where refresh tokens are kept across restarts; null: nowhere. */
    private final CredentialVault vault;

    private final Duration requestTimeout;
    /** Tries of one token request when the endpoint fails transiently, and the pause between them. */
    static final int TOKEN_TRIES = 3;

    static final Duration TOKEN_BACKOFF = Duration.ofMillis(100);
    /** One try's time limit: a token endpoint that takes longer is hanging, and every caller of the credential waits. */
    static final Duration TOKEN_TRY_TIMEOUT = Duration.ofSeconds(2);

    private static final Set<ErrorClass> TRANSIENT =
            EnumSet.of(ErrorClass.network_error, ErrorClass.timeout, ErrorClass.server_error, ErrorClass.rate_limit);
    private final TokenEndpoint endpoint;
    private final RefreshMetrics metrics = new RefreshMetrics();
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong();

    /** One credential: (connector, tenant). */
    static final class Slot {
        final String tenant;
        volatile TokenState.Token token;
        /** null when none is held; loaded from the vault when the slot is made. */
        volatile String refreshToken;

        volatile Instant proactiveRetryAt = Instant.MIN;
        final AtomicReference<CompletableFuture<TokenState>> inFlight = new AtomicReference<>();

        Slot(String tenant, String refreshToken) {
            this.tenant = tenant;
            this.refreshToken = refreshToken;
        }
    }

    /**
     * @param requestTimeout a token request's own time limit (the connector's attempt timeout); never past the call's deadline
     */
    public OAuthTokens(
            String connector,
            AuthConfig.OAuth2 config,
            HttpClient http,
            TimeSource time,
            EventBus events,
            CredentialVault vault,
            Duration requestTimeout) {
        this(
                connector,
                config,
                http,
                time,
                events,
                vault,
                requestTimeout,
                dev.gauntlet.mesh.classify.Classifier.common());
    }

    /** @param vendor the connector's classifier: tells the vendor's rate-limit answers on the token endpoint from refusals */
    public OAuthTokens(
            String connector,
            AuthConfig.OAuth2 config,
            HttpClient http,
            TimeSource time,
            EventBus events,
            CredentialVault vault,
            Duration requestTimeout,
            dev.gauntlet.mesh.classify.Classifier vendor) {
        this.connector = connector;
        this.config = config;
        this.clock = time;
        this.sleeper = time;
        this.events = events;
        this.vault = vault;
        this.requestTimeout = requestTimeout;
        this.endpoint = new TokenEndpoint(config, http, clock, vendor);
    }

    public RefreshMetrics metrics() {
        return metrics;
    }

    /** The token a tenant's calls use now, or null before the first one. */
    public TokenState.Token current(String tenant) {
        Slot s = slots.get(tenant);
        return s == null ? null : s.token;
    }

    Slot slot(String tenant) {
        Slot s = slots.get(tenant);
        return s != null ? s : slots.computeIfAbsent(tenant, t -> new Slot(t, loadRefreshToken(t)));
    }

    /**
     * The token for the next attempt: the cached one while it is before its refresh time; within the margin a refresh
     * starts in the background and every caller goes on with the still-valid token (none waits for a token while one
     * works); past expiry (or with none) everyone waits for the one token request in flight.
     */
    public TokenState acquire(String tenant, Instant deadline) {
        Slot slot = slot(tenant);
        TokenState.Token t = slot.token;
        Instant now = clock.instant();
        if (t != null && now.isBefore(t.refreshAt())) return t;
        if (t != null && now.isBefore(t.expiresAt())) {
            // A failed proactive refresh is not retried by every call: the token still works for a while.
            if (now.isBefore(slot.proactiveRetryAt)) return t;
            var mine = new CompletableFuture<TokenState>();
            if (!slot.inFlight.compareAndSet(null, mine)) return t;
            if (slot.token != t) {
                // Someone finished a refresh between our read and our claim: nothing to do.
                release(slot, mine, slot.token);
                return slot.token;
            }
            // In the background, bounded by the current token's expiry (not by this call's deadline): this call and the
            // others go on with the token that still works.
            Thread.ofVirtual().name("mesh-token-refresh-" + connector).start(() -> {
                TokenState r = fetch(slot, mine, RefreshTrigger.proactive, t.expiresAt());
                if (!(r instanceof TokenState.Token)) {
                    Instant failedAt = clock.instant();
                    slot.proactiveRetryAt = failedAt.plus(min(
                            PROACTIVE_RETRY,
                            Duration.between(failedAt, t.expiresAt()).dividedBy(2)));
                }
            });
            return t;
        }
        return refresh(
                slot,
                t == null ? 0 : t.generation(),
                t == null ? RefreshTrigger.initial : RefreshTrigger.proactive,
                deadline);
    }

    /**
     * A new token after generation {@code refused} came back auth_expired. When a newer one already exists (another
     * caller refreshed meanwhile) that one is returned and nothing is sent; a 401 never triggers a second refresh of
     * the same credentials.
     */
    public TokenState refreshAfterRejection(String tenant, long refused, Instant deadline) {
        metrics.authExpiredSeen.increment();
        return refresh(slot(tenant), refused, RefreshTrigger.reactive, deadline);
    }

    private TokenState refresh(Slot slot, long stale, RefreshTrigger trigger, Instant deadline) {
        while (true) {
            TokenState.Token cur = slot.token;
            if (newer(cur, stale)) return cur;
            CompletableFuture<TokenState> running = slot.inFlight.get();
            if (running == null) {
                var mine = new CompletableFuture<TokenState>();
                if (!slot.inFlight.compareAndSet(null, mine)) continue;
                // The refresh that ended between our read and our claim set the token first: look again.
                cur = slot.token;
                if (newer(cur, stale)) {
                    release(slot, mine, cur);
                    return cur;
                }
                return fetch(slot, mine, trigger, deadline);
            }
            metrics.waits.increment();
            return await(running, deadline);
        }
    }

    /** A token newer than generation {@code stale} that is still valid by our clock. */
    private boolean newer(TokenState.Token t, long stale) {
        return t != null && t.generation() != stale && clock.instant().isBefore(t.expiresAt());
    }

    private TokenState await(CompletableFuture<TokenState> running, Instant deadline) {
        Duration left = deadline == null ? requestTimeout.multipliedBy(2) : Duration.between(clock.instant(), deadline);
        try {
            if (left.isNegative() || left.isZero()) {
                TokenState done = running.getNow(null);
                if (done != null) return done;
                throw new TimeoutException();
            }
            return clock.await(running, left);
        } catch (TimeoutException e) {
            return new TokenState.Failed(
                    ErrorClass.timeout,
                    0,
                    "the call's deadline passed while waiting for the token refresh in flight",
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TokenState.Failed(
                    ErrorClass.timeout, 0, "interrupted while waiting for the token refresh in flight", null);
        } catch (ExecutionException e) {
            // fetch() completes normally on every path; this is only a safety net.
            return new TokenState.Failed(ErrorClass.server_error, 0, "token refresh failed: " + e.getCause(), null);
        }
    }

    private static void release(Slot slot, CompletableFuture<TokenState> mine, TokenState answer) {
        slot.inFlight.compareAndSet(mine, null);
        mine.complete(answer);
    }

    /** Sends the token request this caller claimed, publishes its answer to the waiters and frees the slot. */
    private TokenState fetch(Slot slot, CompletableFuture<TokenState> mine, RefreshTrigger trigger, Instant deadline) {
        TokenState answer;
        try {
            answer = request(slot, trigger, deadline);
        } catch (RuntimeException e) {
            // Nothing may escape into the pipeline, and the waiters must be woken whatever happened.
            LOG.warn("{}/{}: token refresh failed unexpectedly", connector, slot.tenant, e);
            answer = new TokenState.Failed(ErrorClass.server_error, 0, "token refresh failed: " + e, null);
        }
        if (answer instanceof TokenState.Token t) slot.token = t;
        release(slot, mine, answer);
        return answer;
    }

    private TokenState request(Slot slot, RefreshTrigger trigger, Instant deadline) {
        Instant sentAt = clock.instant();
        Duration timeout = requestTimeout;
        if (deadline != null) {
            Duration left = Duration.between(sentAt, deadline);
            if (left.isNegative() || left.isZero()) {
                return new TokenState.Failed(
                        ErrorClass.timeout, 0, "the call's deadline passed before the token could be refreshed", null);
            }
            timeout = min(timeout, left);
        }
        long start = clock.nanoTime();
        String held = slot.refreshToken;
        String grant = held != null ? TokenEndpoint.REFRESH_GRANT : config.grant();
        TokenEndpoint.Answer answer = null;
        // A token endpoint fails like any upstream (5xx, 429, resets, hangs); every caller of this credential waits on
        // this one request, so a transient failure is retried here, briefly, within the call's deadline.
        for (int attempt = 1; ; attempt++) {
            sentAt = clock.instant();
            Duration tryTimeout = min(timeout, TOKEN_TRY_TIMEOUT);
            if (deadline != null) tryTimeout = min(tryTimeout, Duration.between(sentAt, deadline));
            if (tryTimeout.isNegative() || tryTimeout.isZero()) break;
            held = slot.refreshToken;
            grant = held != null ? TokenEndpoint.REFRESH_GRANT : config.grant();
            answer = held != null ? endpoint.refresh(held, tryTimeout) : endpoint.primary(tryTimeout);
            if (held != null && answer instanceof TokenState.Failed f && f.errorClass() == ErrorClass.invalid_creds) {
                // The refresh token is spent, expired or revoked (or a lost answer already rotated it): forget it and
                // start a new session with the primary grant.
                metrics.refreshTokenRefused.increment();
                publish(new TokenRefreshFailed(
                        clock.instant(),
                        connector,
                        slot.tenant,
                        trigger,
                        grant,
                        f.errorClass(),
                        f.status(),
                        f.message()));
                forgetRefreshToken(slot, held);
                grant = config.grant();
                sentAt = clock.instant();
                answer = endpoint.primary(tryTimeout);
            }
            if (!(answer instanceof TokenState.Failed f)
                    || !TRANSIENT.contains(f.errorClass())
                    || attempt >= TOKEN_TRIES) break;
            Duration wait = f.retryAfter() != null ? f.retryAfter() : TOKEN_BACKOFF.multipliedBy(attempt);
            if (deadline != null && !clock.instant().plus(wait).isBefore(deadline)) break;
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (answer == null) {
            return new TokenState.Failed(
                    ErrorClass.timeout, 0, "the call's deadline passed before the token could be refreshed", null);
        }
        long micros = (clock.nanoTime() - start) / 1_000;
        return switch (answer) {
            case TokenEndpoint.Granted g -> {
                keepRefreshToken(slot, held, g.refreshToken(), grant);
                TokenState.Token t = token(g, sentAt);
                metrics.success(trigger, micros);
                publish(new TokenRefreshed(
                        clock.instant(),
                        connector,
                        slot.tenant,
                        micros / 1_000,
                        t.ttl().toMillis(),
                        Duration.between(t.refreshAt(), t.expiresAt()).toMillis(),
                        trigger,
                        grant));
                yield t;
            }
            case TokenState.Failed f -> {
                metrics.failure(micros);
                publish(new TokenRefreshFailed(
                        clock.instant(),
                        connector,
                        slot.tenant,
                        trigger,
                        grant,
                        f.errorClass(),
                        f.status(),
                        f.message()));
                yield f;
            }
        };
    }

    /**
     * The token's times count from when the request was sent, so network time only makes us refresh earlier.
     * The margin is clamped to half the TTL: a margin at or above the TTL would make every call refresh.
     */
    private TokenState.Token token(TokenEndpoint.Granted g, Instant sentAt) {
        Duration ttl = g.expiresIn() != null ? g.expiresIn() : config.defaultTtl();
        Duration margin = effectiveMargin(config.refreshMargin(), ttl);
        Instant expires = sentAt.plus(ttl);
        return new TokenState.Token(
                g.accessToken(),
                "Bearer " + g.accessToken(),
                sentAt,
                expires,
                expires.minus(margin),
                generations.incrementAndGet(),
                ttl);
    }

    /** The refresh margin actually used for a token of this TTL: the configured one, at most half the TTL. */
    public static Duration effectiveMargin(Duration configured, Duration ttl) {
        return min(configured, ttl.dividedBy(2));
    }

    /** A new refresh token goes to the vault before it is kept in memory, i.e. before it can ever be sent. */
    private void keepRefreshToken(Slot slot, String held, String issued, String grant) {
        if (issued != null) {
            if (!issued.equals(held)) save(slot.tenant, issued);
            slot.refreshToken = issued;
        } else if (held != null && grant.equals(TokenEndpoint.REFRESH_GRANT) && config.rotatingRefresh()) {
            // A single-use token was spent and no new one came back: it cannot be used again.
            forgetRefreshToken(slot, held);
        }
    }

    private void forgetRefreshToken(Slot slot, String held) {
        if (slot.refreshToken == held) slot.refreshToken = null;
        save(slot.tenant, "");
    }

    private void save(String tenant, String value) {
        try {
            vault.saveCredential(connector, tenant, REFRESH_TOKEN, value);
        } catch (RuntimeException e) {
            // The token is still good for this process; only a restart would lose it (and fall back to the primary
            // grant).
            LOG.warn("{}/{}: could not save the refresh token to the vault: {}", connector, tenant, e.toString());
        }
    }

    private String loadRefreshToken(String tenant) {
        if (vault == null) return null;
        try {
            return vault.loadCredential(connector, tenant, REFRESH_TOKEN)
                    .filter(v -> !v.isBlank())
                    .orElse(null);
        } catch (RuntimeException e) {
            LOG.warn("{}/{}: could not load the refresh token from the vault: {}", connector, tenant, e.toString());
            return null;
        }
    }

    private void publish(MeshEvent e) {
        events.publish(e);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
