package dev.gauntlet.server;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.Mesh;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few live values per connector the UI charts each second beside the metrics: token-bucket level and rate, the
 * learned limit, circuit state and token expiry, read from the stages' own status (the long form is
 * {@code GET /connectors/{id}/status}).
 */
final class LiveStatus {

    private LiveStatus() {}

    /** {@code {id: {tokens, rate_rps, learned_limit_rps, burst, circuit, token_expires_at}}} for every connector. */
    static Map<String, Object> of(Mesh mesh) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Connector c : mesh.connectors()) {
            Map<String, Map<String, Object>> stages = c.status();
            Map<String, Object> limit = stage(stages, "rate-limit");
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("tokens", limit.get("tokens"));
            one.put("rate_rps", limit.get("rate_rps"));
            one.put("learned_limit_rps", limit.get("learned_limit_rps"));
            one.put("burst", limit.get("burst"));
            one.put("circuit", stage(stages, "circuit").get("state"));
            one.put("token_expires_at", stage(stages, "auth").get("token_expires_at"));
            out.put(c.id(), one);
        }
        return out;
    }

    private static Map<String, Object> stage(Map<String, Map<String, Object>> stages, String name) {
        return stages.getOrDefault(name, Map.of());
    }
}
