package dev.gauntlet.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.workflow.AamNodes;
import dev.gauntlet.harness.workflow.Api;
import dev.gauntlet.harness.workflow.MeshApi;
import dev.gauntlet.harness.workflow.NaiveApi;
import dev.gauntlet.mesh.Mesh;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds what a run can go through: the mesh's connectors, a running AAM, or one of the baseline clients on the same
 * connectors ({@link #BASELINES}, the names {@code --compare} accepts).
 */
public final class Targets {

    private Targets() {}

    /** Registers each connector with the mesh (if not yet) and sends the load through them. */
    public static RunTarget mesh(Mesh mesh, List<ConnectorsFile.Entry> connectors) {
        var apis = new LinkedHashMap<String, Api>();
        var services = new LinkedHashMap<String, String>();
        for (ConnectorsFile.Entry e : connectors) {
            var registered = mesh.connectors().stream()
                    .filter(c -> c.id().equals(e.spec().id()))
                    .findFirst()
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
        JsonNode list = new AamProbe(aamUrl, http, Map.of()).get("/connectors");
        if (list == null)
            throw new IllegalArgumentException("cannot read the AAM's connectors at " + aamUrl + "/connectors");
        for (JsonNode c : list.path("connectors")) {
            String id = c.path("id").asText();
            apis.put(
                    id,
                    new dev.gauntlet.harness.workflow.ProxyApi(
                            aamUrl, id, c.path("flavor").asText("rest"), http, Duration.ofSeconds(60)));
            services.put(id, c.path("service").asText(id));
        }
        return new RunTarget("aam", apis, services, new AamProbe(aamUrl, http, services));
    }

    /**
     * Several AAM nodes on one store: each operation through the next node in turn ({@link AamNodes}), the connectors
     * read from the first node that answers, the DLQ from any live node, per-node figures summed. One URL is
     * {@link #aam(String, HttpClient)} exactly.
     */
    public static RunTarget aam(AamNodes nodes, HttpClient http) {
        if (nodes.size() == 1) return aam(nodes.url(0), http);
        JsonNode list = null;
        for (String url : nodes.urls()) {
            list = new AamProbe(url, http, Map.of()).get("/connectors");
            if (list != null) break;
        }
        if (list == null)
            throw new IllegalArgumentException(
                    "cannot read the AAM's connectors at any of " + nodes.urls() + " (GET /connectors)");
        var apis = new LinkedHashMap<String, Api>();
        var services = new LinkedHashMap<String, String>();
        for (JsonNode c : list.path("connectors")) {
            String id = c.path("id").asText();
            apis.put(
                    id,
                    new dev.gauntlet.harness.workflow.ProxyApi(
                            nodes, id, c.path("flavor").asText("rest"), http, Duration.ofSeconds(60)));
            services.put(id, c.path("service").asText(id));
        }
        var probes = new ArrayList<AamProbe>();
        // Short reads: a frozen node answers none, and the run's ticker asks each second.
        for (String url : nodes.urls()) probes.add(new AamProbe(url, http, services, Duration.ofSeconds(2)));
        return new RunTarget("aam", apis, services, new AamNodesProbe(probes, System::nanoTime));
    }

    /** The baselines by the name {@code --compare} and a run's {@code target} give them, in the order they are listed. */
    public static final List<String> BASELINES = List.of("naive", "naive-retry", "naive-keyed");

    /**
     * The baselines a {@code --compare} value names, comma-separated ("naive,naive-retry"), in its order.
     *
     * @throws IllegalArgumentException naming the accepted names when one is unknown, empty or given twice
     */
    public static List<String> baselines(String commaSeparated) {
        return baselines(List.of(commaSeparated.split(",", -1)));
    }

    /** As {@link #baselines(String)}, from a list of names (surrounding blanks ignored). */
    public static List<String> baselines(List<String> names) {
        if (names.isEmpty())
            throw new IllegalArgumentException("names no baseline; accepted: " + String.join(", ", BASELINES));
        var out = new ArrayList<String>();
        for (String raw : names) {
            String name = raw.strip();
            if (!BASELINES.contains(name)) {
                throw new IllegalArgumentException(
                        (name.isEmpty() ? "an empty baseline name" : "unknown baseline '" + name + "'") + "; accepted: "
                                + String.join(", ", BASELINES) + " (several comma-separated, e.g. naive,naive-retry)");
            }
            if (out.contains(name)) throw new IllegalArgumentException("baseline '" + name + "' is named twice");
            out.add(name);
        }
        return List.copyOf(out);
    }

    /** The baseline {@code name} (one of {@link #BASELINES}) on the given connectors. */
    public static RunTarget baseline(String name, List<ConnectorsFile.Entry> connectors, HttpClient http) {
        return switch (name) {
            case "naive" -> naive(connectors, http);
            case "naive-retry" -> naiveRetry(connectors, http);
            case "naive-keyed" -> naiveKeyed(connectors, http);
            default ->
                throw new IllegalArgumentException("baseline must be one of " + BASELINES + ", was '" + name + "'");
        };
    }

    /** The baseline: one attempt, a token fetched once, no limiter, no DLQ. */
    public static RunTarget naive(List<ConnectorsFile.Entry> connectors, HttpClient http) {
        return naive("naive", connectors, e -> new NaiveApi(e.spec(), http));
    }

    /** The baseline written once "the right way": as {@link #naive}, but each write sends its op id as idempotency key. */
    public static RunTarget naiveKeyed(List<ConnectorsFile.Entry> connectors, HttpClient http) {
        return naive("naive-keyed", connectors, e -> NaiveApi.keyed(e.spec(), http));
    }

    /**
     * The integration people write by hand: the naive client retrying every 5xx, 429, 408, timeout and broken
     * connection (4 attempts, 100 ms apart), a token fetched again on a 401, writes resent without key or read-back.
     */
    public static RunTarget naiveRetry(List<ConnectorsFile.Entry> connectors, HttpClient http) {
        return naive("naive-retry", connectors, e -> NaiveApi.retrying(e.spec(), http));
    }

    private static RunTarget naive(
            String label, List<ConnectorsFile.Entry> connectors, Function<ConnectorsFile.Entry, Api> api) {
        var apis = new LinkedHashMap<String, Api>();
        var services = new LinkedHashMap<String, String>();
        for (ConnectorsFile.Entry e : connectors) {
            apis.put(e.spec().id(), api.apply(e));
            services.put(e.spec().id(), e.service());
        }
        return new RunTarget(label, apis, services, MeshProbe.NONE);
    }
}
