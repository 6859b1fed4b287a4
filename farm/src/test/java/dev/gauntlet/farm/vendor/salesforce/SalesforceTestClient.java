package dev.gauntlet.farm.vendor.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.TestFarm;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A Salesforce REST client for tests: one OAuth token, JSON bodies, paths below the service's base path. */
final class SalesforceTestClient {

    static final String DATA = "/services/data/v59.0";
    static final String ACCOUNTS = DATA + "/sobjects/Account";
    static final String CONTACTS = DATA + "/sobjects/Contact";

    private final TestFarm farm;
    private final String service;
    private final String base;
    final String token;

    SalesforceTestClient(TestFarm farm, String service, String base, String clientId, String secret) {
        this.farm = farm;
        this.service = service;
        this.base = base;
        this.token = farm.token(service, clientId, secret);
    }

    /** The built-in salesforce_mock as the gauntlet client. */
    static SalesforceTestClient builtIn(TestFarm farm) {
        return new SalesforceTestClient(farm, "salesforce_mock", "/api/salesforce", "gauntlet", "gauntlet-secret");
    }

    HttpResponse<String> get(String path, String... headers) {
        return farm.send(request(path, headers).GET());
    }

    HttpResponse<String> post(String path, String json, String... headers) {
        return farm.send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> patch(String path, String json) {
        return farm.send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    HttpResponse<String> query(String soql) {
        return get(DATA + "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8));
    }

    /** The records a SOQL query answers in its first batch. */
    JsonNode records(String soql) {
        HttpResponse<String> r = query(soql);
        if (r.statusCode() != 200) throw new AssertionError("query failed: " + r.statusCode() + " " + r.body());
        return TestFarm.json(r).get("records");
    }

    /** The ledger entries of this service for one operation id. */
    JsonNode ledger(String opId) {
        JsonNode all =
                TestFarm.json(farm.get("/admin/ledger?service=" + service)).get("entries");
        var out = TestFarm.JSON.createArrayNode();
        all.forEach(e -> {
            if (e.get("op_id").asText().equals(opId)) out.add(e);
        });
        return out;
    }

    int stored(String resource) {
        return farm.farm().service(service).store(resource).size();
    }

    private HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = farm.request(base + path)
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return b;
    }
}
