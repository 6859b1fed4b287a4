package dev.gauntlet.mesh.idempotency;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A keyed write as recorded before its first attempt: enough to replay it after a crash with the same key.
 *
 * @param headers the request's headers with secrets removed (see {@link dev.gauntlet.mesh.call.Secrets})
 */
public record Intent(
        String key,
        String connector,
        String tenant,
        String method,
        String path,
        Map<String, String> headers,
        byte[] body,
        String contentType,
        String opId,
        IntentState state,
        Instant createdAt,
        Instant updatedAt) {
    public Intent {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(connector, "connector");
        Objects.requireNonNull(state, "state");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }
}
