package dev.gauntlet.farm.flavor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.TestFarm;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Salesforce flavour over real loopback HTTP: OAuth, sObject rows, SOQL batches, errors, limits and drift. */
class SalesforceFlavorTest extends BuiltInFarmTest {

    private static final String BASE = "/api/salesforce";
    private static final String ACCOUNTS = BASE + "/services/data/v59.0/sobjects/Account";

    private String token() {
        return farm.token("salesforce_mock", "gauntlet", "gauntlet-secret");
    }

    private HttpResponse<String> get(String path, String token, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = "Bearer " + token;
        System.arraycopy(headers, 0, all, 2, headers.length);
        return farm.get(path, all);
    }

    private static String q(String soql) {
        return BASE + "/services/data/v59.0/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8);
    }

    @Test
    void shouldIssueTokenWithInstanceUrlAndNoExpiresInWhenClientCredentialsArePosted() {
        var r = farm.postForm(BASE + "/services/oauth2/token", "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        assertThat(body.has("expires_in")).isFalse();
        assertThat(body.get("instance_url").asText()).isEqualTo(farm.url(BASE));
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("issued_at").asText()).matches("\\d{13}");
        assertThat(body.get("signature").asText()).isNotBlank();
        assertThat(body.get("id").asText()).startsWith(farm.url(BASE) + "/id/00D");
        // The token works against the API at instance_url.
        var rows = farm.send(HttpRequest.newBuilder(URI.create(body.get("instance_url").asText() + "/services/data/v59.0/sobjects/Account"))
                .header("Authorization", "Bearer " + body.get("access_token").asText()).GET());
        assertThat(rows.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheSameShapeWhenTheFarmWideTokenEndpointIsUsed() {
        var r = farm.postForm("/oauth2/token", "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret&service=salesforce_mock");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        assertThat(body.has("expires_in")).isFalse();
        assertThat(body.get("instance_url").asText()).isEqualTo(farm.url(BASE));
    }

    @Test
    void shouldRefuseWithInvalidClientWhenTheSecretIsWrong() {
        var r = farm.postForm(BASE + "/services/oauth2/token", "grant_type=client_credentials&client_id=gauntlet&client_secret=nope");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("error").asText()).isEqualTo("invalid_client");
        assertThat(TestFarm.json(r).get("error_description").asText()).isEqualTo("invalid client credentials");
    }

    @Test
    void shouldAnswerInvalidSessionIdWhenTheTokenHasExpired() {
        farm.close();
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        farm = TestFarm.start(FarmConfig.builder().clock(clock));
        String token = token();
        assertThat(get(ACCOUNTS, token).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(121));
        var r = get(ACCOUNTS, token);

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode error = TestFarm.json(r).get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
        assertThat(error.get("message").asText()).isEqualTo("Session expired or invalid");
    }

    @Test
    void shouldAnswerInvalidSessionIdWhenTheTokenIsUnknown() {
        var r = farm.get(ACCOUNTS, "Authorization", "OAuth not-a-token");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
    }

    @Test
    void shouldReturnEveryRecordExactlyOnceWhenWalkingNextRecordsUrl() {
        String token = token();
        String instance = farm.url(BASE);
        var first = get(q("SELECT Id, account_name FROM Account LIMIT 5000"), token);
        assertThat(first.statusCode()).isEqualTo(200);

        Set<String> ids = new HashSet<>();
        int batches = 0;
        JsonNode page = TestFarm.json(first);
        int total = page.get("totalSize").asInt();
        while (true) {
            batches++;
            for (JsonNode rec : page.get("records")) {
                assertThat(rec.get("attributes").get("type").asText()).isEqualTo("Account");
                assertThat(rec.has("account_name")).isTrue();
                assertThat(ids.add(rec.get("Id").asText())).as("record seen twice").isTrue();
            }
            if (page.get("done").asBoolean()) {
                assertThat(page.has("nextRecordsUrl")).isFalse();
                break;
            }
            var next = farm.send(HttpRequest.newBuilder(URI.create(instance + page.get("nextRecordsUrl").asText()))
                    .header("Authorization", "Bearer " + token).GET());
            assertThat(next.statusCode()).isEqualTo(200);
            page = TestFarm.json(next);
        }

        assertThat(total).isEqualTo(1000);
        assertThat(ids).hasSize(1000);
        assertThat(batches).isEqualTo(5); // page_size 200 from the YAML
    }

    @Test
    void shouldUseTheRequestedBatchSizeWhenQueryOptionsHeaderIsSent() {
        var r = get(q("SELECT Id FROM Contact"), token(), "Sforce-Query-Options", "batchSize=250");

        JsonNode body = TestFarm.json(r);
        assertThat(body.get("totalSize").asInt()).isEqualTo(500);
        assertThat(body.get("records")).hasSize(250);
        assertThat(body.get("nextRecordsUrl").asText()).startsWith("/services/data/v59.0/query/01g").endsWith("-250");
    }

    @Test
    void shouldProjectFieldsCaseInsensitivelyAndFilterWhenWhereIsGiven() {
        String token = token();
        var created = farm.postJson(ACCOUNTS, "{\"account_name\":\"Zeta Unique Ltd\",\"industry\":\"Energy\"}", "Authorization", "Bearer " + token);
        assertThat(created.statusCode()).isEqualTo(201);

        var r = get(q("select ID, ACCOUNT_NAME from account where Account_Name = 'zeta unique ltd'"), token);

        JsonNode body = TestFarm.json(r);
        assertThat(body.get("totalSize").asInt()).isEqualTo(1);
        JsonNode rec = body.get("records").get(0);
        assertThat(rec.get("Id").asText()).isEqualTo(TestFarm.json(created).get("id").asText());
        assertThat(rec.get("account_name").asText()).isEqualTo("Zeta Unique Ltd");
        assertThat(rec.has("industry")).isFalse();
    }

    @Test
    void shouldAnswerSoqlErrorsWhenTheQueryIsWrong() {
        String token = token();

        var field = get(q("SELECT Id, Nope FROM Account"), token);
        assertThat(field.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(field).get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(TestFarm.json(field).get(0).get("message").asText()).contains("No such column 'Nope' on entity 'Account'");

        var type = get(q("SELECT Id FROM Widget"), token);
        assertThat(type.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(type).get(0).get("errorCode").asText()).isEqualTo("INVALID_TYPE");

        var malformed = get(q("SELEC Id FORM Account"), token);
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(malformed).get(0).get("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
    }

    @Test
    void shouldWriteTheLedgerAndServeTheRowWhenAnAccountIsCreated() {
        String token = token();
        var created = farm.postJson(ACCOUNTS, "{\"account_name\":\"Ledger Co\",\"external_id\":\"op-sf-1\"}", "Authorization", "Bearer " + token);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = TestFarm.json(created);
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("errors")).isEmpty();
        String id = body.get("id").asText();
        assertThat(id).hasSize(18).startsWith("001");

        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=salesforce_mock"));
        assertThat(ledger.get("total").asInt()).isEqualTo(1);
        JsonNode entry = ledger.get("entries").get(0);
        assertThat(entry.get("resource").asText()).isEqualTo("Account");
        assertThat(entry.get("op_id").asText()).isEqualTo("op-sf-1");
        assertThat(entry.get("commits").asInt()).isEqualTo(1);

        JsonNode row = TestFarm.json(get(ACCOUNTS + "/" + id, token));
        assertThat(row.get("attributes").get("url").asText()).isEqualTo("/services/data/v59.0/sobjects/Account/" + id);
        assertThat(row.get("account_name").asText()).isEqualTo("Ledger Co");
        // The 15-character form of the id names the same row.
        assertThat(get(ACCOUNTS + "/" + id.substring(0, 15), token).statusCode()).isEqualTo(200);

        var patched = farm.send(farm.request(ACCOUNTS + "/" + id).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").method("PATCH", HttpRequest.BodyPublishers.ofString("{\"industry\":\"Media\"}")));
        assertThat(patched.statusCode()).isEqualTo(204);
        assertThat(TestFarm.json(get(ACCOUNTS + "/" + id, token)).get("industry").asText()).isEqualTo("Media");

        var deleted = farm.send(farm.request(ACCOUNTS + "/" + id).header("Authorization", "Bearer " + token).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        var gone = get(ACCOUNTS + "/" + id, token);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(gone).get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void shouldMintContactIdsWithTheContactKeyPrefixWhenContactsAreRead() {
        var r = get(q("SELECT Id FROM Contact LIMIT 1"), token());

        assertThat(TestFarm.json(r).get("records").get(0).get("Id").asText()).hasSize(18).startsWith("003");
    }

    @Test
    void shouldRenameAccountNameToNameWhenMoreThanFiftyCallsHavePassed() {
        String token = token();
        String id = TestFarm.json(get(q("SELECT Id FROM Account LIMIT 1"), token)).get("records").get(0).get("Id").asText();
        JsonNode before = TestFarm.json(get(ACCOUNTS + "/" + id, token));
        assertThat(before.has("account_name")).isTrue();

        for (int i = 0; i < 50; i++) get(ACCOUNTS + "/" + id, token);
        JsonNode after = TestFarm.json(get(ACCOUNTS + "/" + id, token));
        JsonNode queried = TestFarm.json(get(q("SELECT Id, account_name FROM Account LIMIT 1"), token)).get("records").get(0);

        assertThat(after.has("account_name")).isFalse();
        assertThat(after.get("name").asText()).isEqualTo(before.get("account_name").asText());
        assertThat(queried.has("account_name")).isFalse();
        assertThat(queried.has("name")).isTrue();
    }

    @Test
    void shouldCarrySforceLimitInfoWhenAnAuthenticatedCallIsAnswered() {
        var r = get(ACCOUNTS, token());

        assertThat(r.headers().firstValue("Sforce-Limit-Info")).hasValueSatisfying(v -> assertThat(v).matches("api-usage=\\d+/300"));
        assertThat(TestFarm.json(r).get("objectDescribe").get("keyPrefix").asText()).isEqualTo("001");
        assertThat(TestFarm.json(r).get("recentItems")).isNotEmpty();
    }

    @Test
    void shouldAnswerRequestLimitExceededWithRetryAfterWhenTheBucketIsEmpty() {
        farm.close();
        TestFarm.write(dir.resolve("services"), "sf_tiny.yaml", """
                id: sf_tiny
                flavor: salesforce
                base_path: /api/sftiny
                auth: { type: oauth2_client_credentials, clients: [{ id: tiny, secret: tiny-secret }] }
                rate_limit: { max_rps: 0.5, burst: 2, per: client }
                resources:
                  - { name: Account, path: /services/data/v59.0/sobjects/Account, id_field: Id, fields: { account_name: company }, count: 3 }
                """);
        // A frozen clock, so the bucket never refills between requests however slow the machine is.
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")).clock(new MutableClock(Instant.now())));
        String token = farm.token("sf_tiny", "tiny", "tiny-secret");
        String path = "/api/sftiny/services/data/v59.0/sobjects/Account";

        assertThat(get(path, token).statusCode()).isEqualTo(200);
        assertThat(get(path, token).statusCode()).isEqualTo(200);
        var r = get(path, token);

        assertThat(r.statusCode()).isEqualTo(403);
        JsonNode error = TestFarm.json(r).get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(error.get("message").asText()).isEqualTo("TotalRequests Limit exceeded.");
        assertThat(r.headers().firstValue("Retry-After").map(Long::parseLong)).hasValue(2L); // one token every 2 s at 0.5/s
        assertThat(r.headers().firstValue("Sforce-Limit-Info")).hasValue("api-usage=2/2");
    }

    @Test
    void shouldAnswerJsonParserErrorWhenTheBodyIsMalformed() {
        var r = farm.postJson(ACCOUNTS, "{\"account_name\": ", "Authorization", "Bearer " + token());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("JSON_PARSER_ERROR");
    }

    @Test
    void shouldAnswerMethodNotAllowedInTheErrorArrayWhenTheMethodIsWrong() {
        var r = farm.send(farm.request(ACCOUNTS).header("Authorization", "Bearer " + token())
                .method("PUT", HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }

    /** A clock tests move by hand. */
    static final class MutableClock implements InstantSource {
        private final AtomicReference<Instant> now;

        MutableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
