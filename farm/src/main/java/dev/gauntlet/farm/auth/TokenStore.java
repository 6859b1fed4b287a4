package dev.gauntlet.farm.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Access and refresh tokens of one service: issue with a TTL, check, revoke early (chaos), and rotate refresh tokens
 * so that each works once - or, with a reuse interval, with GoTrue's reuse detection. Time comes from the injected
 * clock.
 */
public final class TokenStore {

    /** An access token and whom it belongs to. */
    public record AccessToken(
            String value, String clientId, Instant issuedAt, Instant expiresAt, AtomicBoolean revoked) {}

    /** A refresh token as handed out. */
    public record RefreshToken(String value, String clientId, Instant expiresAt) {}

    /** What a token endpoint hands out. */
    public record Issued(AccessToken access, RefreshToken refresh, long ttlSeconds) {}

    /** The verdict on a presented access token. */
    public enum Verdict {
        VALID,
        EXPIRED,
        REVOKED,
        UNKNOWN
    }

    /**
     * A check's verdict and, when the credential is known, its client.
     *
     * @param token the stored token a revocation of this credential targets; null when it cannot be revoked (a
     *              vendor credential the store did not issue, such as Supabase's anon key)
     */
    public record Check(Verdict verdict, String clientId, String token) {
        public static final Check UNKNOWN = new Check(Verdict.UNKNOWN, null, null);
    }

    /** Why a refresh token was refused. */
    public enum RefreshFailure {
        UNKNOWN,
        ALREADY_USED,
        EXPIRED
    }

    /** A refresh outcome: tokens, or why not. */
    public record Refreshed(Issued issued, RefreshFailure failure) {}

    /** One sign-in, the chain of refresh tokens that descends from it. Its fields change only under its own lock. */
    private static final class Session {
        /** The active refresh token: the one handed out last. */
        Held newest;
        /** Reuse was detected: every refresh token of the session is revoked. */
        boolean terminated;
    }

    /** A refresh token with its place in its session. {@code spentAt} changes only under the session's lock. */
    private static final class Held {
        final RefreshToken token;
        final Session session;
        final String parent;
        Instant spentAt;

        Held(RefreshToken token, Session session, String parent) {
            this.token = token;
            this.session = session;
            this.parent = parent;
        }
    }

    private final InstantSource clock;
    private final Duration ttl;
    private final Duration refreshTtl;
    private final boolean rotate;
    private final Duration reuseInterval;
    private final Function<String, String> format;
    private final Map<String, AccessToken> access = new ConcurrentHashMap<>();
    private final Map<String, Held> refresh = new ConcurrentHashMap<>();
    private final LongAdder issued = new LongAdder();
    private final LongAdder refreshed = new LongAdder();
    private final LongAdder reuseRefused = new LongAdder();
    private volatile Instant lastPurge = Instant.EPOCH;
    private volatile BiFunction<String, Instant, Check> vendorCheck;

    /**
     * @param format turns random hex into the vendor's token shape (prefixes, JWT, …)
     */
    public TokenStore(
            InstantSource clock, Duration ttl, Duration refreshTtl, boolean rotate, Function<String, String> format) {
        this(clock, ttl, refreshTtl, rotate, null, format);
    }

    /**
     * @param reuseInterval with rotation, GoTrue's refresh token reuse detection with this interval (see
     *                      {@link #refresh}); null for plain single use
     * @param format        turns random hex into the vendor's token shape (prefixes, JWT, …)
     */
    public TokenStore(
            InstantSource clock,
            Duration ttl,
            Duration refreshTtl,
            boolean rotate,
            Duration reuseInterval,
            Function<String, String> format) {
        if (reuseInterval != null && (reuseInterval.isNegative() || !rotate)) {
            throw new IllegalArgumentException(
                    "reuseInterval needs rotation and must be ≥ 0, was " + reuseInterval + " (rotate " + rotate + ")");
        }
        this.clock = clock;
        this.ttl = ttl;
        this.refreshTtl = refreshTtl;
        this.rotate = rotate;
        this.reuseInterval = reuseInterval;
        this.format = format;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * How the vendor judges a presented credential this store did not issue as is (Supabase: any JWT signed with the
     * project's secret, the role keys among them), given the credential and the time now. Set once by the flavour
     * when the service starts.
     */
    public void vendorCheck(BiFunction<String, Instant, Check> check) {
        this.vendorCheck = check;
    }

    /** Signs a client in: a new access token and, when asked, the first refresh token of a new session. */
    public Issued issue(String clientId, boolean withRefresh) {
        AccessToken token = newAccess(clientId);
        RefreshToken rt = null;
        if (withRefresh) {
            Session session = new Session();
            synchronized (session) {
                rt = newRefresh(clientId, session, null).token;
            }
        }
        return new Issued(token, rt, ttl.toSeconds());
    }

    /**
     * Accepts an access token issued elsewhere: the farm-wide token endpoint hands one token to a client of several
     * services and registers it in each of their stores with the same value and the TTL they share.
     */
    public AccessToken accept(String value, String clientId, Duration lifetime) {
        purgeNowAndThen();
        Instant now = clock.instant();
        AccessToken token = new AccessToken(value, clientId, now, now.plus(lifetime), new AtomicBoolean());
        access.put(value, token);
        issued.increment();
        return token;
    }

    /** Whether this store issued the refresh token (spent or not), so the farm-wide endpoint can find its service. */
    public boolean knowsRefreshToken(String value) {
        return value != null && refresh.containsKey(value);
    }

    /** The verdict on a presented credential: a token this store issued, else whatever the vendor's check says. */
    public Check check(String value) {
        if (value == null) return Check.UNKNOWN;
        Check own = checkIssued(value);
        BiFunction<String, Instant, Check> vendor = vendorCheck;
        return own.verdict() != Verdict.UNKNOWN || vendor == null ? own : vendor.apply(value, clock.instant());
    }

    /** The verdict on an access token this store issued, by its stored value. */
    public Check checkIssued(String value) {
        AccessToken token = value == null ? null : access.get(value);
        if (token == null) return Check.UNKNOWN;
        if (token.revoked().get()) return new Check(Verdict.REVOKED, token.clientId(), token.value());
        if (!clock.instant().isBefore(token.expiresAt()))
            return new Check(Verdict.EXPIRED, token.clientId(), token.value());
        return new Check(Verdict.VALID, token.clientId(), token.value());
    }

    /** Chaos: the token stops working before its TTL. */
    public void revoke(String value) {
        AccessToken token = value == null ? null : access.get(value);
        if (token != null) token.revoked().set(true);
    }

    /**
     * Exchanges a refresh token. Without rotation it keeps working. With rotation it is spent and a child replaces it;
     * a spent one is refused - unless a reuse interval is set, then the rules of Supabase Auth (GoTrue) apply
     * (supabase.com/docs/guides/auth/sessions, "What is refresh token reuse detection"; supabase/auth
     * internal/tokens/service.go, the RefreshTokenGrant):
     * <ul>
     *   <li>the parent of the session's active token gets a new access token and the active refresh token back, however
     *       late (a client that never got the answer to its refresh comes back with the token it sent);</li>
     *   <li>any other spent token within the interval after it was spent gets a new child (concurrent refreshes, SSR);</li>
     *   <li>anything else is reuse: every refresh token of the session is revoked and the answer is "already used",
     *       now and for every later refresh of that session. GoTrue v1 keeps the revoked rows, so one of them can
     *       still slip through within the interval of the revocation; the docs call the session terminated, and so
     *       does the farm. Access tokens already issued keep working until they expire, as JWTs do.</li>
     * </ul>
     */
    public Refreshed refresh(String value) {
        Held held = value == null ? null : refresh.get(value);
        if (held == null) return new Refreshed(null, RefreshFailure.UNKNOWN);
        Instant now = clock.instant();
        if (!now.isBefore(held.token.expiresAt())) return new Refreshed(null, RefreshFailure.EXPIRED);
        if (!rotate) return granted(held.token);
        Session session = held.session;
        synchronized (session) {
            if (held.spentAt == null && !session.terminated) {
                held.spentAt = now;
                return granted(newRefresh(held.token.clientId(), session, held).token);
            }
            if (reuseInterval == null) return alreadyUsed();
            if (session.terminated) return alreadyUsed();
            Held active = session.newest;
            if (active.spentAt == null && value.equals(active.parent)) return granted(active.token);
            if (!now.isAfter(held.spentAt.plus(reuseInterval)))
                return granted(newRefresh(held.token.clientId(), session, held).token);
            session.terminated = true;
            return alreadyUsed();
        }
    }

    /** A spent refresh token presented again and refused: counted, the answer "already used". */
    private Refreshed alreadyUsed() {
        reuseRefused.increment();
        return new Refreshed(null, RefreshFailure.ALREADY_USED);
    }

    /** Refresh tokens refused as already used (a reuse outside GoTrue's interval, or any reuse without one). */
    public long reuseRefusedCount() {
        return reuseRefused.sum();
    }

    public long issuedCount() {
        return issued.sum();
    }

    public long refreshedCount() {
        return refreshed.sum();
    }

    public void clear() {
        access.clear();
        refresh.clear();
        issued.reset();
        refreshed.reset();
        reuseRefused.reset();
    }

    /** A successful refresh: a fresh access token with this refresh token. */
    private Refreshed granted(RefreshToken rt) {
        refreshed.increment();
        return new Refreshed(new Issued(newAccess(rt.clientId()), rt, ttl.toSeconds()), null);
    }

    private AccessToken newAccess(String clientId) {
        return accept(format.apply(randomHex()), clientId, ttl);
    }

    /** A refresh token of {@code session}, its newest; the caller holds the session's lock. */
    private Held newRefresh(String clientId, Session session, Held parent) {
        RefreshToken rt =
                new RefreshToken(randomHex(), clientId, clock.instant().plus(refreshTtl));
        Held held = new Held(rt, session, parent == null ? null : parent.token.value());
        session.newest = held;
        refresh.put(rt.value(), held);
        return held;
    }

    /** Forgets tokens that expired more than an hour ago, at most once a minute, so a long run does not grow. */
    private void purgeNowAndThen() {
        Instant now = clock.instant();
        if (now.isBefore(lastPurge.plusSeconds(60))) return;
        lastPurge = now;
        Instant cutoff = now.minusSeconds(3600);
        access.values().removeIf(t -> t.expiresAt().isBefore(cutoff));
        refresh.values().removeIf(h -> h.token.expiresAt().isBefore(cutoff));
    }

    /** 32 random hex digits, the raw material of every token value. */
    public static String randomHex() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
