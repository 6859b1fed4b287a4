package dev.gauntlet.mesh.event;

import java.time.Instant;

/**
 * A new access token was obtained for (connector, tenant).
 *
 * @param grant     the grant that got it: client_credentials, password or refresh_token
 * @param ttlMs     the token's lifetime (expires_in, or the configured default when the answer has none)
 * @param marginMs  how long before expiry the next refresh is due (the configured margin, kept below the TTL)
 */
public record TokenRefreshed(
        Instant at,
        String connector,
        String tenant,
        long latencyMs,
        long ttlMs,
        long marginMs,
        RefreshTrigger trigger,
        String grant)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.token_refreshed;
    }
}
