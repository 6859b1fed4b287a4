package dev.gauntlet.mesh.call;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One logical call as a workflow asks for it: method, path below the connector's base URL, headers, body, and for
 * writes the caller's operation id (the idempotency key is derived from it).
 *
 * @param tenant   whose quota and credentials the call uses ("default" when the connector has one tenant)
 * @param opId     the caller's logical operation id for a write, or null
 */
public record MeshRequest(
        String method,
        String path,
        Map<String, String> headers,
        byte[] body,
        String contentType,
        String opId,
        String tenant) {

    private static final byte[] NO_BODY = new byte[0];

    public MeshRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        if (!path.startsWith("/")) throw new IllegalArgumentException("path must start with '/', was '" + path + "'");
        headers = headers == null ? Map.of() : Map.copyOf(headers);
        body = body == null ? NO_BODY : body;
        tenant = tenant == null ? "default" : tenant;
    }

    public static MeshRequest get(String path) {
        return new MeshRequest("GET", path, null, null, null, null, null);
    }

    /** Whether the call changes state upstream (everything but GET, HEAD and OPTIONS). */
    public boolean isWrite() {
        return isWriteMethod(method);
    }

    /** Whether a call with this method may change state upstream: anything but GET, HEAD and OPTIONS. */
    public static boolean isWriteMethod(String method) {
        return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    }

    public MeshRequest withHeader(String name, String value) {
        var h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new MeshRequest(method, path, h, body, contentType, opId, tenant);
    }

    /** With {@code name} set to {@code value}, replacing any header of that name in whatever case (one copy). */
    public MeshRequest replacingHeader(String name, String value) {
        // Most writes carry no header of their own: the key alone, without a map copied into another.
        if (headers.isEmpty())
            return new MeshRequest(method, path, Map.of(name, value), body, contentType, opId, tenant);
        var h = new LinkedHashMap<String, String>(headers.size() + 2);
        headers.forEach((k, v) -> {
            if (!k.equalsIgnoreCase(name)) h.put(k, v);
        });
        h.put(name, value);
        return new MeshRequest(method, path, h, body, contentType, opId, tenant);
    }

    public String header(String name) {
        // Most requests carry none: no entry iterator for them (asked on every write).
        if (headers.isEmpty()) return null;
        for (var e : headers.entrySet()) if (e.getKey().equalsIgnoreCase(name)) return e.getValue();
        return null;
    }
}
