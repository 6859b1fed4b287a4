package dev.gauntlet.harness.workflow;

import java.util.Map;

/**
 * One upstream as a workflow calls it: through the mesh ({@link MeshApi}) or through the naive baseline client
 * ({@link NaiveApi}), so the same workflow measures both. Never throws for an upstream failure: it is in the result.
 */
public interface Api {

    /** The connector id (also the farm service id for the built-in ones). */
    String connector();

    /** The flavour of the upstream (salesforce, stripe, …), which decides request shapes. */
    String flavor();

    /**
     * One logical call.
     *
     * @param headers headers of the call's own (PostgREST's Prefer), never credentials
     * @param body  a JSON-able value (form-encoded for Stripe), or null
     * @param opId  the logical operation id of a write (also its op id in the farm ledger), or null for reads
     */
    ApiResult call(String method, String path, Map<String, String> headers, Object body, String opId);

    /** One logical call without headers of its own. */
    default ApiResult call(String method, String path, Object body, String opId) {
        return call(method, path, Map.of(), body, opId);
    }

    default ApiResult get(String path) {
        return call("GET", path, null, null);
    }
}
