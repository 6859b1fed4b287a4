package dev.gauntlet.mesh.call;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * The answer to a logical call: the upstream's status, headers and body (mapped back to the schema the workflow
 * knows when drift was detected), and every attempt made.
 *
 * @param mapped  the body as JSON after drift mapping, or null when it is not JSON
 * @param stale   answered from the last good response because the circuit is open
 */
public record MeshResponse(
        int status,
        Map<String, List<String>> headers,
        byte[] body,
        JsonNode mapped,
        List<Attempt> attempts,
        boolean stale) {

    public MeshResponse {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? new byte[0] : body;
        attempts = attempts == null ? List.of() : List.copyOf(attempts);
    }

    public String header(String name) {
        for (var e : headers.entrySet()) {
            if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                return e.getValue().getFirst();
        }
        return null;
    }

    public MeshResponse withMapped(JsonNode newMapped) {
        return new MeshResponse(status, headers, body, newMapped, attempts, stale);
    }

    public MeshResponse withAttempts(List<Attempt> all) {
        return new MeshResponse(status, headers, body, mapped, all, stale);
    }

    public MeshResponse asStale() {
        return new MeshResponse(status, headers, body, mapped, attempts, true);
    }
}
