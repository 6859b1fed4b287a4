package dev.gauntlet.farm.vendor.salesforce;

import static dev.gauntlet.farm.vendor.salesforce.SalesforceTestClient.ACCOUNTS;
import static dev.gauntlet.farm.vendor.salesforce.SalesforceTestClient.CONTACTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Salesforce flavour over real loopback HTTP: OAuth, standard fields, sObject rows, SOQL batches, errors, drift. */
class SalesforceVendorTest extends BuiltInFarmTest {

    private static final String BASE = "/api/salesforce";

    private SalesforceTestClient sf() {
        return SalesforceTestClient.builtIn(farm);
    }

    @Test
    void shouldIssueTokenWithInstanceUrlAndNoExpiresInWhenClientCredentialsArePosted() {
        var r = farm.postForm(
                BASE + "/services/oauth2/token",
                "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        assertThat(body.has("expires_in")).isFalse();
        assertThat(body.get("instance_url").asText()).isEqualTo(farm.url(BASE));
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("issued_at").asText()).matches("\\d{13}");
        assertThat(body.get("signature").asText()).isNotBlank();
        assertThat(body.get("id").asText()).startsWith(farm.url(BASE) + "/id/00D");
        // The token works against the API at instance_url.
        var rows = farm.send(HttpRequest.newBuilder(
                        URI.create(body.get("instance_url").asText() + ACCOUNTS))
                .header("Authorization", "Bearer " + body.get("access_token").asText())
                .GET());
        assertThat(rows.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheSameShapeWhenTheFarmWideTokenEndpointIsUsed() {
        var r = farm.postForm(
                "/oauth2/token",
                "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret&service=salesforce_mock");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        assertThat(body.has("expires_in")).isFalse();
        assertThat(body.get("instance_url").asText()).isEqualTo(farm.url(BASE));
    }

    @Test
    void shouldRefuseWithInvalidClientWhenTheSecretIsWrong() {
        var r = farm.postForm(
                BASE + "/services/oauth2/token", "grant_type=client_credentials&client_id=gauntlet&client_secret=nope");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("error").asText()).isEqualTo("invalid_client");
        assertThat(TestFarm.json(r).get("error_description").asText()).isEqualTo("invalid client credentials");
    }

    @Test
    void shouldAnswerInvalidSessionIdWhenTheTokenHasExpired() {
        farm.close();
        FakeClock clock = new FakeClock();
        farm = TestFarm.start(FarmConfig.builder().clock(clock));
        SalesforceTestClient sf = sf();
        assertThat(sf.get(ACCOUNTS).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(121));
        var r = sf.get(ACCOUNTS);

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode error = TestFarm.json(r).get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
        assertThat(error.get("message").asText()).isEqualTo("Session expired or invalid");
    }

    @Test
    void shouldAnswerInvalidSessionIdWhenTheTokenIsUnknown() {
        var r = farm.get(BASE + ACCOUNTS, "Authorization", "OAuth not-a-token");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("INVALID_SESSION_ID");
    }

    private static List<String> soqlIds(HttpResponse<String> r) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        var out = new ArrayList<String>();
        TestFarm.json(r).get("records").forEach(rec -> out.add(rec.get("Id").asText()));
        return out;
    }

    @Test
    void shouldOrderFromTheIndexExactlyAsTheScanningPathSortsAfterWritesToo() {
        SalesforceTestClient sf = sf();
        sf.query("SELECT Id FROM Account ORDER BY Industry LIMIT 1");
        // Written after the index was built: a new account, and a rename that moves one.
        assertThat(sf.post("/services/data/v59.0/sobjects/Account", "{\"Name\":\"aaa first\",\"Industry\":\"Aaa\"}")
                        .statusCode())
                .isEqualTo(201);
        String moved =
                soqlIds(sf.query("SELECT Id FROM Account LIMIT 1 OFFSET 7")).getFirst();
        assertThat(sf.patch("/services/data/v59.0/sobjects/Account/" + moved, "{\"Industry\":\"zzz last\"}")
                        .statusCode())
                .isEqualTo(204);
        for (String order : List.of("Id", "Industry", "Industry DESC", "Name DESC", "AnnualRevenue")) {
            // WHERE Id != null matches every record but no index serves it: the scan and the stable sort, as before.
            var indexed = soqlIds(sf.query("SELECT Id FROM Account ORDER BY " + order + " LIMIT 150 OFFSET 100"));
            var scanned = soqlIds(
                    sf.query("SELECT Id FROM Account WHERE Id != null ORDER BY " + order + " LIMIT 150 OFFSET 100"));
            assertThat(indexed).as(order).hasSize(150).isEqualTo(scanned);
        }
        assertThat(soqlIds(sf.query("SELECT Id FROM Account ORDER BY Industry DESC LIMIT 1")))
                .containsExactly(moved);
    }

    @Test
    void shouldFindATextEqualityFromTheIndexCaseInsensitivelyAsSoqlDoes() {
        SalesforceTestClient sf = sf();
        String industry = TestFarm.json(sf.query("SELECT Industry FROM Account LIMIT 1"))
                .get("records")
                .get(0)
                .get("Industry")
                .asText();
        var indexed = soqlIds(sf.query("SELECT Id FROM Account WHERE Industry = '" + industry.toUpperCase() + "'"));
        var scanned = soqlIds(sf.query("SELECT Id FROM Account WHERE Industry = '" + industry + "' AND Id != null"));
        assertThat(indexed).isNotEmpty().isEqualTo(scanned);
        assertThat(soqlIds(sf.query("SELECT Id FROM Account WHERE Industry = 'no such industry'")))
                .isEmpty();
    }

    @Test
    void shouldSelectIdAndNameWhenAnOfficialClientQueriesAccounts() {
        var r = sf().query("SELECT Id, Name FROM Account LIMIT 3");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode records = TestFarm.json(r).get("records");
        assertThat(records).hasSize(3).allSatisfy(rec -> {
            assertThat(rec.get("Id").asText()).hasSize(18).startsWith("001");
            assertThat(rec.get("Name").asText()).isNotBlank();
        });
    }

    @Test
    void shouldReturnEveryRecordExactlyOnceWhenWalkingNextRecordsUrl() {
        SalesforceTestClient sf = sf();
        var first = sf.query("SELECT Id, Name FROM Account LIMIT 5000");
        assertThat(first.statusCode()).isEqualTo(200);

        Set<String> ids = new HashSet<>();
        int batches = 0;
        JsonNode page = TestFarm.json(first);
        int total = page.get("totalSize").asInt();
        while (true) {
            batches++;
            for (JsonNode rec : page.get("records")) {
                assertThat(rec.get("attributes").get("type").asText()).isEqualTo("Account");
                assertThat(rec.has("Name")).isTrue();
                assertThat(ids.add(rec.get("Id").asText()))
                        .as("record seen twice")
                        .isTrue();
            }
            if (page.get("done").asBoolean()) {
                assertThat(page.has("nextRecordsUrl")).isFalse();
                break;
            }
            var next = sf.get(page.get("nextRecordsUrl").asText());
            assertThat(next.statusCode()).isEqualTo(200);
            page = TestFarm.json(next);
        }

        assertThat(total).isEqualTo(1000);
        assertThat(ids).hasSize(1000);
        assertThat(batches).isEqualTo(5); // page_size 200 from the YAML
    }

    @Test
    void shouldUseTheRequestedBatchSizeWhenQueryOptionsHeaderIsSent() {
        var r = sf().get(
                        SalesforceTestClient.DATA + "/query?q=SELECT+Id+FROM+Contact",
                        "Sforce-Query-Options",
                        "batchSize=250");

        JsonNode body = TestFarm.json(r);
        assertThat(body.get("totalSize").asInt()).isEqualTo(500);
        assertThat(body.get("records")).hasSize(250);
        assertThat(body.get("nextRecordsUrl").asText())
                .startsWith("/services/data/v59.0/query/01g")
                .endsWith("-250");
    }

    @Test
    void shouldStoreAndAnswerUnderTheApiNameWhenFieldNamesDifferInCase() {
        SalesforceTestClient sf = sf();
        var created = sf.post(ACCOUNTS, "{\"name\":\"Zeta Unique Ltd\",\"INDUSTRY\":\"Energy\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);

        JsonNode records = sf.records("select ID, NAME from account where name = 'zeta unique ltd'");

        assertThat(records).hasSize(1);
        JsonNode rec = records.get(0);
        assertThat(rec.get("Id").asText())
                .isEqualTo(TestFarm.json(created).get("id").asText());
        assertThat(rec.get("Name").asText()).isEqualTo("Zeta Unique Ltd");
        assertThat(rec.has("Industry")).isFalse();
        JsonNode row = TestFarm.json(sf.get(ACCOUNTS + "/" + rec.get("Id").asText()));
        assertThat(row.get("Industry").asText()).isEqualTo("Energy");
        assertThat(row.has("name")).isFalse();
    }

    @Test
    void shouldAnswerSoqlErrorsWhenTheQueryIsWrong() {
        SalesforceTestClient sf = sf();

        var field = sf.query("SELECT Id, Nope FROM Account");
        assertThat(field.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(field).get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(TestFarm.json(field).get(0).get("message").asText())
                .contains("No such column 'Nope' on entity 'Account'");

        var type = sf.query("SELECT Id FROM Widget");
        assertThat(type.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(type).get(0).get("errorCode").asText()).isEqualTo("INVALID_TYPE");

        var malformed = sf.query("SELEC Id FORM Account");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(malformed).get(0).get("errorCode").asText()).isEqualTo("MALFORMED_QUERY");
    }

    @Test
    void shouldRefuseAnUndeclaredFieldAndStoreNothingWhenCreatingUpdatingOrQuerying() throws Exception {
        SalesforceTestClient sf = sf();
        String id =
                sf.records("SELECT Id FROM Account LIMIT 1").get(0).get("Id").asText();
        JsonNode before = TestFarm.json(sf.get(ACCOUNTS + "/" + id));

        var created = sf.post(ACCOUNTS, "{\"Name\":\"Bogus Co\",\"Bogus__x\":1}");
        var updated = sf.patch(ACCOUNTS + "/" + id, "{\"Name\":\"Renamed\",\"Bogus__x\":1}");
        var queried = sf.query("SELECT Id, Bogus__x FROM Account");

        String expected =
                "[{\"message\":\"No such column 'Bogus__x' on sobject of type Account\",\"errorCode\":\"INVALID_FIELD\"}]";
        assertThat(created.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(created)).isEqualTo(TestFarm.JSON.readTree(expected));
        assertThat(updated.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(updated)).isEqualTo(TestFarm.JSON.readTree(expected));
        assertThat(queried.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(queried).get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(TestFarm.json(queried).get(0).get("message").asText())
                .contains("No such column 'Bogus__x' on entity 'Account'");

        assertThat(sf.stored("Account")).isEqualTo(1000);
        assertThat(TestFarm.json(sf.get(ACCOUNTS + "/" + id))).isEqualTo(before);
        assertThat(TestFarm.json(farm.get("/admin/ledger?service=salesforce_mock"))
                        .get("total")
                        .asInt())
                .isZero();
        // Salesforce sends its limit header on errors too.
        assertThat(created.headers().firstValue("Sforce-Limit-Info")).isPresent();
    }

    @Test
    void shouldWriteTheLedgerAndServeTheRowWhenAnAccountIsCreated() {
        SalesforceTestClient sf = sf();
        var created = sf.post(ACCOUNTS, "{\"Name\":\"Ledger Co\",\"External_Id__c\":\"op-sf-1\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode body = TestFarm.json(created);
        assertThat(body.get("success").asBoolean()).isTrue();
        assertThat(body.get("errors")).isEmpty();
        assertThat(body.has("created")).isFalse();
        String id = body.get("id").asText();
        assertThat(id).hasSize(18).startsWith("001");

        JsonNode entry = sf.ledger("op-sf-1");
        assertThat(entry).singleElement().satisfies(e -> {
            assertThat(e.get("resource").asText()).isEqualTo("Account");
            assertThat(e.get("commits").asInt()).isEqualTo(1);
        });

        JsonNode row = TestFarm.json(sf.get(ACCOUNTS + "/" + id));
        assertThat(row.get("attributes").get("url").asText()).isEqualTo(ACCOUNTS + "/" + id);
        assertThat(row.get("Name").asText()).isEqualTo("Ledger Co");
        // The 15-character form of the id names the same row.
        assertThat(sf.get(ACCOUNTS + "/" + id.substring(0, 15)).statusCode()).isEqualTo(200);

        assertThat(sf.patch(ACCOUNTS + "/" + id, "{\"Industry\":\"Media\"}").statusCode())
                .isEqualTo(204);
        assertThat(TestFarm.json(sf.get(ACCOUNTS + "/" + id)).get("Industry").asText())
                .isEqualTo("Media");

        var deleted = farm.send(farm.request(BASE + ACCOUNTS + "/" + id)
                .header("Authorization", "Bearer " + sf.token)
                .DELETE());
        assertThat(deleted.statusCode()).isEqualTo(204);
        var gone = sf.get(ACCOUNTS + "/" + id);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(gone).get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(TestFarm.json(gone).get(0).get("message").asText())
                .isEqualTo("The requested resource does not exist");
    }

    @Test
    void shouldReadANonIdSegmentAsAnExternalIdWhenNoRowHasIt() {
        var r = sf().get(ACCOUNTS + "/not-an-id");

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(TestFarm.json(r).get(0).get("message").asText())
                .isEqualTo("Provided external ID field does not exist or is not accessible: not-an-id");
    }

    @Test
    void shouldMakeTwoRecordsWhenAKeyedPostIsSentTwice() {
        SalesforceTestClient sf = sf();
        String body = "{\"LastName\":\"Twice\",\"External_Id__c\":\"op-keyed-1\"}";

        var first = sf.post(CONTACTS, body, "Idempotency-Key", "k-same");
        var second = sf.post(CONTACTS, body, "Idempotency-Key", "k-same");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(201);
        assertThat(second.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(TestFarm.json(second).get("id").asText())
                .isNotEqualTo(TestFarm.json(first).get("id").asText());
        assertThat(sf.stored("Contact")).isEqualTo(502);
        assertThat(sf.ledger("op-keyed-1"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("commits").asInt()).isEqualTo(2));
    }

    @Test
    void shouldFlagExternalIdFieldsWhenAnObjectIsDescribed() {
        SalesforceTestClient sf = sf();

        JsonNode account = TestFarm.json(sf.get(ACCOUNTS + "/describe")).get("fields");
        JsonNode contact = TestFarm.json(sf.get(CONTACTS + "/describe")).get("fields");

        assertThat(account.findValuesAsText("name"))
                .containsExactly(
                        "Id",
                        "Name",
                        "Industry",
                        "AnnualRevenue",
                        "BillingCity",
                        "Phone",
                        "Account_Name__c",
                        "External_Id__c");
        JsonNode accountExt = field(account, "External_Id__c");
        assertThat(accountExt.get("externalId").asBoolean()).isTrue();
        assertThat(accountExt.get("unique").asBoolean()).isTrue();
        assertThat(accountExt.get("custom").asBoolean()).isTrue();
        assertThat(field(account, "Name").get("externalId").asBoolean()).isFalse();
        assertThat(field(account, "AnnualRevenue").get("type").asText()).isEqualTo("currency");
        JsonNode contactExt = field(contact, "External_Id__c");
        assertThat(contactExt.get("externalId").asBoolean()).isTrue();
        assertThat(contactExt.get("unique").asBoolean()).isFalse();
    }

    private static JsonNode field(JsonNode fields, String name) {
        for (JsonNode f : fields) if (f.get("name").asText().equals(name)) return f;
        throw new AssertionError("no field " + name + " in " + fields);
    }

    @Test
    void shouldMintContactIdsWithTheContactKeyPrefixWhenContactsAreRead() {
        assertThat(sf().records("SELECT Id FROM Contact LIMIT 1")
                        .get(0)
                        .get("Id")
                        .asText())
                .hasSize(18)
                .startsWith("003");
    }

    @Test
    void shouldRenameTheCustomFieldWhenMoreThanFiftyCallsHavePassed() {
        SalesforceTestClient sf = sf();
        String id =
                sf.records("SELECT Id FROM Account LIMIT 1").get(0).get("Id").asText();
        JsonNode before = TestFarm.json(sf.get(ACCOUNTS + "/" + id));
        assertThat(before.has("Account_Name__c")).isTrue();

        for (int i = 0; i < 50; i++) sf.get(ACCOUNTS + "/" + id);
        JsonNode after = TestFarm.json(sf.get(ACCOUNTS + "/" + id));
        JsonNode queried =
                sf.records("SELECT Id, Account_Name__c FROM Account LIMIT 1").get(0);
        JsonNode adapted = sf.records("SELECT Id, Name__c FROM Account LIMIT 1").get(0);
        JsonNode described = TestFarm.json(sf.get(ACCOUNTS + "/describe")).get("fields");

        assertThat(after.has("Account_Name__c")).isFalse();
        assertThat(after.get("Name__c").asText())
                .isEqualTo(before.get("Account_Name__c").asText());
        assertThat(after.get("Name").asText())
                .as("standard fields keep their names")
                .isEqualTo(before.get("Name").asText());
        assertThat(queried.has("Account_Name__c")).isFalse();
        assertThat(queried.get("Name__c").asText())
                .isEqualTo(before.get("Account_Name__c").asText());
        assertThat(adapted.get("Name__c").asText())
                .isEqualTo(before.get("Account_Name__c").asText());
        assertThat(described.findValuesAsText("name")).contains("Name__c").doesNotContain("Account_Name__c");
        // A client that adapted writes the new name; it lands in the same field.
        assertThat(sf.patch(ACCOUNTS + "/" + id, "{\"Name__c\":\"Adapted\"}").statusCode())
                .isEqualTo(204);
        assertThat(TestFarm.json(sf.get(ACCOUNTS + "/" + id)).get("Name__c").asText())
                .isEqualTo("Adapted");
    }

    @Test
    void shouldCarrySforceLimitInfoWhenAnAuthenticatedCallIsAnswered() {
        var r = sf().get(ACCOUNTS);

        assertThat(r.headers().firstValue("Sforce-Limit-Info"))
                .hasValueSatisfying(v -> assertThat(v).matches("api-usage=\\d+/30000"));
        assertThat(TestFarm.json(r).get("objectDescribe").get("keyPrefix").asText())
                .isEqualTo("001");
        assertThat(TestFarm.json(r).get("recentItems")).isNotEmpty();
    }

    @Test
    void shouldAnswerJsonParserErrorWhenTheBodyIsMalformed() {
        var r = sf().post(ACCOUNTS, "{\"Name\": ");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("JSON_PARSER_ERROR");
    }

    @Test
    void shouldAnswerMethodNotAllowedInTheErrorArrayWhenTheMethodIsWrong() {
        var r = farm.send(farm.request(BASE + ACCOUNTS)
                .header("Authorization", "Bearer " + sf().token)
                .method("PUT", HttpRequest.BodyPublishers.ofString("{}")));

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(TestFarm.json(r).get(0).get("errorCode").asText()).isEqualTo("METHOD_NOT_ALLOWED");
    }
}
