package dev.gauntlet.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Salesforce's documented REST API calls with the JDK's HttpClient. Salesforce publishes no official client library
 * for Java or JavaScript (jsforce and the like are community projects), so this is what an application writes from the
 * REST API Developer Guide: the OAuth 2.0 client credentials flow, SOQL with {@code nextRecordsUrl} batches appended to
 * {@code instance_url}, sObject create, get and update, and upsert by an External ID field.
 */
final class SalesforceRest implements AutoCloseable {

    static final String VERSION = "/services/data/v59.0";

    private final JsonHttp http = new JsonHttp(Duration.ofSeconds(5));
    private String instanceUrl;
    private String accessToken;

    /** A client that logs in itself later ({@link #login}). */
    SalesforceRest() {}

    /** A client given an instance and a token, as behind the AAM's proxy: the mesh holds the real session. */
    SalesforceRest(String instanceUrl, String accessToken) {
        this.instanceUrl = instanceUrl;
        this.accessToken = accessToken;
    }

    /** OAuth 2.0 Client Credentials Flow: {@code POST <my domain>/services/oauth2/token}. */
    void login(String loginUrl, String clientId, String clientSecret) throws IOException {
        String form =
                "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(clientSecret);
        JsonHttp.Answer a = http.send(
                "POST",
                loginUrl + "/services/oauth2/token",
                Map.of("Content-Type", "application/x-www-form-urlencoded"),
                form);
        if (!a.ok()) throw new SalesforceError(a);
        instanceUrl = a.json().path("instance_url").asText();
        accessToken = a.json().path("access_token").asText();
    }

    String instanceUrl() {
        return instanceUrl;
    }

    /** Every record of a SOQL query: the first batch, then each {@code nextRecordsUrl} on the instance until done. */
    List<JsonNode> queryAll(String soql, int batchSize) throws IOException {
        List<JsonNode> records = new ArrayList<>();
        Map<String, String> headers =
                Map.of("Authorization", "Bearer " + accessToken, "Sforce-Query-Options", "batchSize=" + batchSize);
        JsonHttp.Answer a = http.send("GET", instanceUrl + VERSION + "/query?q=" + enc(soql), headers, null);
        while (true) {
            if (!a.ok()) throw new SalesforceError(a);
            a.json().path("records").forEach(records::add);
            if (a.json().path("done").asBoolean(true)) return records;
            a = http.send("GET", instanceUrl + a.json().path("nextRecordsUrl").asText(), headers, null);
        }
    }

    /** {@code POST …/sobjects/{type}/}: 201 with the new id. */
    String create(String type, Map<String, Object> fields) throws IOException {
        JsonHttp.Answer a = call("POST", VERSION + "/sobjects/" + type + "/", fields);
        return a.json().path("id").asText();
    }

    JsonNode get(String type, String id) throws IOException {
        return call("GET", VERSION + "/sobjects/" + type + "/" + id, null).json();
    }

    /** {@code PATCH …/sobjects/{type}/{id}}: 204. */
    void update(String type, String id, Map<String, Object> fields) throws IOException {
        call("PATCH", VERSION + "/sobjects/" + type + "/" + id, fields);
    }

    /** {@code PATCH …/sobjects/{type}/{field}/{value}}: 201 when created, 200 when an existing record was updated. */
    JsonHttp.Answer upsert(String type, String field, String value, Map<String, Object> fields) throws IOException {
        return call("PATCH", VERSION + "/sobjects/" + type + "/" + field + "/" + enc(value), fields);
    }

    private JsonHttp.Answer call(String method, String path, Object body) throws IOException {
        JsonHttp.Answer a =
                http.send(method, instanceUrl + path, Map.of("Authorization", "Bearer " + accessToken), body);
        if (!a.ok()) throw new SalesforceError(a);
        return a;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        http.close();
    }

    /** An error answer: Salesforce's {@code [{"message","errorCode"}]} with its status. */
    static final class SalesforceError extends IOException {
        final int status;
        final String errorCode;

        SalesforceError(JsonHttp.Answer a) {
            super(a.status() + " " + a.text());
            this.status = a.status();
            this.errorCode = a.json().path(0).path("errorCode").asText("");
        }
    }
}
