package dev.gauntlet.mesh.event;

import dev.gauntlet.mesh.call.ErrorClass;
import java.time.Instant;

/**
 * A token request failed: the token endpoint refused the credential (invalid_creds), was unreachable
 * (network_error, timeout) or broken (server_error), or a held refresh token was refused and the primary grant is used.
 *
 * @param status the token endpoint's HTTP status, 0 when none came back
 */
public record TokenRefreshFailed(
        Instant at,
        String connector,
        String tenant,
        RefreshTrigger trigger,
        String grant,
        ErrorClass errorClass,
        int status,
        String message)
        implements MeshEvent {
    @Override
    public EventType eventType() {
        return EventType.token_refresh_failed;
    }
}
