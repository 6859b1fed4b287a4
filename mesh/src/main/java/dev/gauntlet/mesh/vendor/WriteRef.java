package dev.gauntlet.mesh.vendor;

import java.time.Instant;
import java.util.Objects;

/**
 * A write whose outcome is to be read back: what was sent, the caller's operation id (what the read looks for) and
 * when it was first sent (reads look no further back than that, less a margin for clock skew).
 */
public record WriteRef(
        String tenant, String method, String path, byte[] body, String contentType, String opId, Instant sentAt) {
    public WriteRef {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sentAt, "sentAt");
        body = body == null ? new byte[0] : body;
        tenant = tenant == null ? "default" : tenant;
    }
}
