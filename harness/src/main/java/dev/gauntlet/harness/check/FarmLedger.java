package dev.gauntlet.harness.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The farm's ledger read over its admin API ({@code GET /admin/ledger?service=ID}). */
public final class FarmLedger implements GroundTruth {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String farmUrl;
    private final HttpClient http;

    public FarmLedger(String farmUrl, HttpClient http) {
        this.farmUrl = farmUrl.endsWith("/") ? farmUrl.substring(0, farmUrl.length() - 1) : farmUrl;
        this.http = http;
    }

    @Override
    public List<LedgerEntry> ledger(String service) {
        URI uri = URI.create(farmUrl + "/admin/ledger?service=" + URLEncoder.encode(service, StandardCharsets.UTF_8));
        try {
            HttpResponse<byte[]> r = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("farm ledger " + uri + " answered " + r.statusCode() + ": "
                        + new String(r.body(), StandardCharsets.UTF_8));
            }
            var out = new ArrayList<LedgerEntry>();
            for (JsonNode e : JSON.readTree(r.body()).path("entries")) {
                out.add(new LedgerEntry(
                        e.path("service").asText(),
                        e.path("resource").asText(),
                        e.path("op_id").isNull() ? null : e.path("op_id").asText(null),
                        e.path("idempotency_key").isNull()
                                ? null
                                : e.path("idempotency_key").asText(null),
                        e.path("commits").asInt()));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the farm ledger at " + uri + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + uri, e);
        }
    }
}
