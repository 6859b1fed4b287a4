package dev.gauntlet.farm.vendor.salesforce;

import static dev.gauntlet.farm.vendor.salesforce.SalesforceTestClient.ACCOUNTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Salesforce's limits over real HTTP: the org's rolling allocation in Sforce-Limit-Info, and the concurrent-request limit chaos injects. */
class SalesforceLimitsTest {

    @TempDir
    Path dir;

    /** A farm with one Salesforce service whose org may make {@code limit} requests in any 60 s. */
    private TestFarm farm(long limit, String errorProfile, FarmConfig.Builder config) {
        TestFarm.write(dir.resolve("services"), "sf_tiny.yaml", """
                id: sf_tiny
                flavor: salesforce
                base_path: /api/sftiny
                auth: { type: oauth2_client_credentials, token_ttl_s: 3600, clients: [{ id: tiny, secret: tiny-secret }] }
                rate_limit: { kind: rolling_window, limit: %d, window_s: 60, per: service }
                error_profile: %s
                resources:
                  - { name: Account, path: /services/data/v59.0/sobjects/Account, id_field: Id, fields: { Name: company }, count: 3 }
                """.formatted(limit, errorProfile));
        return TestFarm.start(config.builtIns(false).servicesDir(dir.resolve("services")));
    }

    private static SalesforceTestClient client(TestFarm farm) {
        return new SalesforceTestClient(farm, "sf_tiny", "/api/sftiny", "tiny", "tiny-secret");
    }

    @Test
    void shouldCountUpAndRefuseWithoutRetryAfterUntilRequestsAgeOutOfTheRollingWindow() {
        // A fake clock: the window moves only when the test says so, however slow the machine is.
        FakeClock clock = new FakeClock();
        try (TestFarm farm = farm(3, "aggressive_limits", FarmConfig.builder().clock(clock))) {
            SalesforceTestClient sf = client(farm);

            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=1/3");
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=2/3");
            clock.advance(Duration.ofSeconds(30));
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=3/3");
            HttpResponse<String> refused = sf.get(ACCOUNTS);

            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(TestFarm.json(refused))
                    .isEqualTo(TestFarm.JSON
                            .createArrayNode()
                            .add(TestFarm.JSON
                                    .createObjectNode()
                                    .put("message", "TotalRequests Limit exceeded.")
                                    .put("errorCode", "REQUEST_LIMIT_EXCEEDED")));
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
    void shouldNotSpendTheOrgsAllocationOnLogins() {
        try (TestFarm farm = farm(3, "aggressive_limits", FarmConfig.builder())) {
            // Logins are the OAuth service's, not API calls: five of them leave the allocation of three untouched.
            for (int i = 0; i < 5; i++) farm.token("sf_tiny", "tiny", "tiny-secret");
            SalesforceTestClient sf = client(farm);
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=1/3");
        }
    }

    @Test
    void shouldAnswerTheConcurrentRequestLimitAndKeepTheDailyCountWhenChaosInjectsARateLimit() {
        try (TestFarm farm =
                farm(1000, "only_rate_limit", FarmConfig.builder().chaosFile(TestFarm.chaosWithOnly(dir)))) {
            SalesforceTestClient sf = client(farm);
            assertThat(usage(sf.get(ACCOUNTS))).isEqualTo("api-usage=1/1000");
            farm.chaos("{\"level\":\"all_errors\",\"services\":[\"sf_tiny\"]}");

            HttpResponse<String> r = sf.get(ACCOUNTS);

            assertThat(r.statusCode()).isEqualTo(403);
            JsonNode error = TestFarm.json(r).get(0);
            assertThat(error.get("errorCode").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
            assertThat(error.get("message").asText()).isEqualTo("ConcurrentPerOrgLongTxn Limit exceeded.");
            assertThat(r.headers().firstValue("Retry-After")).isEmpty();
            assertThat(usage(r))
                    .as("the org's daily count, not a spent allocation")
                    .isEqualTo("api-usage=2/1000");
            JsonNode faults = TestFarm.json(farm.get("/admin/faults?service=sf_tiny"));
            assertThat(faults.get("entries"))
                    .singleElement()
                    .satisfies(f -> assertThat(f.get("type").asText()).isEqualTo("rate_limit"));
        }
    }

    private static String usage(HttpResponse<String> r) {
        return r.headers().firstValue("Sforce-Limit-Info").orElse("(none)");
    }
}
