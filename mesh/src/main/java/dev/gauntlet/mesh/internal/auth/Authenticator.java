package dev.gauntlet.mesh.internal.auth;

import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.TokenState;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Puts a connector's credential on each attempt and takes it off again afterwards, so the stages above (retry, DLQ,
 * observe) never hold a secret: the header is set on a copy of the request for the attempt only.
 */
public sealed interface Authenticator permits Authenticator.Anonymous, Authenticator.StaticKey, Authenticator.OAuth {

    Outcome authenticate(Exchange exchange, Chain next);

    Map<String, Object> status();

    /** Fetches in the background what the first calls would otherwise wait for (OAuth tokens); nothing for the others. */
    default void prefetch(List<String> tenants) {}

    /**
     * The authenticator for a connector's {@link AuthConfig}.
     *
     * @param firstTenant the tenant a call without one is sent as
     * @param tokens      makes the OAuth token cache (called only for OAuth2)
     */
    static Authenticator of(AuthConfig auth, String firstTenant, Function<AuthConfig.OAuth2, OAuthTokens> tokens) {
        return switch (auth) {
            case AuthConfig.None n -> new Anonymous();
            case AuthConfig.ApiKey k -> new StaticKey(k);
            case AuthConfig.OAuth2 o -> new OAuth(tokens.apply(o), firstTenant, o.sessions());
        };
    }

    /** One attempt with {@code name: value} on the request, the caller's request put back whatever happens. */
    static Outcome attempt(Exchange exchange, Chain next, MeshRequest original, String name, String value) {
        // A caller's own header of the same name (any case) is replaced, not sent twice.
        exchange.request(original.replacingHeader(name, value));
        try {
            return next.proceed(exchange);
        } finally {
            exchange.request(original);
        }
    }

    /** No credential: the exchange goes on as it is. */
    record Anonymous() implements Authenticator {
        @Override
        public Outcome authenticate(Exchange exchange, Chain next) {
            return next.proceed(exchange);
        }

        @Override
        public Map<String, Object> status() {
            return Map.of();
        }
    }

    /** A static key in a header on every attempt; there is nothing to refresh, so its failures go up unchanged. */
    final class StaticKey implements Authenticator {
        private final String header;
        private final String value;

        StaticKey(AuthConfig.ApiKey config) {
            this.header = config.header();
            this.value = config.prefix() + config.key();
        }

        @Override
        public Outcome authenticate(Exchange exchange, Chain next) {
            return attempt(exchange, next, exchange.request(), header, value);
        }

        @Override
        public Map<String, Object> status() {
            return Map.of("type", "api_key", "header", header);
        }
    }

    /**
     * OAuth 2.0 bearer tokens: a cached token on each attempt; on auth_expired one refresh and one more attempt at
     * once; a second refusal with the fresh token is invalid_creds (never a loop).
     */
    final class OAuth implements Authenticator {
        private static final String HEADER = "Authorization";
        private final OAuthTokens tokens;
        private final String firstTenant;
        private final int sessions;
        private final AtomicLong turns = new AtomicLong();

        OAuth(OAuthTokens tokens, String firstTenant, int sessions) {
            this.tokens = tokens;
            this.firstTenant = firstTenant;
            this.sessions = sessions;
        }

        /**
         * The credential this attempt uses: the tenant's own, or with several sessions the next one in turn
         * ({@code tenant}, {@code tenant#1}, …), kept for this attempt's one refresh-and-retry.
         */
        String session(String tenant) {
            if (sessions == 1) return tenant;
            int k = (int) Math.floorMod(turns.getAndIncrement(), (long) sessions);
            return k == 0 ? tenant : tenant + "#" + k;
        }

        public OAuthTokens tokens() {
            return tokens;
        }

        /**
         * Each session of each tenant fetches its first token now, in the background: a connector registered before
         * the load starts does not meet its first calls with a token request every caller waits on (a cold start at
         * 660 calls a second queued hundreds of calls behind six token requests). A call that comes first simply waits
         * for the fetch in flight, as it would have for its own.
         */
        @Override
        public void prefetch(List<String> tenants) {
            for (String tenant : tenants) {
                for (int k = 0; k < sessions; k++) {
                    String session = k == 0 ? tenant : tenant + "#" + k;
                    Thread.ofVirtual().name("mesh-token-prefetch").start(() -> tokens.acquire(session, null));
                }
            }
        }

        @Override
        public Outcome authenticate(Exchange exchange, Chain next) {
            MeshRequest original = exchange.request();
            String tenant = session(original.tenant());
            Instant deadline = exchange.deadline();
            TokenState state = tokens.acquire(tenant, deadline);
            if (!(state instanceof TokenState.Token token)) return failure((TokenState.Failed) state, exchange);
            Outcome first = attempt(exchange, next, original, HEADER, token.headerValue());
            if (!(first instanceof Outcome.Failure f) || f.errorClass() != ErrorClass.auth_expired) return first;

            TokenState again = tokens.refreshAfterRejection(tenant, token.generation(), deadline);
            if (!(again instanceof TokenState.Token fresh)) return failure((TokenState.Failed) again, exchange);
            Outcome second = attempt(exchange, next, original, HEADER, fresh.headerValue());
            if (second instanceof Outcome.Failure f2
                    && (f2.errorClass() == ErrorClass.auth_expired || f2.status() == 401)) {
                // Refused again with a token minted for this very retry. The token endpoint has just accepted the
                // credentials, so they are not what is wrong: the shared token was revoked again (by a revocation
                // that struck another caller, or twice in a row). No second refresh here - the stage retries once -
                // but auth_expired, which the retry stage may try again later with its backoff and budget; the next
                // 401 then refreshes. Refused credentials show up where they are checked: at the token endpoint.
                tokens.metrics().refusedAfterRefresh.increment();
                return new Outcome.Failure(
                        ErrorClass.auth_expired,
                        f2.status(),
                        "refused again with a freshly refreshed token (revoked meanwhile): " + f2.message(),
                        null,
                        f2.response());
            }
            return second;
        }

        /**
         * A token request that failed, as the call's failure. The request itself was never sent, so a write must not
         * look ambiguous: a plain write failing with network_error or timeout would be read back or parked as
         * "outcome unknown". Such a write gets auth_expired instead, which the retry stage retries or parks for replay;
         * a keyed or naturally idempotent write (and a read) keeps the real class and is simply retried.
         */
        private static Outcome failure(TokenState.Failed f, Exchange exchange) {
            boolean plainWrite = exchange.writeForm() == dev.gauntlet.mesh.call.WriteForm.PLAIN;
            ErrorClass c = plainWrite && f.errorClass().isAmbiguous() ? ErrorClass.auth_expired : f.errorClass();
            return new Outcome.Failure(c, f.status(), f.message(), f.retryAfter(), null);
        }

        @Override
        public Map<String, Object> status() {
            RefreshMetrics m = tokens.metrics();
            var h = m.latencies();
            var s = new LinkedHashMap<String, Object>();
            s.put("type", "oauth2");
            s.put("sessions", sessions);
            // The first tenant's token (the only one for most connectors).
            TokenState.Token t = tokens.current(firstTenant);
            s.put("token_expires_at", t == null ? null : t.expiresAt().toString());
            s.put("token_refresh_at", t == null ? null : t.refreshAt().toString());
            s.put("refreshes", m.refreshes());
            s.put("proactive_refreshes", m.proactiveRefreshes());
            s.put("reactive_refreshes", m.reactiveRefreshes());
            s.put("refresh_failures", m.failures());
            s.put("refresh_tokens_refused", m.refreshTokenRefused());
            s.put("refresh_p50_ms", h.getValueAtPercentile(50) / 1000.0);
            s.put("refresh_p99_ms", h.getValueAtPercentile(99) / 1000.0);
            s.put("refresh_max_ms", h.getMaxValue() / 1000.0);
            s.put("auth_expired_seen", m.authExpiredSeen());
            s.put("refused_after_refresh", m.refusedAfterRefresh());
            s.put("waited_for_refresh", m.waits());
            s.put("tokens_adopted", m.adopted());
            s.put("token_commits_refused", m.commitsRefused());
            s.put("token_store_fallbacks", m.storeFallbacks());
            s.put("token_store_waits", m.storeWaits());
            return s;
        }
    }
}
