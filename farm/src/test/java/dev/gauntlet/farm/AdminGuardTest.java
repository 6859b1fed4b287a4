package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.admin.AdminApi;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * No web page can drive the farm: every state-changing admin route refuses a text/plain POST, a form POST, another
 * site's Origin, Sec-Fetch-Site: cross-site and a foreign Host with 403 naming what was refused; vendor routes keep the
 * vendor's own behaviour (any Origin) but refuse a foreign Host too (DNS rebinding).
 */
class AdminGuardTest extends BuiltInFarmTest {

    static final List<String> ROUTES = AdminApi.STATE_CHANGING;

    @ParameterizedTest
    @FieldSource("ROUTES")
    void shouldRefuseATextPlainBody(String route) {
        assertRefused(send(route, "text/plain", "{\"level\":\"storm\"}"), "Content-Type");
    }

    @ParameterizedTest
    @FieldSource("ROUTES")
    void shouldRefuseAFormPost(String route) {
        assertRefused(send(route, "application/x-www-form-urlencoded", "level=storm"), "Content-Type");
    }

    @ParameterizedTest
    @FieldSource("ROUTES")
    void shouldRefuseAForeignOrigin(String route) {
        assertRefused(send(route, "application/json", "{}", "Origin", "https://evil.example"), "Origin");
    }

    @ParameterizedTest
    @FieldSource("ROUTES")
    void shouldRefuseACrossSiteFetch(String route) {
        assertRefused(send(route, "application/json", "{}", "Sec-Fetch-Site", "cross-site"), "Sec-Fetch-Site");
    }

    @ParameterizedTest
    @FieldSource("ROUTES")
    void shouldRefuseAForeignHost(String route) {
        String[] mp = route.split(" ");
        TestFarm.RawAnswer r = farm.raw(mp[0] + " " + mp[1] + " HTTP/1.1\r\nHost: evil.example:" + farm.port()
                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.json().path("field").asText()).isEqualTo("Host");
        assertThat(r.json().path("message").asText()).contains("evil.example");
    }

    @Test
    void shouldLeaveTheFarmUnchangedAfterRefusals() {
        send("POST /admin/chaos", "text/plain", "{\"level\":\"storm\"}");
        send("POST /admin/chaos", "application/json", "{\"level\":\"storm\"}", "Origin", "https://evil.example");
        assertThat(TestFarm.json(farm.get("/admin/chaos")).path("level").asText())
                .isEqualTo("calm");
    }

    @Test
    void shouldAcceptJsonFromALocalProgramAndFromThisServersPages() {
        assertThat(send("POST /admin/chaos", "application/json", "{\"level\":\"mild\"}")
                        .statusCode())
                .isEqualTo(200);
        assertThat(send(
                                "POST /admin/chaos",
                                "application/json",
                                "{\"level\":\"calm\"}",
                                "Origin",
                                "http://localhost:3000",
                                "Sec-Fetch-Site",
                                "same-site")
                        .statusCode())
                .isEqualTo(200);
        assertThat(farm.send(farm.request("/admin/reset").POST(HttpRequest.BodyPublishers.noBody()))
                        .statusCode())
                .isEqualTo(200);
        assertThat(farm.send(farm.request("/admin/faults/script").DELETE()).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldLetVendorRoutesTakeAnyOriginButNotAForeignHost() {
        HttpResponse<String> sdk = farm.postForm(
                "/api/stripe/v1/customers",
                "name=Ada",
                "Authorization",
                "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc",
                "Origin",
                "https://shop.example",
                "Sec-Fetch-Site",
                "cross-site");
        assertThat(sdk.statusCode()).isEqualTo(200);

        TestFarm.RawAnswer rebound = farm.raw("GET /api/stripe/v1/customers HTTP/1.1\r\nHost: evil.example\r\n"
                + "Authorization: Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc\r\nConnection: close\r\n\r\n");
        assertThat(rebound.status()).isEqualTo(403);
        assertThat(rebound.json().path("field").asText()).isEqualTo("Host");
        TestFarm.RawAnswer readBack =
                farm.raw("GET /admin/ledger HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        assertThat(readBack.status()).isEqualTo(403);
    }

    private HttpResponse<String> send(String route, String contentType, String body, String... headers) {
        String[] mp = route.split(" ");
        HttpRequest.Builder b = farm.request(mp[1])
                .method(mp[0], HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return farm.send(b);
    }

    private static void assertRefused(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
        JsonNode body = TestFarm.json(r);
        assertThat(body.path("error").asText()).isEqualTo("forbidden");
        assertThat(body.path("field").asText()).isEqualTo(field);
        assertThat(body.path("message").asText()).isNotBlank();
    }
}
