package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The egress proxy with a plain JDK client against the real farm: credentials injected, writes land exactly once. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyTest {

    @TempDir
    static Path data;

    AamFixture f;

    @BeforeAll
    void start() {
        // Its connectors reach a closed loopback port on purpose (an unreachable upstream).
        f = new AamFixture(data, b -> b.allowEgress("loopback"));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    private HttpResponse<String> stripeCharge(String opId) {
        return f.send(HttpRequest.newBuilder(f.uri("/proxy/stripe_mock/v1/customers"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Gauntlet-Op-Id", opId)
                .header("Idempotency-Key", "caller-" + opId)
                .header("Authorization", "Bearer the-callers-own-wrong-key")
                .POST(HttpRequest.BodyPublishers.ofString("name=Proxy+Customer&metadata[op_id]=" + opId)));
    }

    private long commits(String service, String opId) {
        long n = 0;
        for (JsonNode e : f.ledger(service).path("entries"))
            if (e.path("op_id").asText().equals(opId)) n += e.path("commits").asLong();
        return n;
    }

    @Test
    void shouldLandAStripeFormPostOnceInTheFarmLedgerEvenWhenSentTwiceWithItsKey() {
        HttpResponse<String> first = stripeCharge("op-proxy-1");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Gauntlet-Attempts")).contains("1");
        assertThat(json(first).path("id").asText()).startsWith("cus_");
        HttpResponse<String> again = stripeCharge("op-proxy-1");
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).path("id").asText())
                .isEqualTo(json(first).path("id").asText());
        assertThat(commits("stripe_mock", "op-proxy-1")).isEqualTo(1);
    }

    @Test
    void shouldReadASalesforceRecordWithTheTokenTheMeshFetched() throws Exception {
        String q = "/services/data/v59.0/query?q=SELECT+Id,+Name+FROM+Account+ORDER+BY+Id+LIMIT+2";
        HttpResponse<String> direct = f.http.send(
                HttpRequest.newBuilder(URI.create(f.farm.url() + "/api/salesforce" + q))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(direct.statusCode())
                .as("without credentials the farm refuses")
                .isEqualTo(401);

        HttpResponse<String> viaMesh = f.get("/proxy/salesforce_mock" + q);
        assertThat(viaMesh.statusCode()).as(viaMesh.body()).isEqualTo(200);
        JsonNode records = json(viaMesh).path("records");
        assertThat(records.size()).isEqualTo(2);
        String id = records.get(0).path("Id").asText();

        HttpResponse<String> one = f.get("/proxy/salesforce_mock/services/data/v59.0/sobjects/Account/" + id);
        assertThat(one.statusCode()).as(one.body()).isEqualTo(200);
        assertThat(json(one).path("Id").asText()).isEqualTo(id);
        assertThat(one.headers().firstValue("Content-Type").orElse("")).contains("json");
        assertThat(one.headers().firstValue("X-Gauntlet-Attempts")).isPresent();
    }

    @Test
    void shouldPassTheUpstreamsRefusalThroughWithItsStatusAndBody() {
        HttpResponse<String> r = f.get("/proxy/stripe_mock/v1/customers/cus_does_not_exist");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.body()).contains("error");
        assertThat(r.headers().firstValue("X-Gauntlet-Attempts")).contains("1");
    }

    @Test
    void shouldAnswer502WithTheErrorClassWhenTheUpstreamCannotBeReached() {
        String body = """
                {"id":"nowhere","base_url":"http://127.0.0.1:1/api","retry":{"max_attempts":1}}""";
        HttpResponse<String> created = f.send("POST", "/connectors", body);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // A caller that knows the mesh (it names its calls with X-Gauntlet-Op-Id) gets the mesh's own answer.
        HttpResponse<String> r = f.send(HttpRequest.newBuilder(f.uri("/proxy/nowhere/items"))
                .header("X-Gauntlet-Op-Id", "op-read-1")
                .GET());
        assertThat(r.statusCode()).as(r.body()).isIn(502, 503, 504);
        assertThat(json(r).path("error_class").asText()).isIn("network_error", "timeout", "circuit_open");
        assertThat(json(r).has("attempts")).isTrue();
        // Any other caller, a vendor's client used as-is, gets the vendor's envelope (here the generic REST one).
        HttpResponse<String> plain = f.get("/proxy/nowhere/items");
        assertThat(plain.statusCode()).isIn(502, 503, 504);
        assertThat(json(plain).path("error").path("code").asText()).isIn("network_error", "timeout", "circuit_open");
        assertThat(r.headers().firstValue("X-Gauntlet-Attempts")).isPresent();
        assertThat(json(f.get("/connectors/nowhere/status"))
                        .path("recent_errors")
                        .size())
                .isPositive();

        HttpResponse<String> write = f.send(HttpRequest.newBuilder(f.uri("/proxy/nowhere/items"))
                .header("Content-Type", "application/json")
                .header("X-Gauntlet-Op-Id", "op-parked-1")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"x\"}")));
        assertThat(write.statusCode()).as(write.body()).isEqualTo(202);
        assertThat(json(write).path("dlq_id").asText()).isNotBlank();
        assertThat(json(write).path("error_class").asText()).isEqualTo("network_error");
        assertThat(json(write).has("unknown_outcome")).isTrue();
    }

    @Test
    void shouldAnswer404ForAnUnknownConnector() {
        HttpResponse<String> r = f.get("/proxy/nope/anything");
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(json(r).path("message").asText()).contains("nope", "stripe_mock");
    }
}
