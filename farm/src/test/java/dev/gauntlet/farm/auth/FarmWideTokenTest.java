package dev.gauntlet.farm.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.TestFarm;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The farm-wide {@code POST /oauth2/token} with the documented credentials, which several built-in services share. */
class FarmWideTokenTest extends BuiltInFarmTest {

    private static final String CREDENTIALS =
            "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret";
    private static final String ACCOUNTS = "/api/salesforce/services/data/v59.0/sobjects/Account";
    private static final String ISSUES = "/api/github/repos/gauntlet/demo/issues";

    private HttpResponse<String> token(String extra) {
        return farm.postForm("/oauth2/token", CREDENTIALS + extra);
    }

    @Test
    void shouldIssueOneTokenEveryServiceOfTheCredentialsAcceptsWhenNoServiceIsNamed() {
        var r = token("");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        String token = body.get("access_token").asText();
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.has("refresh_token"))
                .as("a refresh token belongs to one service")
                .isFalse();
        assertThat(body.get("services"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder("salesforce_mock", "github_mock", "supabase_mock");
        // The shortest TTL of the three (salesforce_mock 120 s; github_mock 300 s, supabase_mock 3,600 s).
        assertThat(body.get("expires_in").asInt()).isEqualTo(120);
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");

        assertThat(farm.get(ACCOUNTS, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(200);
        assertThat(farm.get(ISSUES, "Authorization", "Bearer " + token).statusCode())
                .isEqualTo(200);
        assertThat(farm.get(
                                "/api/supabase/rest/v1/accounts?limit=1",
                                "apikey",
                                TestFarm.SUPABASE_ANON,
                                "Authorization",
                                "Bearer " + token)
                        .statusCode())
                .isEqualTo(200);
        assertThat(farm.get("/api/stripe/v1/customers", "Authorization", "Bearer " + token)
                        .statusCode())
                .as("not a service of these credentials")
                .isEqualTo(401);
        JsonNode status = TestFarm.json(farm.get("/admin/status"));
        for (JsonNode s : status.get("services")) {
            if (s.get("id").asText().matches("salesforce_mock|github_mock|supabase_mock"))
                assertThat(s.get("tokens_issued").asInt()).isEqualTo(1);
        }
    }

    @Test
    void shouldRefuseWrongCredentialsWithInvalidClient() {
        var wrongSecret =
                farm.postForm("/oauth2/token", "grant_type=client_credentials&client_id=gauntlet&client_secret=nope");
        assertThat(wrongSecret.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(wrongSecret).get("error").asText()).isEqualTo("invalid_client");

        var unknown =
                farm.postForm("/oauth2/token", "grant_type=client_credentials&client_id=stranger&client_secret=x");
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(unknown).get("error_description").asText()).contains("stranger");
    }

    @Test
    void shouldAnswerAsTheServiceWhenServiceOrResourceNamesOne() {
        var named = token("&service=salesforce_mock");
        assertThat(named.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(named).get("instance_url").asText()).isEqualTo(farm.url("/api/salesforce"));

        var byResource = token("&resource=" + URLEncoder.encode(farm.url("/api/github"), StandardCharsets.UTF_8));
        assertThat(byResource.statusCode()).as(byResource.body()).isEqualTo(200);
        String gho = TestFarm.json(byResource).get("access_token").asText();
        assertThat(gho).startsWith("gho_");
        assertThat(farm.get(ISSUES, "Authorization", "Bearer " + gho).statusCode())
                .isEqualTo(200);
        assertThat(farm.get(ACCOUNTS, "Authorization", "Bearer " + gho).statusCode())
                .isEqualTo(401);

        var fragment = token("&resource=" + URLEncoder.encode(farm.url("/api/github") + "#x", StandardCharsets.UTF_8));
        assertThat(fragment.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(fragment).get("error").asText()).isEqualTo("invalid_target");
        var nowhere = token("&resource=" + URLEncoder.encode(farm.url("/api/nowhere"), StandardCharsets.UTF_8));
        assertThat(TestFarm.json(nowhere).get("error").asText()).isEqualTo("invalid_target");
        var unknownService = token("&service=nope_mock");
        assertThat(unknownService.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(unknownService).get("error_description").asText())
                .contains("nope_mock");
    }

    @Test
    void shouldRefreshAtTheServiceThatIssuedTheRefreshTokenWhenNoneIsNamed() {
        JsonNode issued = TestFarm.json(token("&service=supabase_mock"));
        String refresh = issued.get("refresh_token").asText();

        var refreshed = farm.postForm("/oauth2/token", "grant_type=refresh_token&refresh_token=" + refresh);

        assertThat(refreshed.statusCode()).as(refreshed.body()).isEqualTo(200);
        assertThat(TestFarm.json(refreshed).get("refresh_token").asText()).isNotEqualTo(refresh);
        var unknown = farm.postForm("/oauth2/token", "grant_type=refresh_token&refresh_token=never-issued");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(unknown).get("error").asText()).isEqualTo("invalid_grant");
    }
}
