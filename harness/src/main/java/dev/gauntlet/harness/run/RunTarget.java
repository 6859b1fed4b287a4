package dev.gauntlet.harness.run;

import dev.gauntlet.harness.workflow.Api;
import java.util.List;
import java.util.Map;

/**
 * What a run sends its load through: the mesh's connectors or the naive client, by connector id, with the farm
 * service each one writes to and a probe into the mesh.
 */
public record RunTarget(String label, Map<String, Api> apis, Map<String, String> services, MeshProbe probe) {
    public RunTarget {
        apis = Map.copyOf(apis);
        services = Map.copyOf(services);
    }

    public List<String> connectorIds() {
        return apis.keySet().stream().sorted().toList();
    }

    public String serviceOf(String connector) {
        return services.getOrDefault(connector, connector);
    }
}
