package dev.gauntlet.mesh.idempotency;

import dev.gauntlet.mesh.Checks;
import dev.gauntlet.mesh.MeshRequest;
import java.util.List;

/**
 * How writes carry their key upstream, and which calls are writes at all.
 *
 * @param header    the vendor's header ("Idempotency-Key" for Stripe and the farm's services)
 * @param enabled   when false, writes carry no key: ambiguous failures then go to the DLQ as unknown outcome
 * @param readPaths path endings of calls that are reads although their method is not GET (MongoDB's Data API finds
 *                  with {@code POST …/action/find}): they get no key, no intent, and are retried and never parked as reads are
 */
public record IdempotencyConfig(String header, boolean enabled, List<String> readPaths) {
    public static final IdempotencyConfig DEFAULT = new IdempotencyConfig("Idempotency-Key", true);

    public IdempotencyConfig {
        Checks.text("idempotency.header", header);
        readPaths = readPaths == null ? List.of() : List.copyOf(readPaths);
        for (String p : readPaths) {
            if (p == null || !p.startsWith("/")) throw new IllegalArgumentException("idempotency.read_paths entries must start with '/', was '" + p + "'");
        }
    }

    public IdempotencyConfig(String header, boolean enabled) {
        this(header, enabled, List.of());
    }

    /** Whether the call changes state upstream: not GET, HEAD or OPTIONS, and not one of the {@link #readPaths}. */
    public boolean isWrite(MeshRequest request) {
        return isWrite(request.method(), request.path());
    }

    /** The same rule for a call described by its method and path alone (a client that builds no {@link MeshRequest}). */
    public boolean isWrite(String method, String path) {
        return MeshRequest.isWriteMethod(method) && !isReadPath(path);
    }

    /** Whether the path (query aside) ends with one of the {@link #readPaths}. */
    private boolean isReadPath(String path) {
        if (readPaths.isEmpty()) return false;
        int q = path.indexOf('?');
        int end = q < 0 ? path.length() : q;
        for (String read : readPaths) {
            if (end >= read.length() && path.startsWith(read, end - read.length())) return true;
        }
        return false;
    }
}
