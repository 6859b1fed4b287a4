package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Forms;
import dev.gauntlet.mesh.vendor.BodyEncoding;
import dev.gauntlet.mesh.vendor.Vendors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Workflows' calls through a running AAM's egress proxy ({@code /proxy/{connector}/…}), as any HTTP client would make
 * them. The op id goes in {@code X-Gauntlet-Op-Id}, so the AAM derives the same idempotency key and finds the same
 * write intent every time: when the AAM cannot be reached (restarting after a crash, the answer lost with the process)
 * or its store cannot record the write for now (503 {@code store_unavailable}, after its Retry-After), the call is
 * sent again with the same op id until {@code reachFor} has passed. That is safe for every vendor because the AAM never
 * sends a write twice for one op id: one left unresolved by a crash is read back, or parked as of unknown outcome.
 *
 * <p>Over several nodes ({@link AamNodes}) each call goes to the next node in turn. A node that refuses the connection
 * is skipped and the call goes to the next live one: a refused connection never reached the mesh. A connection broken
 * after the request was sent (a node killed mid-call) is sent again, with the same op id, to the next node, as a
 * caller holding an idempotency key would, until {@code reachFor}: the nodes share one store of write intents, so the
 * next node finds the write if the broken one had recorded it (a keyed or upsert write is sent again under the same
 * key; a plain one is read back or parked as of unknown outcome, never sent twice) and sends it if it had not - without
 * the resend such a write, declared by the workflow but never recorded by any node, would be lost.
 */
public final class ProxyApi implements Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final String connector;
    private final String flavor;
    private final HttpClient http;
    private final Duration reachFor;
    /** Several nodes to spread calls over; null for one AAM ({@link #base}). */
    private final AamNodes nodes;

    public ProxyApi(String aamUrl, String connector, String flavor, HttpClient http, Duration reachFor) {
        this.base = (aamUrl.endsWith("/") ? aamUrl.substring(0, aamUrl.length() - 1) : aamUrl) + "/proxy/" + connector;
        this.connector = connector;
        this.flavor = flavor;
        this.http = http;
        this.reachFor = reachFor;
        this.nodes = null;
    }

    /** Calls spread over {@code nodes} round-robin; with one node, the same as {@link #ProxyApi(String, String, String, HttpClient, Duration)}. */
    public ProxyApi(AamNodes nodes, String connector, String flavor, HttpClient http, Duration reachFor) {
        this.base = nodes.url(0) + "/proxy/" + connector;
        this.connector = connector;
        this.flavor = flavor;
        this.http = http;
        this.reachFor = reachFor;
        this.nodes = nodes.size() == 1 ? null : nodes;
    }

    @Override
    public String connector() {
        return connector;
    }

    @Override
    public String flavor() {
        return flavor;
    }

    @Override
    public ApiResult call(String method, String path, Map<String, String> headers, Object body, String opId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        if (opId != null) b.header("X-Gauntlet-Op-Id", opId);
        headers.forEach(b::header);
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else if (Vendors.get(flavor).bodyEncoding() == BodyEncoding.FORM) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
                b.method(method, HttpRequest.BodyPublishers.ofString(Forms.encode(JSON.valueToTree(body))));
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("body cannot be written as JSON: " + e.getMessage(), e);
        }
        HttpRequest request = b.build();
        long deadline = System.nanoTime() + reachFor.toNanos();
        if (nodes != null) return spread(request, path, deadline);
        while (true) {
            try {
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                ApiResult result = result(r);
                long wait = storeUnavailableWait(r, result);
                if (wait < 0 || System.nanoTime() + wait * 1_000_000 > deadline) return result;
                // Nothing was sent upstream (the AAM could not record the write's intent): ask again when it says.
                Thread.sleep(wait);
            } catch (HttpTimeoutException e) {
                return unanswered("timeout");
            } catch (IOException unreachable) {
                // The AAM is down or restarting: the same op id makes sending again safe (same key upstream).
                if (System.nanoTime() > deadline) return unanswered("network_error");
                if (!pause(200)) return unanswered("timeout");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unanswered("timeout");
            }
        }
    }

    /** A call the AAM gave no answer to (timed out, unreachable, interrupted): one attempt, no status. */
    private ApiResult unanswered(String errorClass) {
        return new ApiResult(connector, 0, null, errorClass, 1, false, false, null);
    }

    /** Waits {@code millis}; false when interrupted (the interrupt is kept for the caller's caller). */
    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The call over several nodes: to the next live node in turn; on a refused or broken connection to the next one
     * with the same op id, on a store refusal (nothing recorded, nothing sent) after its Retry-After to the next one,
     * until the deadline.
     */
    private ApiResult spread(HttpRequest request, String path, long deadline) {
        while (true) {
            int node = nodes.next();
            HttpRequest to = HttpRequest.newBuilder(request, (name, value) -> true)
                    .uri(URI.create(nodes.url(node) + "/proxy/" + connector + path))
                    .build();
            try {
                HttpResponse<byte[]> r = http.send(to, HttpResponse.BodyHandlers.ofByteArray());
                nodes.sent(node);
                ApiResult result = result(r);
                long wait = storeUnavailableWait(r, result);
                if (wait < 0 || System.nanoTime() + wait * 1_000_000 > deadline) return result;
                Thread.sleep(wait);
            } catch (java.net.ConnectException | java.net.http.HttpConnectTimeoutException refused) {
                // Never reached the node, so never reached the mesh: the next node may take it, writes included.
                nodes.refused(node);
                if (System.nanoTime() > deadline) return unanswered("network_error");
                // Every node refused just now: wait a little before going round again.
                if (nodes.allDown() && !pause(200)) return unanswered("timeout");
            } catch (HttpTimeoutException e) {
                nodes.sent(node);
                return unanswered("timeout");
            } catch (IOException brokenAfterSending) {
                // The node may have recorded the write's intent, or died before: the next node, on the same store,
                // tells the two apart by the op id (see the class comment), so the same op id goes there.
                nodes.sent(node);
                if (System.nanoTime() > deadline) return unanswered("network_error");
                if (!pause(200)) return unanswered("timeout");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return unanswered("timeout");
            }
        }
    }

    /** Milliseconds to wait before sending again when the AAM's store refused the write for now; -1 otherwise. */
    private static long storeUnavailableWait(HttpResponse<byte[]> r, ApiResult result) {
        if (r.statusCode() != 503 || !"store_unavailable".equals(result.errorClass())) return -1;
        long s = r.headers()
                .firstValue("Retry-After")
                .map(v -> {
                    try {
                        return Long.parseLong(v.trim());
                    } catch (NumberFormatException notSeconds) {
                        return 1L;
                    }
                })
                .orElse(1L);
        return Math.min(Math.max(s, 0), 10) * 1000;
    }

    private ApiResult result(HttpResponse<byte[]> r) {
        JsonNode json = parse(r.body());
        int attempts = r.headers()
                .firstValue("X-Gauntlet-Attempts")
                .map(Integer::parseInt)
                .orElse(1);
        int s = r.statusCode();
        // The proxy's own "parked" answer, told from an upstream's 202 (Datadog answers 202 too) by its dlq_id.
        if (s == 202 && json != null && json.hasNonNull("dlq_id")) {
            return new ApiResult(
                    connector, s, json, json.path("error_class").asText("server_error"), attempts, true, false, null);
        }
        if (s < 400) return new ApiResult(connector, s, json, null, attempts, false, false, null);
        String cls = json != null && json.hasNonNull("error_class")
                ? json.get("error_class").asText()
                : s == 429 ? "rate_limit" : s >= 500 ? "server_error" : "client_error";
        return new ApiResult(connector, s, json, cls.toLowerCase(Locale.ROOT), attempts, false, false, null);
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
