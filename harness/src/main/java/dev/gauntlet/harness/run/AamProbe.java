package dev.gauntlet.harness.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** What a run reads of a running AAM over its API ({@code /dlq}, {@code /connectors/{id}/status}). */
final class AamProbe implements MeshProbe {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The AAM's largest DLQ page. */
    static final int MAX_ENTRIES = 100_000;

    private final String aam;
    private final HttpClient http;
    private final Map<String, String> services;
    private final Duration timeout;

    AamProbe(String aamUrl, HttpClient http, Map<String, String> services) {
        this(aamUrl, http, services, Duration.ofSeconds(10));
    }

    /** @param timeout how long one read waits for the node (a frozen node answers none) */
    AamProbe(String aamUrl, HttpClient http, Map<String, String> services, Duration timeout) {
        this.aam = aamUrl.endsWith("/") ? aamUrl.substring(0, aamUrl.length() - 1) : aamUrl;
        this.http = http;
        this.services = Map.copyOf(services);
        this.timeout = timeout;
    }

    String url() {
        return aam;
    }

    JsonNode get(String path) {
        try {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(URI.create(aam + path))
                            .timeout(timeout)
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? JSON.readTree(r.body()) : null;
        } catch (IOException e) {
            return null; // restarting: nothing to read this time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public long dlqBacklog() {
        Long b = backlogOrNull();
        return b == null ? 0 : b;
    }

    /** The DLQ's backlog, null when the node did not answer. */
    Long backlogOrNull() {
        JsonNode s = get("/dlq?limit=1"); // the counts; one entry, not a page, each second
        if (s == null) return null;
        JsonNode st = s.path("stats");
        return st.path("pending").asLong()
                + st.path("replaying").asLong()
                + st.path("dead").asLong();
    }

    @Override
    public long callsInFlight() {
        long calls = 0;
        for (String id : services.keySet()) {
            JsonNode st = get("/connectors/" + id + "/status");
            calls += st == null
                    ? 0
                    : st.path("stages").path("observe").path("in_flight").asLong();
        }
        return calls;
    }

    /** Each connector's status, by id; null when the node did not answer one of them. */
    Map<String, JsonNode> statusesOrNull() {
        var out = new java.util.LinkedHashMap<String, JsonNode>();
        for (String id : services.keySet()) {
            JsonNode st = get("/connectors/" + id + "/status");
            if (st == null) return null;
            out.put(id, st);
        }
        return out;
    }

    static long inFlight(JsonNode status) {
        return status.path("stages").path("observe").path("in_flight").asLong();
    }

    static boolean open(JsonNode status) {
        return MeshProbes.isOpen(
                status.path("stages").path("circuit").path("state").asText(null));
    }

    static double refreshP99(JsonNode status) {
        JsonNode p99 = status.findValue("refresh_p99_ms");
        return p99 != null && p99.isNumber() ? p99.asDouble() : Double.NaN;
    }

    @Override
    public long openCircuits() {
        long open = 0;
        for (String id : services.keySet()) {
            JsonNode st = get("/connectors/" + id + "/status");
            if (st != null
                    && MeshProbes.isOpen(
                            st.path("stages").path("circuit").path("state").asText(null))) open++;
        }
        return open;
    }

    @Override
    public double tokenRefreshP99Ms() {
        double worst = Double.NaN;
        for (String id : services.keySet()) {
            JsonNode st = get("/connectors/" + id + "/status");
            JsonNode p99 = st == null ? null : st.findValue("refresh_p99_ms");
            if (p99 != null && p99.isNumber() && (Double.isNaN(worst) || p99.asDouble() > worst))
                worst = p99.asDouble();
        }
        return worst;
    }

    @Override
    public JsonNode process() {
        JsonNode health = get("/health");
        return health == null ? null : health.get("process");
    }

    /** Not exposed by the AAM's API yet: a threshold on it fails as "not measured" for a remote run. */
    @Override
    public double dlqDelayMs() {
        return Double.NaN;
    }

    @Override
    public long authExpiredSurfaced() {
        return 0;
    }

    @Override
    public Set<String> pendingOpIds(String service) {
        Set<String> held = pendingOpIdsOrNull(service);
        return held == null ? new HashSet<>() : held;
    }

    /** As {@link #pendingOpIds}, null when the node did not answer. */
    Set<String> pendingOpIdsOrNull(String service) {
        var out = new HashSet<String>();
        // Every entry, not the default page: an op id missing here would count as lost.
        JsonNode s = get("/dlq?limit=" + MAX_ENTRIES);
        if (s == null) return null;
        for (JsonNode e : s.path("entries")) {
            String state = e.path("state").asText();
            boolean held = state.equals("pending") || state.equals("replaying") || state.equals("dead");
            String conn = e.path("connector").asText();
            if (held && e.hasNonNull("op_id") && service.equals(services.getOrDefault(conn, conn)))
                out.add(e.get("op_id").asText());
        }
        return out;
    }
}
