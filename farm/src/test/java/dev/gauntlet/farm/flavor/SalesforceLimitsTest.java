package dev.gauntlet.farm.flavor;

import static dev.gauntlet.farm.flavor.SalesforceTestClient.ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salesforce's limits over real HTTP: the org's rolling allocation in Sforce-Limit-Info, and the concurrent-request limit chaos injects. */
class SalesforceLimitsTest {

    @TempDir
    Path dir;

    @Test
    void shouldCountUpAndRefuseWithoutRetryAfterUntilRequestsAgeOutOfTheRollingWindow() {
        TestFarm.write(dir.resolve("services"), "sf_tiny.yaml", """
                id: sf_tiny
                flavor: salesforce
                base_path: /api/sftiny
                auth: { type: oauth2_client_credentials, token_ttl_s: 3600, clients: [{ id: tiny, secret: tiny-secret }] }
                rate_limit: { kind: rolling_window, limit: 3, window_s: 60, per: service }
                resources:
                  - { name: Account, path: /services/data/v59.0/sobjects/Account, id_field: Id, fields: { Name: company }, count: 3 }
                """);
        // A fake clock: the window moves only when the test says so, however slow the machine is.
        FakeClock clock = new FakeClock();
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")).clock(clock))) {
            SalesforceTestClient sf = new SalesforceTestClient(farm, "sf_tiny", "/api/sftiny", "tiny", "tiny-secret");

            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=1/3");
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=2/3");
            clock.advance(Duration.ofSeconds(30));
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=3/3");
            HttpResponse<String> refused = sf.get(ACCOUNTS);

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(TestFarm.json(refused)).isEqualTo(TestFarm.JSON.createArrayNode().add(TestFarm.JSON.createObjectNode()
                    .put("message", "TotalRequests Limit exceeded.").put("errorCode", "REQUEST_LIMIT_EXCEEDED")));
            assertThat(refused.headers().firstValue("Retry-After")).isEmpty();
            assertThat(usage(refused)).isEqualTo("api-usage=3/3");

            // 61 s after the first two requests they have aged out; the one made at 30 s still counts.
            clock.advance(Duration.ofSeconds(31));
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=2/3");
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=3/3");
            assertThat(sf.get(ACCOUNTS).statusCode()).isEqualTo(403);
        }
    }

    @Test
    void shouldAnswerTheConcurrentRequestLimitAndKeepTheDailyCountWhenChaosInjectsARateLimit() {
        StringBuilder profiles = new StringBuilder();
        for (String p : List.of("mostly_ok", "aggressive_limits", "network_flakiness", "server_errors", "rate_limits", "token_rotation", "schema_drift")) {
            profiles.append("  ").append(p).append(": { errors: { rate_limit: 1 } }\n");
        }
        Path chaos = TestFarm.write(dir, "only-limits.yaml", """
                levels:
                  calm: { error_rate: 0, network_rate: 0 }
                  mild: { error_rate: 0, network_rate: 0 }
                  storm: { error_rate: 0, network_rate: 0 }
                  hell: { error_rate: 0, network_rate: 0 }
                  all_errors: { error_rate: 1.0, network_rate: 0 }
                profiles:
                """ + profiles);
        try (TestFarm farm = TestFarm.start(FarmConfig.builder().chaosFile(chaos))) {
            SalesforceTestClient sf = SalesforceTestClient.builtIn(farm);
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=1/30000");
            farm.chaos("{\"level\":\"all_errors\",\"services\":[\"salesforce_mock\"]}");

            HttpResponse<String> r = sf.get(ACCOUNTS);

            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode error = TestFarm.json(r).get(0);
            assertThat(error.get("errorCode").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
            assertThat(error.get("message").asText()).isEqualTo("ConcurrentPerOrgLongTxn Limit exceeded.");
            assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            assertThat(usage(r)).as("the org's daily count, not a spent allocation").isEqualTo("api-usage=2/30000");
            JsonNode faults = TestFarm.json(farm.get("/admin/faults?service=salesforce_mock"));
            assertThat(faults.get("entries")).singleElement().satisfies(f -> assertThat(f.get("type").asText()).isEqualTo("rate_limit"));
        }
    }

    private static String usage(HttpResponse<String> r) {
        return r.headers().firstValue("Sforce-Limit-Info").orElse("(none)");
    }
}
