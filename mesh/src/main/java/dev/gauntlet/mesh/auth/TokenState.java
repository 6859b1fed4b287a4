package dev.gauntlet.mesh.auth;

import dev.gauntlet.mesh.call.ErrorClass;
import java.time.Duration;
import java.time.Instant;

/** What asking for a credential gives: a usable {@link Token} or a {@link Failed} token request. */
public sealed interface TokenState permits TokenState.Token, TokenState.Failed {

    /**
     * An access token as the mesh holds it.
     *
     * @param headerValue the Authorization header's value, built once per token rather than per call
     * @param refreshAt   when the next call should fetch a new one (expiry minus the clamped margin)
     * @param generation  counts up per (connector, tenant) with every new token; a 401 on generation g only refreshes
     *                    when g is still the newest
     */
    record Token(
            String value,
            String headerValue,
            Instant issuedAt,
            Instant expiresAt,
            Instant refreshAt,
            long generation,
            Duration ttl)
            implements TokenState {
        /** Not part of toString: the value is a secret. */
        @Override
        public String toString() {
            return "Token[generation=" + generation + ", issuedAt=" + issuedAt + ", expiresAt=" + expiresAt
                    + ", refreshAt=" + refreshAt + "]";
        }
    }

    /**
     * A token request that did not give a token.
     *
     * @param retryAfter the token endpoint's Retry-After, or null
     */
    record Failed(ErrorClass errorClass, int status, String message, Duration retryAfter)
            implements TokenState, TokenEndpoint.Answer {}
}
