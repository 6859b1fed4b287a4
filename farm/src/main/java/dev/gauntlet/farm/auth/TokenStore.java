package dev.gauntlet.farm.auth;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Access and refresh tokens of one service: issue with a TTL, check, revoke early (chaos), and rotate refresh tokens
 * so that each works once. Time comes from the injected clock.
 */
public final class TokenStore {

    /** An access token and whom it belongs to. */
    public record AccessToken(String value, String clientId, Instant issuedAt, Instant expiresAt, AtomicBoolean revoked) {}

    /** A refresh token; {@code used} flips once it has been exchanged. */
    public record RefreshToken(String value, String clientId, Instant expiresAt, AtomicBoolean used) {}

    /** What a token endpoint hands out. */
    public record Issued(AccessToken access, RefreshToken refresh, long ttlSeconds) {}

    /** The verdict on a presented access token. */
    public enum Verdict { VALID, EXPIRED, REVOKED, UNKNOWN }

    /** A check's verdict and, when the token is known, its client. */
    public record Check(Verdict verdict, String clientId) {
        static final Check UNKNOWN = new Check(Verdict.UNKNOWN, null);
    }

    /** Why a refresh token was refused. */
    public enum RefreshFailure { UNKNOWN, ALREADY_USED, EXPIRED }

    /** A refresh outcome: tokens, or why not. */
    public record Refreshed(Issued issued, RefreshFailure failure) {}

    private final InstantSource clock;
    private final Duration ttl;
    private final Duration refreshTtl;
    private final boolean rotate;
    private final Function<String, String> format;
    private final Map<String, AccessToken> access = new ConcurrentHashMap<>();
    private final Map<String, RefreshToken> refresh = new ConcurrentHashMap<>();
    private final LongAdder issued = new LongAdder();
    private final LongAdder refreshed = new LongAdder();
    private volatile Instant lastPurge = Instant.EPOCH;

    /**
     * @param format turns random hex into the vendor's token shape (prefixes, JWT, …)
     */
    public TokenStore(InstantSource clock, Duration ttl, Duration refreshTtl, boolean rotate, Function<String, String> format) {
        this.clock = clock;
        this.ttl = ttl;
        this.refreshTtl = refreshTtl;
        this.rotate = rotate;
        this.format = format;
    }

    public Duration ttl() {
        return ttl;
    }

    public Issued issue(String clientId, boolean withRefresh) {
        Instant now = clock.instant();
        AccessToken token = accept(format.apply(randomHex()), clientId, ttl);
        RefreshToken rt = null;
        if (withRefresh) {
            rt = new RefreshToken(randomHex(), clientId, now.plus(refreshTtl), new AtomicBoolean());
            refresh.put(rt.value(), rt);
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

    public Check check(String value) {
        if (value == null) return Check.UNKNOWN;
        AccessToken token = access.get(value);
        if (token == null) return Check.UNKNOWN;
        if (token.revoked().get()) return new Check(Verdict.REVOKED, token.clientId());
        if (!clock.instant().isBefore(token.expiresAt())) return new Check(Verdict.EXPIRED, token.clientId());
        return new Check(Verdict.VALID, token.clientId());
    }

    /** Chaos: the token stops working before its TTL. */
    public void revoke(String value) {
        AccessToken token = access.get(value);
        if (token != null) token.revoked().set(true);
    }

    /** Exchanges a refresh token; with rotation the old one is spent and a new one is returned with the access token. */
    public Refreshed refresh(String value) {
        RefreshToken rt = value == null ? null : refresh.get(value);
        if (rt == null) return new Refreshed(null, RefreshFailure.UNKNOWN);
        if (!clock.instant().isBefore(rt.expiresAt())) return new Refreshed(null, RefreshFailure.EXPIRED);
        if (rotate && !rt.used().compareAndSet(false, true)) {
            return new Refreshed(null, RefreshFailure.ALREADY_USED);
        }
        refreshed.increment();
        Issued next = issue(rt.clientId(), rotate);
        return new Refreshed(rotate ? next : new Issued(next.access(), rt, next.ttlSeconds()), null);
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
    }

    /** Forgets tokens that expired more than an hour ago, at most once a minute, so a long run does not grow. */
    private void purgeNowAndThen() {
        Instant now = clock.instant();
        if (now.isBefore(lastPurge.plusSeconds(60))) return;
        lastPurge = now;
        Instant cutoff = now.minusSeconds(3600);
        access.values().removeIf(t -> t.expiresAt().isBefore(cutoff));
        refresh.values().removeIf(t -> t.expiresAt().isBefore(cutoff));
    }

    /** 32 random hex digits, the raw material of every token value. */
    public static String randomHex() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return Long.toHexString(r.nextLong() | Long.MIN_VALUE) + Long.toHexString(r.nextLong() | Long.MIN_VALUE);
    }
}
