package dev.gauntlet.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.workflow.Api;
import dev.gauntlet.harness.workflow.MeshApi;
import dev.gauntlet.harness.workflow.NaiveApi;
import dev.gauntlet.mesh.Mesh;
import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;

/** Builds the two things a run can go through: the mesh's connectors, or the naive client on the same connectors. */
public final class Targets {

    private Targets() {}

    /** Registers each connector with the mesh (if not yet) and sends the load through them. */
    public static RunTarget mesh(Mesh mesh, List<ConnectorsFile.Entry> connectors) {
        var apis = new LinkedHashMap<String, Api>();
        var services = new LinkedHashMap<String, String>();
        for (ConnectorsFile.Entry e : connectors) {
            var registered = mesh.connectors().stream().filter(c -> c.id().equals(e.spec().id())).findFirst()
                    .orElseGet(() -> mesh.register(e.spec()));
            apis.put(e.spec().id(), new MeshApi(registered));
            services.put(e.spec().id(), e.service());
        }
        return new RunTarget("mesh", apis, services, new MeshProbes.OfMesh(mesh, services));
    }

    /**
     * A running AAM: its connectors (read from {@code GET /connectors}) called through its egress proxy, its DLQ
     * read over its API.
     */
    public static RunTarget aam(String aamUrl, HttpClient http) {
        var apis = new LinkedHashMap<String, Api>();
        var services = new LinkedHashMap<String, String>();
        JsonNode list = new AamProbe(aamUrl, http, java.util.Map.of()).get("/connectors");
        if (list == null) throw new IllegalArgumentException("cannot read the AAM's connectors at " + aamUrl + "/connectors");
        for (JsonNode c : list.path("connectors")) {
            String id = c.path("id").asText();
            apis.put(id, new dev.gauntlet.harness.workflow.ProxyApi(aamUrl, id, c.path("flavor").asText("rest"), http, java.time.Duration.ofSeconds(60)));
            services.put(id, c.path("service").asText(id));
        }
        return new RunTarget("aam", apis, services, new AamProbe(aamUrl, http, services));
    }

    /** The baseline: one attempt, a token fetched once, no limiter, no DLQ. */
    public static RunTarget naive(List<ConnectorsFile.Entry> connectors, HttpClient http) {
        return naive("naive", connectors, e -> new NaiveApi(e.spec(), http));
    }

    /** The baseline written once "the right way": as {@link #naive}, but each write sends its op id as idempotency key. */
    public static RunTarget naiveKeyed(List<ConnectorsFile.Entry> connectors, HttpClient http) {
        return naive("naive-keyed", connectors, e -> NaiveApi.keyed(e.spec(), http));
    }

    private static RunTarget naive(String label, List<ConnectorsFile.Entry> connectors, java.util.function.Function<ConnectorsFile.Entry, Api> api) {
        var apis = new LinkedHashMap<String, Api>();
        var services = new LinkedHashMap<String, String>();
        for (ConnectorsFile.Entry e : connectors) {
            apis.put(e.spec().id(), api.apply(e));
            services.put(e.spec().id(), e.service());
        }
        return new RunTarget(label, apis, services, MeshProbe.NONE);
    }
}
