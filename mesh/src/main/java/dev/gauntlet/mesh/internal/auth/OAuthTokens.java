package dev.gauntlet.mesh.internal.auth;

import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.auth.TokenEndpoint;
import dev.gauntlet.mesh.auth.TokenState;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RefreshTrigger;
import dev.gauntlet.mesh.event.TokenRefreshFailed;
import dev.gauntlet.mesh.event.TokenRefreshed;
import dev.gauntlet.mesh.store.StoreUnavailable;
import dev.gauntlet.mesh.time.Sleeper;
import dev.gauntlet.mesh.time.TimeSource;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
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
 *
 * <p>When the vault shares tokens ({@link SharedTokens}: every store the mesh ships), the single-flight reaches across
 * the nodes on one store: the node whose token is due takes the store's fence, re-reads the session's record and
 * adopts a token another node minted meanwhile (no token request), or sends the request with the stored refresh token
 * and commits the new access and refresh tokens together (a version compare-and-set) before any call uses them. A
 * slot made on a node loads the stored token first, so a node that starts does not refresh. One fence round trip per
 * refresh per node, never per call.
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
    /** The vault's shared sessions (the fence across nodes); null: tokens live in this node only. */
    private final SharedTokens shared;

    private final Duration requestTimeout;
    /** Tries of one token request when the endpoint fails transiently, and the pause between them. */
    static final int TOKEN_TRIES = 3;

    static final Duration TOKEN_BACKOFF = Duration.ofMillis(100);
    /** One try's time limit: a token endpoint that takes longer is hanging, and every caller of the credential waits. */
    static final Duration TOKEN_TRY_TIMEOUT = Duration.ofSeconds(2);
    /**
     * How long a node may hold the store's fence for one refresh. The token request is sent while the fence is held -
     * the fence is what keeps a second node from sending the same refresh token - so it is bounded by the request's
     * own tries: {@link #TOKEN_TRIES} × {@link #TOKEN_TRY_TIMEOUT} plus the pauses between them, with a second to
     * spare. A refresh that takes longer (a long Retry-After, a refused refresh token followed by the primary grant,
     * a node paused by GC or SIGSTOP) loses the fence: the store ends its transaction, and what it minted is committed
     * by a compare-and-set that another node's newer token refuses.
     */
    static final Duration FENCE_HOLD = TOKEN_TRY_TIMEOUT
            .multipliedBy(TOKEN_TRIES)
            .plus(TOKEN_BACKOFF.multipliedBy((long) TOKEN_TRIES * (TOKEN_TRIES - 1) / 2))
            .plusSeconds(1);

    /**
     * How long a refresh waits for a shared store that answered "unavailable" before it refreshes on this node alone,
     * asking again every {@link #STORE_RETRY} (never past the call's deadline). A node resumed after a pause (GC,
     * SIGSTOP) finds its pool's connections dead and the store "unavailable" for a second or two; refreshing alone then
     * minted a token no other node knew (a login the upstream counts), where a short wait gets the fence.
     */
    static final Duration STORE_WAIT = Duration.ofSeconds(3);

    static final Duration STORE_RETRY = Duration.ofMillis(250);

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
        /** The shared record's version {@link #token} and {@link #refreshToken} came from (0: none seen). */
        volatile long version;

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
        // A vault of the user's own that keeps no sessions leaves tokens per node, as before the fence.
        this.shared = vault instanceof SharedTokens st ? st : null;
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
        if (s != null) return s;
        // Made outside the map's lock: making one reads the store. Two first callers may both read; one slot is kept.
        Slot made = newSlot(tenant);
        s = slots.putIfAbsent(tenant, made);
        return s != null ? s : made;
    }

    /** A slot starts from the shared record when there is one (another node's token: no refresh at start). */
    private Slot newSlot(String tenant) {
        Optional<SharedToken> stored = loadShared(tenant);
        if (stored.isEmpty()) return new Slot(tenant, loadRefreshToken(tenant));
        SharedToken row = stored.get();
        Slot slot = new Slot(tenant, row.refreshToken());
        slot.version = row.version();
        if (clock.instant().isBefore(row.expiresAt())) slot.token = token(row);
        return slot;
    }

    private Optional<SharedToken> loadShared(String tenant) {
        if (shared == null) return Optional.empty();
        try {
            return shared.loadToken(connector, tenant);
        } catch (RuntimeException e) {
            LOG.warn("{}/{}: could not load the shared token: {}", connector, tenant, e.toString());
            return Optional.empty();
        }
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
            answer = shared == null
                    ? keep(slot, request(slot.tenant, slot.refreshToken, trigger, deadline), trigger, null)
                    : fenced(slot, trigger, deadline);
        } catch (RuntimeException e) {
            // Nothing may escape into the pipeline, and the waiters must be woken whatever happened.
            LOG.warn("{}/{}: token refresh failed unexpectedly", connector, slot.tenant, e);
            answer = new TokenState.Failed(ErrorClass.server_error, 0, "token refresh failed: " + e, null);
        }
        if (answer instanceof TokenState.Token t) slot.token = t;
        release(slot, mine, answer);
        return answer;
    }

    /**
     * A refresh under the store's fence: re-reads the record once the fence is held and adopts a token another node
     * minted meanwhile; else sends the token request with the stored refresh token and has the store commit the new
     * record before anything uses it.
     */
    private TokenState fenced(Slot slot, RefreshTrigger trigger, Instant deadline) {
        TokenState.Token held = slot.token; // due or refused: the one this node replaces
        var minted = new AtomicReference<Minted>();
        var seen = new AtomicReference<SharedToken>();
        Optional<SharedToken> after;
        Instant waitUntil = clock.instant().plus(STORE_WAIT);
        if (deadline != null && deadline.isBefore(waitUntil)) waitUntil = deadline;
        while (true) {
            try {
                after = fencedOnce(slot, trigger, deadline, held, minted, seen);
                break;
            } catch (StoreUnavailable e) {
                // Nothing sent yet: worth waiting a moment for the store (see STORE_WAIT) rather than minting alone.
                if (minted.get() != null || !clock.instant().plus(STORE_RETRY).isBefore(waitUntil))
                    return unfenced(slot, trigger, deadline, minted.get(), seen.get(), e);
                metrics.storeWaits.increment();
                try {
                    sleeper.sleep(STORE_RETRY);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return unfenced(slot, trigger, deadline, minted.get(), seen.get(), e);
                }
            } catch (RuntimeException e) {
                return unfenced(slot, trigger, deadline, minted.get(), seen.get(), e);
            }
        }
        return afterFence(slot, trigger, held, minted.get(), after.orElse(null));
    }

    /** One try at the fence: the mint under it (or the adoption of another node's token), committed by the store. */
    private Optional<SharedToken> fencedOnce(
            Slot slot,
            RefreshTrigger trigger,
            Instant deadline,
            TokenState.Token held,
            AtomicReference<Minted> minted,
            AtomicReference<SharedToken> seen) {
        return shared.refreshToken(connector, slot.tenant, FENCE_HOLD, now -> {
            seen.set(now.orElse(null));
            if (now.isPresent() && adoptable(now.get(), held)) return null;
            // The stored refresh token is the newest any node holds; none stored yet: the vault's (or none).
            String refresh = now.isPresent() ? now.get().refreshToken() : slot.refreshToken;
            Minted m = request(slot.tenant, refresh, trigger, deadline);
            minted.set(m);
            if (m.state() instanceof TokenState.Token t)
                return new SharedToken(t.value(), t.issuedAt(), t.expiresAt(), m.refreshToken(), 0);
            // A failed request that spent the stored refresh token: no node may send it again.
            if (m.refreshTokenChanged() && now.isPresent()) return now.get().withRefreshToken(m.refreshToken());
            return null;
        });
    }

    /** What the fence's answer leaves: the token adopted, minted and committed, or kept on this node alone. */
    private TokenState afterFence(Slot slot, RefreshTrigger trigger, TokenState.Token held, Minted m, SharedToken row) {
        if (m == null) {
            // Another node's token, re-read under the fence: nothing was sent.
            return row != null && adoptable(row, held)
                    ? adopt(slot, row)
                    : keep(slot, failedUnderFence(), trigger, null);
        }
        if (!(m.state() instanceof TokenState.Token t)) {
            if (row != null) slot.version = row.version();
            return keep(slot, m, trigger, null);
        }
        if (row != null && row.accessToken().equals(t.value())) return keep(slot, m, trigger, row);
        // Our commit was refused: the record moved on without the fence (a node that minted while it could not reach
        // the store). Its token wins when it still works; ours is used on this node only otherwise.
        metrics.commitsRefused.increment();
        if (row != null && clock.instant().isBefore(row.expiresAt())) return adopt(slot, row);
        return keep(slot, m, trigger, null);
    }

    /** What a mint that answered nothing without adopting leaves: cannot happen with a store that keeps its word. */
    private static Minted failedUnderFence() {
        return new Minted(
                new TokenState.Failed(ErrorClass.server_error, 0, "the shared token store gave no token", null),
                null,
                false,
                "shared",
                0);
    }

    /**
     * The fence could not be used: the store failed (unreachable, or this node's transaction ended because it held the
     * fence too long) or the fence stayed taken past twice its hold. A call never fails for it: what was minted is
     * committed by compare-and-set (refused when another node committed since: its token is adopted), and with nothing
     * minted the node refreshes on its own, as without a shared store, and says so in its log.
     */
    private TokenState unfenced(
            Slot slot, RefreshTrigger trigger, Instant deadline, Minted minted, SharedToken seen, RuntimeException e) {
        metrics.storeFallbacks.increment();
        long expected = seen != null ? seen.version() : slot.version;
        if (minted == null) {
            LOG.warn(
                    "{}/{}: the shared token store is unavailable ({}); refreshing on this node alone",
                    connector,
                    slot.tenant,
                    e.toString());
            TokenState.Token held = slot.token;
            Optional<SharedToken> now = loadShared(slot.tenant);
            if (now.isPresent() && adoptable(now.get(), held)) return adopt(slot, now.get());
            if (now.isPresent()) expected = now.get().version();
            minted = request(
                    slot.tenant, now.isPresent() ? now.get().refreshToken() : slot.refreshToken, trigger, deadline);
        } else {
            LOG.warn(
                    "{}/{}: the token refresh lost the shared store's fence ({}); committing it by compare-and-set",
                    connector,
                    slot.tenant,
                    e.toString());
        }
        if (!(minted.state() instanceof TokenState.Token t)) return keep(slot, minted, trigger, null);
        SharedToken mine = new SharedToken(t.value(), t.issuedAt(), t.expiresAt(), minted.refreshToken(), 0);
        try {
            if (shared.compareAndSetToken(connector, slot.tenant, expected, mine))
                return keep(slot, minted, trigger, mine.withVersion(expected + 1));
            // Refused: another node committed a newer token while this one was away (the fence at work).
            metrics.commitsRefused.increment();
            Optional<SharedToken> newer = shared.loadToken(connector, slot.tenant);
            if (newer.isPresent() && clock.instant().isBefore(newer.get().expiresAt())) return adopt(slot, newer.get());
        } catch (RuntimeException stillDown) {
            LOG.warn(
                    "{}/{}: could not commit the new token to the shared store ({}); this node uses it alone",
                    connector,
                    slot.tenant,
                    stillDown.toString());
        }
        return keep(slot, minted, trigger, null);
    }

    /**
     * Whether a stored record can be used instead of a token request: another token than the one this node is
     * replacing (the due or refused one), and not yet within its refresh margin.
     */
    private boolean adoptable(SharedToken row, TokenState.Token held) {
        if (held != null && row.accessToken().equals(held.value())) return false;
        return clock.instant().isBefore(token(row).refreshAt());
    }

    /** Takes another node's token (and its refresh token) as this node's newest. */
    private TokenState.Token adopt(Slot slot, SharedToken row) {
        slot.refreshToken = row.refreshToken();
        slot.version = row.version();
        metrics.adopted.increment();
        return token(row);
    }

    /** A stored record as a token of this node: a generation of its own, the margin as this connector clamps it. */
    private TokenState.Token token(SharedToken row) {
        Duration ttl = Duration.between(row.issuedAt(), row.expiresAt());
        Instant refreshAt = row.expiresAt().minus(effectiveMargin(config.refreshMargin(), ttl));
        return new TokenState.Token(
                row.accessToken(),
                "Bearer " + row.accessToken(),
                row.issuedAt(),
                row.expiresAt(),
                refreshAt,
                generations.incrementAndGet(),
                ttl);
    }

    /**
     * What one token request gave, before anything is kept.
     *
     * @param refreshToken        the refresh token to hold after it (null: none)
     * @param refreshTokenChanged whether that differs from the one sent (rotated, spent or refused)
     */
    private record Minted(
            TokenState state, String refreshToken, boolean refreshTokenChanged, String grant, long micros) {}

    /**
     * Keeps what a token request gave, in order: the refresh token in the vault (the shared record was committed by
     * the caller when {@code committed} is not null), then in memory, then the counters and the event - so an event
     * announces a token whose refresh token is already stored.
     */
    private TokenState keep(Slot slot, Minted m, RefreshTrigger trigger, SharedToken committed) {
        if (committed != null) slot.version = committed.version();
        if (m.refreshTokenChanged()) {
            // With a shared store this copy is for readers of the plain credential (and an older mesh on the same
            // data); the record is what the nodes use.
            save(slot.tenant, m.refreshToken() == null ? "" : m.refreshToken());
        }
        slot.refreshToken = m.refreshToken();
        return switch (m.state()) {
            case TokenState.Token t -> {
                metrics.success(trigger, m.micros());
                publish(new TokenRefreshed(
                        clock.instant(),
                        connector,
                        slot.tenant,
                        m.micros() / 1_000,
                        t.ttl().toMillis(),
                        Duration.between(t.refreshAt(), t.expiresAt()).toMillis(),
                        trigger,
                        m.grant()));
                yield t;
            }
            case TokenState.Failed f -> {
                metrics.failure(m.micros());
                publish(new TokenRefreshFailed(
                        clock.instant(),
                        connector,
                        slot.tenant,
                        trigger,
                        m.grant(),
                        f.errorClass(),
                        f.status(),
                        f.message()));
                yield f;
            }
        };
    }

    /**
     * Sends one token request (retried briefly when the endpoint fails transiently) with {@code refresh} when held, else
     * the primary grant. Nothing is kept here: the caller stores what it gives.
     */
    private Minted request(String tenant, String refresh, RefreshTrigger trigger, Instant deadline) {
        try {
            return send(tenant, refresh, trigger, deadline);
        } catch (RuntimeException e) {
            // Under the store's fence an exception would read as the store's failure: answer it as a failed request.
            LOG.warn("{}/{}: token request failed unexpectedly", connector, tenant, e);
            return new Minted(
                    new TokenState.Failed(ErrorClass.server_error, 0, "token refresh failed: " + e, null),
                    refresh,
                    false,
                    refresh != null ? TokenEndpoint.REFRESH_GRANT : config.grant(),
                    0);
        }
    }

    private Minted send(String tenant, String refresh, RefreshTrigger trigger, Instant deadline) {
        Instant sentAt = clock.instant();
        Duration timeout = requestTimeout;
        String held = refresh;
        boolean changed = false;
        String grant = held != null ? TokenEndpoint.REFRESH_GRANT : config.grant();
        if (deadline != null) {
            Duration left = Duration.between(sentAt, deadline);
            if (left.isNegative() || left.isZero()) {
                return new Minted(
                        new TokenState.Failed(
                                ErrorClass.timeout,
                                0,
                                "the call's deadline passed before the token could be refreshed",
                                null),
                        held,
                        false,
                        grant,
                        0);
            }
            timeout = min(timeout, left);
        }
        long start = clock.nanoTime();
        TokenEndpoint.Answer answer = null;
        // A token endpoint fails like any upstream (5xx, 429, resets, hangs); every caller of this credential waits on
        // this one request, so a transient failure is retried here, briefly, within the call's deadline.
        for (int attempt = 1; ; attempt++) {
            sentAt = clock.instant();
            Duration tryTimeout = min(timeout, TOKEN_TRY_TIMEOUT);
            if (deadline != null) tryTimeout = min(tryTimeout, Duration.between(sentAt, deadline));
            if (tryTimeout.isNegative() || tryTimeout.isZero()) break;
            grant = held != null ? TokenEndpoint.REFRESH_GRANT : config.grant();
            answer = held != null ? endpoint.refresh(held, tryTimeout) : endpoint.primary(tryTimeout);
            if (held != null && answer instanceof TokenState.Failed f && f.errorClass() == ErrorClass.invalid_creds) {
                // The refresh token is spent, expired or revoked (or a lost answer already rotated it): forget it and
                // start a new session with the primary grant.
                metrics.refreshTokenRefused.increment();
                publish(new TokenRefreshFailed(
                        clock.instant(), connector, tenant, trigger, grant, f.errorClass(), f.status(), f.message()));
                held = null;
                changed = true;
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
        long micros = (clock.nanoTime() - start) / 1_000;
        if (answer == null) {
            return new Minted(
                    new TokenState.Failed(
                            ErrorClass.timeout,
                            0,
                            "the call's deadline passed before the token could be refreshed",
                            null),
                    held,
                    changed,
                    grant,
                    micros);
        }
        return switch (answer) {
            case TokenEndpoint.Granted g -> {
                String next = held;
                boolean rotated = changed;
                if (g.refreshToken() != null) {
                    rotated |= !g.refreshToken().equals(held);
                    next = g.refreshToken();
                } else if (held != null && grant.equals(TokenEndpoint.REFRESH_GRANT) && config.rotatingRefresh()) {
                    // A single-use token was spent and no new one came back: it cannot be used again.
                    next = null;
                    rotated = true;
                }
                yield new Minted(token(g, sentAt), next, rotated, grant, micros);
            }
            case TokenState.Failed f -> new Minted(f, held, changed, grant, micros);
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
