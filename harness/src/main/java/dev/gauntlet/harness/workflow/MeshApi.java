package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import java.util.Map;

/** Workflows' calls through a mesh connector. */
public final class MeshApi implements Api {

    private final Connector connector;

    public MeshApi(Connector connector) {
        this.connector = connector;
    }

    @Override
    public String connector() {
        return connector.id();
    }

    @Override
    public String flavor() {
        return connector.spec().flavor();
    }

    @Override
    public ApiResult call(String method, String path, Map<String, String> headers, Object body, String opId) {
        try {
            MeshResponse r = switch (method) {
                case "GET" -> connector.call(new MeshRequest("GET", path, headers, null, null, null, null));
                case "POST", "PUT", "PATCH" -> connector.write(method, path, headers, body, opId);
                case "DELETE" -> connector.call(new MeshRequest("DELETE", path, headers, null, null, opId, null));
                default ->
                    throw new IllegalArgumentException(
                            "method must be GET, POST, PUT, PATCH or DELETE, was '" + method + "'");
            };
            return new ApiResult(
                    connector.id(),
                    r.status(),
                    json(r),
                    null,
                    Math.max(1, r.attempts().size()),
                    false,
                    r.stale(),
                    null);
        } catch (MeshException.DeadLettered e) {
            return new ApiResult(
                    connector.id(),
                    lastStatus(e),
                    null,
                    e.errorClass().name(),
                    Math.max(1, e.attempts().size()),
                    true,
                    false,
                    null);
        } catch (MeshException e) {
            return new ApiResult(
                    connector.id(),
                    lastStatus(e),
                    null,
                    e.errorClass().name(),
                    Math.max(1, e.attempts().size()),
                    false,
                    false,
                    null);
        }
    }

    private static int lastStatus(MeshException e) {
        return e.attempts().isEmpty() ? 0 : e.attempts().getLast().status();
    }

    private static JsonNode json(MeshResponse r) {
        try {
            return r.body().length == 0 && r.mapped() == null ? null : Connector.json(r);
        } catch (IllegalStateException notJson) {
            return null;
        }
    }
}
