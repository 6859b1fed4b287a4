package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 14 item 8: distinct X-Gauntlet-Tenant values per connector are capped (limit.max_tenants); past it, 429 naming the limit. */
class TenantCapTest {

    @TempDir
    static Path data;

    static AamFixture f;

    @BeforeAll
    static void start() {
        f = new AamFixture(data);
    }

    @AfterAll
    static void stop() {
        f.close();
    }

    String connector(String id, String limit) {
        return """
                {"id":"%s","base_url":"%s/api/stripe","flavor":"stripe",
                 "auth":{"type":"api_key","header":"Authorization","prefix":"Bearer ","key":"sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc"},
                 "limit":%s}""".formatted(id, f.farm.url(), limit);
    }

    HttpResponse<String> read(String connector, String tenant) {
        HttpRequest.Builder r = HttpRequest.newBuilder(f.uri("/proxy/" + connector + "/v1/customers?limit=1"))
                .GET();
        if (tenant != null) r.header("X-Gauntlet-Tenant", tenant);
        return f.send(r);
    }

    @Test
    void shouldRefuseANewTenantPastTheCapNamingTheLimitAndTheHeader() {
        assertThat(f.send("POST", "/connectors", connector("capped", "{\"max_tenants\":3}"))
                        .statusCode())
                .isEqualTo(201);
        // "default" (the configured tenant) is one of the three.
        assertThat(read("capped", "acme").statusCode()).isEqualTo(200);
        assertThat(read("capped", "globex").statusCode()).isEqualTo(200);

        HttpResponse<String> refused = read("capped", "initech");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        JsonNode body = json(refused);
        assertThat(body.path("error").asText()).isEqualTo("too_many_tenants");
        assertThat(body.path("field").asText()).isEqualTo("X-Gauntlet-Tenant");
        assertThat(body.path("limit").asText()).isEqualTo("limit.max_tenants");
        assertThat(body.path("max_tenants").asInt()).isEqualTo(3);
        assertThat(body.path("message").asText()).contains("limit.max_tenants").contains("initech");

        // Tenants it already serves still pass; so does the configured one.
        assertThat(read("capped", "acme").statusCode()).isEqualTo(200);
        assertThat(read("capped", null).statusCode()).isEqualTo(200);
        JsonNode stages = json(f.get("/connectors/capped/status")).path("stages");
        assertThat(stages.path("rate-limit").path("tenants_total").asInt()).isEqualTo(3);
    }

    @Test
    void shouldKeepMetricsBoundedWhenCallersInventTenants() {
        assertThat(f.send("POST", "/connectors", connector("flooded", "{\"max_tenants\":30}"))
                        .statusCode())
                .isEqualTo(201);
        int refused = 0;
        for (int i = 0; i < 200; i++) if (read("flooded", "t-" + i).statusCode() == 429) refused++;
        assertThat(refused).isEqualTo(200 - 29);
        JsonNode stages = json(f.get("/connectors/flooded/status")).path("stages");
        // 29 invented ones had a bucket made; "default", the 30th, was never called.
        assertThat(stages.path("rate-limit").path("tenants_total").asInt()).isEqualTo(29);
        // Detailed for the first 20 only: a snapshot a second to every stream stays small.
        assertThat(stages.path("rate-limit").path("tenants").size()).isEqualTo(20);
        assertThat(f.get("/metrics").body()).doesNotContain("t-99");
    }

    @Test
    void shouldRefuseAMaxTenantsBelowOneNamingTheField() {
        HttpResponse<String> r = f.send("POST", "/connectors", connector("bad_cap", "{\"max_tenants\":0}"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(json(r).path("field").asText()).isEqualTo("limit.max_tenants");
    }
}
