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
 */
public record AuthSpec(
        Type type,
        Long tokenTtlS,
        List<ClientSpec> clients,
        List<String> apiKeys,
        Boolean rotateRefreshTokens,
        Long refreshTokenTtlS) {

    /** The auth schemes a service can use. */
    public enum Type { none, api_key, oauth2_client_credentials, oauth2_refresh_token }

    public static final AuthSpec NONE = new AuthSpec(Type.none, null, null, null, null, null);

    public AuthSpec {
        type = type == null ? Type.none : type;
        tokenTtlS = Check.atLeast("auth.token_ttl_s", 1, tokenTtlS == null ? 120 : tokenTtlS);
        clients = clients == null ? List.of() : List.copyOf(clients);
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        rotateRefreshTokens = rotateRefreshTokens == null ? type == Type.oauth2_refresh_token : rotateRefreshTokens;
        refreshTokenTtlS = Check.atLeast("auth.refresh_token_ttl_s", 1, refreshTokenTtlS == null ? 86_400 : refreshTokenTtlS);
        if (type == Type.api_key && apiKeys.isEmpty()) {
            throw new IllegalArgumentException("auth.api_keys must list at least one key when auth.type is api_key");
        }
        if ((type == Type.oauth2_client_credentials || type == Type.oauth2_refresh_token) && clients.isEmpty()) {
            throw new IllegalArgumentException("auth.clients must list at least one {id, secret} when auth.type is " + type);
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
