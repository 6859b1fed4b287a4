package dev.gauntlet.farm.spec;

import java.util.List;

/**
 * How clients prove who they are to one service.
 *
 * @param type                  none, api_key, oauth2_client_credentials or oauth2_refresh_token
 * @param tokenTtlS             lifetime of an access token; short so a one-minute run sees refreshes
 * @param clients               OAuth clients (id + secret) allowed to take tokens
 * @param apiKeys               accepted API keys (api_key services; Supabase's anon key)
 * @param rotateRefreshTokens   a refresh token works once and is replaced by a new one (reuse is refused)
 * @param refreshTokenTtlS      lifetime of a refresh token
 * @param refreshTokenReuseIntervalS with rotation: GoTrue's reuse detection instead of plain single use. A spent refresh
 *                              token still works within this many seconds of being spent, the parent of the session's
 *                              active token always answers with the active token, and any other reuse revokes the
 *                              whole session (GOTRUE_SECURITY_REFRESH_TOKEN_REUSE_INTERVAL, 10 s by default at
 *                              Supabase). Unset: a spent token is simply refused.
 */
public record AuthSpec(
        Type type,
        Long tokenTtlS,
        List<ClientSpec> clients,
        List<String> apiKeys,
        Boolean rotateRefreshTokens,
        Long refreshTokenTtlS,
        Long refreshTokenReuseIntervalS) {

    /** The auth schemes a service can use. */
    public enum Type {
        none,
        api_key,
        oauth2_client_credentials,
        oauth2_refresh_token
    }

    public static final AuthSpec NONE = new AuthSpec(Type.none, null, null, null, null, null, null);

    public AuthSpec {
        type = type == null ? Type.none : type;
        tokenTtlS = Check.atLeast("auth.token_ttl_s", 1, tokenTtlS == null ? 120 : tokenTtlS);
        clients = clients == null ? List.of() : List.copyOf(clients);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        rotateRefreshTokens = rotateRefreshTokens == null ? type == Type.oauth2_refresh_token : rotateRefreshTokens;
        refreshTokenTtlS =
                Check.atLeast("auth.refresh_token_ttl_s", 1, refreshTokenTtlS == null ? 86_400 : refreshTokenTtlS);
        if (refreshTokenReuseIntervalS != null) {
            Check.atLeast("auth.refresh_token_reuse_interval_s", 0, refreshTokenReuseIntervalS);
            if (!rotateRefreshTokens) {
                throw new IllegalArgumentException("auth.refresh_token_reuse_interval_s (" + refreshTokenReuseIntervalS
                        + ") needs rotating refresh tokens; set auth.rotate_refresh_tokens: true or remove it");
            }
        }
        if (type == Type.api_key && apiKeys.isEmpty()) {
            throw new IllegalArgumentException("auth.api_keys must list at least one key when auth.type is api_key");
        }
        if ((type == Type.oauth2_client_credentials || type == Type.oauth2_refresh_token) && clients.isEmpty()) {
            throw new IllegalArgumentException(
                    "auth.clients must list at least one {id, secret} when auth.type is " + type);
        }
    }

    public boolean usesTokens() {
        return type == Type.oauth2_client_credentials || type == Type.oauth2_refresh_token;
    }

    /** One OAuth client. */
    public record ClientSpec(String id, String secret) {
        public ClientSpec {
            Check.text("auth.clients[].id", id);
            Check.text("auth.clients[].secret", secret);
        }
    }
}
