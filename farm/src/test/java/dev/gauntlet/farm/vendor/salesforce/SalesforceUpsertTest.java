package dev.gauntlet.farm.vendor.salesforce;

import static dev.gauntlet.farm.vendor.salesforce.SalesforceTestClient.ACCOUNTS;
import static dev.gauntlet.farm.vendor.salesforce.SalesforceTestClient.CONTACTS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.TestFarm;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Salesforce's native idempotent write over real HTTP: upsert by External ID, its ledger, and the unique External ID. */
class SalesforceUpsertTest extends BuiltInFarmTest {

    private SalesforceTestClient sf;

    @BeforeEach
    void client() {
        sf = SalesforceTestClient.builtIn(farm);
    }

    @Test
    void shouldCreateThenUpdateTheSameRecordWhenAnUpsertIsRepeated() {
        var first = sf.patch(ACCOUNTS + "/External_Id__c/op-up-1", "{\"Name\":\"Upsert Co\",\"Industry\":\"Energy\"}");
        var second = sf.patch(ACCOUNTS + "/External_Id__c/op-up-1", "{\"Name\":\"Upsert Co\",\"Industry\":\"Media\"}");

        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode created = TestFarm.json(first);
        JsonNode updated = TestFarm.json(second);
        assertThat(created.get("id").asText()).hasSize(18).startsWith("001");
        assertThat(created.get("success").asBoolean()).isTrue();
        assertThat(created.get("errors")).isEmpty();
        assertThat(created.get("created").asBoolean()).isTrue();
        assertThat(updated.get("id").asText()).isEqualTo(created.get("id").asText());
        assertThat(updated.get("created").asBoolean()).isFalse();

        JsonNode row = TestFarm.json(sf.get(ACCOUNTS + "/" + created.get("id").asText()));
        assertThat(row.get("External_Id__c").asText()).isEqualTo("op-up-1");
        assertThat(row.get("Industry").asText()).isEqualTo("Media");
        assertThat(sf.stored("Account")).isEqualTo(1001);
        assertThat(sf.ledger("op-up-1")).singleElement().satisfies(e -> {
            assertThat(e.get("commits").asInt()).isEqualTo(1);
            assertThat(e.get("reapplied").asInt()).isEqualTo(1);
        });
    }

    @Test
    void shouldMakeOneRecordWhenUpsertsOfOneValueRace() throws Exception {
        int n = 16;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (var pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                int k = i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return sf.patch(ACCOUNTS + "/External_Id__c/op-race", "{\"Name\":\"Race " + k + "\"}");
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (var a : answers) statuses.add(a.get().statusCode());
            assertThat(statuses)
                    .containsOnly(200, 201)
                    .filteredOn(s -> s == 201)
                    .hasSize(1);
        }

        assertThat(sf.records("SELECT Id FROM Account WHERE External_Id__c = 'op-race'"))
                .hasSize(1);
        assertThat(sf.stored("Account")).isEqualTo(1001);
        assertThat(sf.ledger("op-race")).singleElement().satisfies(e -> {
            assertThat(e.get("commits").asInt()).isEqualTo(1);
            assertThat(e.get("reapplied").asInt()).isEqualTo(n - 1);
        });
    }

    @Test
    void shouldAnswerDuplicateValueAndStoreNothingWhenAPlainCreateReusesAnExternalId() {
        String id = sf.records("SELECT Id, External_Id__c FROM Account LIMIT 1")
                .get(0)
                .get("Id")
                .asText();
        String taken =
                TestFarm.json(sf.get(ACCOUNTS + "/" + id)).get("External_Id__c").asText();

        var r = sf.post(ACCOUNTS, "{\"Name\":\"Copycat\",\"External_Id__c\":\"" + taken + "\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = TestFarm.json(r);
        assertThat(error).hasSize(1);
        assertThat(error.get(0).get("errorCode").asText()).isEqualTo("DUPLICATE_VALUE");
        assertThat(error.get(0).get("message").asText())
                .isEqualTo("duplicate value found: External_Id__c duplicates value on record with id: " + id);
        assertThat(error.get(0).get("fields")).isEmpty();
        assertThat(sf.stored("Account")).isEqualTo(1000);
        assertThat(sf.ledger(taken)).isEmpty();
    }

    @Test
    void shouldAnswerMultipleChoicesAndWriteNothingWhenTwoContactsShareTheExternalId() {
        String one = TestFarm.json(sf.post(CONTACTS, "{\"LastName\":\"One\",\"External_Id__c\":\"shared-1\"}"))
                .get("id")
                .asText();
        String two = TestFarm.json(sf.post(CONTACTS, "{\"LastName\":\"Two\",\"External_Id__c\":\"shared-1\"}"))
                .get("id")
                .asText();

        var r = sf.patch(CONTACTS + "/External_Id__c/shared-1", "{\"LastName\":\"Both\"}");

        assertThat(r.statusCode()).isEqualTo(300);
        assertThat(TestFarm.JSON.convertValue(TestFarm.json(r), List.class))
                .containsExactlyInAnyOrder(CONTACTS + "/" + one, CONTACTS + "/" + two);
        assertThat(TestFarm.json(sf.get(CONTACTS + "/" + one)).get("LastName").asText())
                .isEqualTo("One");
        assertThat(sf.get(CONTACTS + "/External_Id__c/shared-1").statusCode()).isEqualTo(300);
        assertThat(sf.stored("Contact")).isEqualTo(502);
    }

    @Test
    void shouldCreateThenUpdateAContactWhenItsNonUniqueExternalIdMatchesAtMostOnce() {
        var created = sf.patch(CONTACTS + "/External_Id__c/c-op-1", "{\"LastName\":\"Lovelace\"}");
        var updated = sf.patch(CONTACTS + "/External_Id__c/c-op-1", "{\"FirstName\":\"Ada\"}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(updated).get("id").asText())
                .isEqualTo(TestFarm.json(created).get("id").asText());
        JsonNode row = TestFarm.json(sf.get(CONTACTS + "/External_Id__c/c-op-1"));
        assertThat(row.get("FirstName").asText()).isEqualTo("Ada");
        assertThat(row.get("LastName").asText()).isEqualTo("Lovelace");
        assertThat(sf.ledger("c-op-1"))
                .singleElement()
                .satisfies(e -> assertThat(e.get("reapplied").asInt()).isEqualTo(1));
    }

    @Test
    void shouldAnswerNotFoundWhenTheUpsertFieldIsNotAnExternalId() {
        var unknown = sf.patch(ACCOUNTS + "/Foo__c/x", "{\"Name\":\"X\"}");
        var standard = sf.patch(ACCOUNTS + "/Name/x", "{\"Industry\":\"X\"}");

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(unknown).get(0).get("errorCode").asText()).isEqualTo("NOT_FOUND");
        assertThat(TestFarm.json(unknown).get(0).get("message").asText())
                .isEqualTo("Provided external ID field does not exist or is not accessible: Foo__c");
        assertThat(standard.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(standard).get(0).get("message").asText())
                .isEqualTo("Provided external ID field does not exist or is not accessible: Name");
        assertThat(sf.stored("Account")).isEqualTo(1000);
    }

    @Test
    void shouldRefuseAnUpsertBodyThatNamesTheRecordAnotherWay() {
        var otherValue =
                sf.patch(ACCOUNTS + "/External_Id__c/op-body-1", "{\"Name\":\"X\",\"External_Id__c\":\"op-body-2\"}");
        var withId = sf.patch(ACCOUNTS + "/External_Id__c/op-body-1", "{\"Name\":\"X\",\"Id\":\"001Gx0000000001AAA\"}");
        var undeclared = sf.patch(ACCOUNTS + "/External_Id__c/op-body-1", "{\"Name\":\"X\",\"Bogus__x\":1}");
        var sameValue =
                sf.patch(ACCOUNTS + "/external_id__c/op-body-1", "{\"Name\":\"X\",\"external_id__c\":\"op-body-1\"}");

        assertThat(otherValue.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(otherValue).get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD");
        assertThat(TestFarm.json(otherValue).get(0).get("fields").get(0).asText())
                .isEqualTo("External_Id__c");
        assertThat(withId.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(withId).get(0).get("errorCode").asText()).isEqualTo("INVALID_FIELD_FOR_INSERT_UPDATE");
        assertThat(undeclared.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(undeclared).get(0).get("message").asText())
                .isEqualTo("No such column 'Bogus__x' on sobject of type Account");
        assertThat(sf.ledger("op-body-2")).isEmpty();
        assertThat(sameValue.statusCode())
                .as("the URL's own value in the body, any case, is the same record")
                .isEqualTo(201);
        assertThat(sf.stored("Account")).isEqualTo(1001);
    }
}
