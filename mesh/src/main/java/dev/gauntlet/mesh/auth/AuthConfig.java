package dev.gauntlet.mesh.auth;

import dev.gauntlet.mesh.call.Checks;
import java.time.Duration;
import java.util.Map;

/** How a connector proves who it is upstream. */
public sealed interface AuthConfig permits AuthConfig.None, AuthConfig.ApiKey, AuthConfig.OAuth2 {

    /** No credential. */
    record None() implements AuthConfig {}

    /**
     * A static key put in a header on every call.
     *
     * @param header e.g. "Authorization", "apiKey", "DD-API-KEY", "X-API-Key"
     * @param prefix put before the key, e.g. "Bearer " (empty for none)
     */
    record ApiKey(String header, String prefix, String key) implements AuthConfig {
        public ApiKey {
            Checks.text("auth.header", header);
            prefix = prefix == null ? "" : prefix;
            Checks.text("auth.key", key);
        }

        /** {@code Authorization: Bearer <key>}. */
        public static ApiKey bearer(String key) {
            return builder().header("Authorization").prefix("Bearer ").key(key).build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Named settings; {@link #build()} refuses a missing header or key, naming the field. */
        public static final class Builder {
            private String header;
            private String prefix = "";
            private String key;

            private Builder() {}

            public Builder header(String v) {
                this.header = v;
                return this;
            }

            public Builder prefix(String v) {
                this.prefix = v;
                return this;
            }

            public Builder key(String v) {
                this.key = v;
                return this;
            }

            public ApiKey build() {
                return new ApiKey(header, prefix, key);
            }
        }

        /** The key stays out of logs, events and status pages. */
        @Override
        public String toString() {
            return "ApiKey[header=" + header + ", prefix=" + prefix + ", key=***]";
        }
    }

    /**
     * OAuth 2.0 tokens from a token endpoint, refreshed before they expire.
     *
     * @param tokenUrl          absolute URL of the token endpoint
     * @param grant             "client_credentials" or "password" (client id/secret sent as username/password or email/password)
     * @param refreshMargin     refresh this long before expiry (always kept shorter than the token's TTL)
     * @param rotatingRefresh   refresh tokens are single-use: store the new one before using it
     * @param defaultTtl        TTL to assume when the token response has no expires_in (Salesforce)
     * @param tokenHeaders      extra headers on token requests (Supabase's apikey)
     * @param jsonBody          send the token request as JSON (GoTrue) instead of a form
     * @param sessions          independent sessions (logins) per tenant, each with its own token, that calls take in
     *                          turn (1 by default): a vendor that revokes the token a request presented then cuts off
     *                          only the calls of that session, not every call in flight (1 to 64)
     */
    record OAuth2(
            String tokenUrl,
            String grant,
            String clientId,
            String clientSecret,
            Duration refreshMargin,
            boolean rotatingRefresh,
            Duration defaultTtl,
            Map<String, String> tokenHeaders,
            boolean jsonBody,
            Integer sessions)
            implements AuthConfig {
        public static final int MAX_SESSIONS = 64;

        public OAuth2 {
            Checks.httpUrl("auth.token_url", tokenUrl);
            grant = grant == null ? "client_credentials" : grant;
            if (!grant.equals("client_credentials") && !grant.equals("password")) {
                throw new IllegalArgumentException(
                        "auth.grant must be client_credentials or password, was '" + grant + "'");
            }
            Checks.text("auth.client_id", clientId);
            Checks.text("auth.client_secret", clientSecret);
            refreshMargin = refreshMargin == null
                    ? Duration.ofSeconds(10)
                    : Checks.positive("auth.refresh_margin", refreshMargin);
            defaultTtl = defaultTtl == null ? Duration.ofMinutes(2) : Checks.positive("auth.default_ttl", defaultTtl);
            tokenHeaders = tokenHeaders == null ? Map.of() : Map.copyOf(tokenHeaders);
            sessions = sessions == null ? 1 : sessions;
            if (sessions < 1 || sessions > MAX_SESSIONS) {
                throw new IllegalArgumentException("auth.sessions must be 1 to " + MAX_SESSIONS + ", was " + sessions);
            }
        }

        /** The client-credentials grant with every other setting at its default. */
        public static OAuth2 clientCredentials(String tokenUrl, String clientId, String clientSecret) {
            return builder()
                    .tokenUrl(tokenUrl)
                    .clientId(clientId)
                    .clientSecret(clientSecret)
                    .build();
        }

        /**
         * Supabase GoTrue: {@code POST <tokenUrl>?grant_type=password|refresh_token} with a JSON body
         * ({@code email}/{@code password}, then {@code refresh_token}), the anon key in the {@code apikey} header, and
         * single-use refresh tokens.
         */
        public static OAuth2 gotrue(String tokenUrl, String email, String password, String anonKey) {
            return builder()
                    .tokenUrl(tokenUrl)
                    .grant("password")
                    .clientId(email)
                    .clientSecret(password)
                    .rotatingRefresh(true)
                    .tokenHeaders(Map.of("apikey", Checks.text("auth.anon_key", anonKey)))
                    .jsonBody(true)
                    .build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** A builder holding this config's values, to change a few. */
        public Builder toBuilder() {
            return builder()
                    .tokenUrl(tokenUrl)
                    .grant(grant)
                    .clientId(clientId)
                    .clientSecret(clientSecret)
                    .refreshMargin(refreshMargin)
                    .rotatingRefresh(rotatingRefresh)
                    .defaultTtl(defaultTtl)
                    .tokenHeaders(tokenHeaders)
                    .jsonBody(jsonBody)
                    .sessions(sessions);
        }

        public OAuth2 withRefreshMargin(Duration margin) {
            return toBuilder().refreshMargin(margin).build();
        }

        public OAuth2 withDefaultTtl(Duration ttl) {
            return toBuilder().defaultTtl(ttl).build();
        }

        public OAuth2 withSessions(int n) {
            return toBuilder().sessions(n).build();
        }

        /**
         * Named settings; a setting left unset takes the default the record's constructor gives it (grant
         * client_credentials, a 10 s refresh margin, a 2 minute default TTL, one session). {@link #build()} refuses
         * bad values, naming the field and the value.
         */
        public static final class Builder {
            private String tokenUrl;
            private String grant;
            private String clientId;
            private String clientSecret;
            private Duration refreshMargin;
            private boolean rotatingRefresh;
            private Duration defaultTtl;
            private Map<String, String> tokenHeaders;
            private boolean jsonBody;
            private Integer sessions;

            private Builder() {}

            public Builder tokenUrl(String v) {
                this.tokenUrl = v;
                return this;
            }

            public Builder grant(String v) {
                this.grant = v;
                return this;
            }

            public Builder clientId(String v) {
                this.clientId = v;
                return this;
            }

            public Builder clientSecret(String v) {
                this.clientSecret = v;
                return this;
            }

            public Builder refreshMargin(Duration v) {
                this.refreshMargin = v;
                return this;
            }

            public Builder rotatingRefresh(boolean v) {
                this.rotatingRefresh = v;
                return this;
            }

            public Builder defaultTtl(Duration v) {
                this.defaultTtl = v;
                return this;
            }

            public Builder tokenHeaders(Map<String, String> v) {
                this.tokenHeaders = v;
                return this;
            }

            public Builder jsonBody(boolean v) {
                this.jsonBody = v;
                return this;
            }

            public Builder sessions(int v) {
                this.sessions = v;
                return this;
            }

            public OAuth2 build() {
                return new OAuth2(
                        tokenUrl,
                        grant,
                        clientId,
                        clientSecret,
                        refreshMargin,
                        rotatingRefresh,
                        defaultTtl,
                        tokenHeaders,
                        jsonBody,
                        sessions);
            }
        }

        /** Secrets stay out of logs, events and status pages. */
        @Override
        public String toString() {
            return "OAuth2[tokenUrl=" + tokenUrl + ", grant=" + grant + ", clientId=" + clientId
                    + ", clientSecret=***, refreshMargin="
                    + refreshMargin + ", rotatingRefresh=" + rotatingRefresh + ", defaultTtl=" + defaultTtl
                    + ", tokenHeaders="
                    + tokenHeaders.keySet() + ", jsonBody=" + jsonBody + ", sessions=" + sessions + "]";
        }
    }
}
