package dev.gauntlet.farm.vendor.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The MongoDB Atlas Data API flavour over real loopback HTTP. */
class MongoVendorTest extends BuiltInFarmTest {

    private static final String ACTION = "/api/mongodb/app/data-gauntlet/endpoint/data/v1/action/";
    private static final String KEY = "mdb-gauntlet-key";
    private static final String TARGET = "\"dataSource\":\"mongodb-atlas\",\"database\":\"gauntlet\",\"collection\":";

    @Test
    void shouldWalkEveryDocumentExactlyOnceWhenPagingWithLimitAndSkip() {
        Set<String> seen = new HashSet<>();
        int pages = 0;
        for (int skip = 0; ; skip += 300) {
            HttpResponse<String> r = action(
                    "find",
                    "{" + TARGET + "\"accounts\",\"filter\":{},\"sort\":{\"_id\":1},\"limit\":300,\"skip\":" + skip
                            + "}");
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode docs = TestFarm.json(r).get("documents");
            if (docs.isEmpty()) break;
            pages++;
            for (JsonNode d : docs) {
                assertThat(d.get("_id").asText()).matches("[0-9a-f]{24}");
                assertThat(seen.add(d.get("_id").asText())).isTrue();
            }
        }
        assertThat(seen).hasSize(1000);
        assertThat(pages).isEqualTo(4);
    }

    @Test
    void shouldFilterProjectAndSortWhenFinding() {
        HttpResponse<String> r = action(
                "find",
                "{" + TARGET + "\"accounts\",\"filter\":{\"revenue\":{\"$gt\":50000}},"
                        + "\"projection\":{\"name\":1,\"revenue\":1},\"sort\":{\"revenue\":-1},\"limit\":10}");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode docs = TestFarm.json(r).get("documents");
        assertThat(docs).hasSize(10);
        double previous = Double.MAX_VALUE;
        for (JsonNode d : docs) {
            assertThat(d.properties())
                    .extracting(Map.Entry::getKey)
                    .containsExactlyInAnyOrder("_id", "name", "revenue");
            assertThat(d.get("revenue").asDouble()).isGreaterThan(50000).isLessThanOrEqualTo(previous);
            previous = d.get("revenue").asDouble();
        }
    }

    @Test
    void shouldFindOneByObjectIdWhenTheFilterUsesExtendedJson() {
        JsonNode some = TestFarm.json(action("find", "{" + TARGET + "\"accounts\",\"limit\":3}"))
                .get("documents")
                .get(2);
        String id = some.get("_id").asText();

        HttpResponse<String> r =
                action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":{\"$oid\":\"" + id + "\"}}}");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).get("document")).isEqualTo(some);
        HttpResponse<String> none = action(
                "findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":{\"$oid\":\"000000000000000000000000\"}}}");
        assertThat(TestFarm.json(none).get("document").isNull()).isTrue();
    }

    @Test
    void shouldAnswerCanonicalObjectIdsWhenTheClientAcceptsEjson() {
        HttpResponse<String> r = farm.postJson(
                ACTION + "findOne", "{" + TARGET + "\"accounts\"}", "apiKey", KEY, "Accept", "application/ejson");

        assertThat(TestFarm.json(r).at("/document/_id/$oid").asText()).matches("[0-9a-f]{24}");
    }

    @Test
    void shouldInsertOneAndWriteTheLedgerWithTheDocumentsOpId() {
        HttpResponse<String> r = action(
                "insertOne",
                "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"Acme\",\"external_id\":\"op-m-1\"}}");

        assertThat(r.statusCode()).isEqualTo(201);
        String id = TestFarm.json(r).get("insertedId").asText();
        assertThat(id).matches("[0-9a-f]{24}");
        JsonNode ledger =
                TestFarm.json(farm.get("/admin/ledger?service=mongodb_mock")).get("entries");
        assertThat(ledger).hasSize(1);
        assertThat(ledger.get(0).get("op_id").asText()).isEqualTo("op-m-1");
        assertThat(ledger.get(0).get("resource").asText()).isEqualTo("accounts");
        assertThat(ledger.get(0).get("commits").asInt()).isEqualTo(1);
        JsonNode found = TestFarm.json(
                        action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":\"" + id + "\"}}"))
                .get("document");
        assertThat(found.get("name").asText()).isEqualTo("Acme");
    }

    @Test
    void shouldInsertManyIntoTheNamedCollectionWithOneLedgerEntryEach() {
        HttpResponse<String> r = action(
                "insertMany",
                "{" + TARGET
                        + "\"events\",\"documents\":[{\"kind\":\"a\",\"external_id\":\"op-e-1\"},{\"kind\":\"b\",\"external_id\":\"op-e-2\"}]}");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(TestFarm.json(r).get("insertedIds")).hasSize(2);
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .extracting(e -> e.resource + "/" + e.opId)
                .containsExactlyInAnyOrder("events/op-e-1", "events/op-e-2");
        assertThat(TestFarm.json(action(
                                "find", "{" + TARGET + "\"events\",\"filter\":{\"kind\":{\"$in\":[\"a\",\"b\"]}}}"))
                        .get("documents"))
                .hasSize(2);
    }

    @Test
    void shouldCountMatchedAndModifiedWhenUpdatingOne() {
        String id = TestFarm.json(action(
                        "insertOne",
                        "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"Acme\",\"external_id\":\"op-u\"}}"))
                .get("insertedId")
                .asText();
        String update = "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":{\"$oid\":\"" + id
                + "\"}},\"update\":{\"$set\":{\"industry\":\"Energy\"}}}";

        JsonNode first = TestFarm.json(action("updateOne", update));
        JsonNode second = TestFarm.json(action("updateOne", update));
        JsonNode missing = TestFarm.json(action(
                "updateOne",
                "{" + TARGET + "\"accounts\",\"filter\":{\"name\":\"nobody\"},\"update\":{\"$set\":{\"x\":1}}}"));

        assertThat(first.get("matchedCount").asInt()).isEqualTo(1);
        assertThat(first.get("modifiedCount").asInt()).isEqualTo(1);
        assertThat(second.get("matchedCount").asInt()).isEqualTo(1);
        assertThat(second.get("modifiedCount").asInt()).isZero();
        assertThat(missing.get("matchedCount").asInt()).isZero();
        assertThat(TestFarm.json(action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":\"" + id + "\"}}"))
                        .at("/document/industry")
                        .asText())
                .isEqualTo("Energy");
        // One ledger entry for the insert, one for the update that changed something, none for the no-op.
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .extracting(e -> e.operation + "/" + e.commits())
                .containsExactlyInAnyOrder("create/1", "update/1");
    }

    @Test
    void shouldUpsertWhenNothingMatchesAndUpsertIsAsked() {
        JsonNode r = TestFarm.json(action(
                "updateOne",
                "{" + TARGET + "\"accounts\",\"filter\":{\"external_id\":\"op-up\"},"
                        + "\"update\":{\"$set\":{\"name\":\"Upserted\"}},\"upsert\":true}"));

        assertThat(r.get("matchedCount").asInt()).isZero();
        assertThat(r.get("upsertedId").asText()).matches("[0-9a-f]{24}");
        JsonNode doc = TestFarm.json(
                        action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"external_id\":\"op-up\"}}"))
                .get("document");
        assertThat(doc.get("name").asText()).isEqualTo("Upserted");
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .extracting(e -> e.opId)
                .containsExactly("op-up");
    }

    @Test
    void shouldDeleteOneAndReportTheCount() {
        String id = TestFarm.json(action(
                        "insertOne",
                        "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"Doomed\",\"external_id\":\"op-d\"}}"))
                .get("insertedId")
                .asText();

        JsonNode first = TestFarm.json(
                action("deleteOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":{\"$oid\":\"" + id + "\"}}}"));
        JsonNode again = TestFarm.json(
                action("deleteOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":{\"$oid\":\"" + id + "\"}}}"));

        assertThat(first.get("deletedCount").asInt()).isEqualTo(1);
        assertThat(again.get("deletedCount").asInt()).isZero();
        assertThat(TestFarm.json(action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":\"" + id + "\"}}"))
                        .get("document")
                        .isNull())
                .isTrue();
    }

    @Test
    void shouldAnswerInvalidSessionWhenTheApiKeyIsWrongAndInvalidParameterWhenItIsMissing() {
        HttpResponse<String> wrong = farm.postJson(ACTION + "find", "{" + TARGET + "\"accounts\"}", "apiKey", "nope");
        HttpResponse<String> missing = farm.postJson(ACTION + "find", "{" + TARGET + "\"accounts\"}");

        assertThat(wrong.statusCode()).isEqualTo(401);
        JsonNode body = TestFarm.json(wrong);
        assertThat(body.get("error").asText()).isEqualTo("invalid session: error finding user for endpoint");
        assertThat(body.get("error_code").asText()).isEqualTo("InvalidSession");
        assertThat(body.get("link").asText()).startsWith("https://");
        // The Data API v1 OpenAPI: ErrorNoAuthenticationSpecified is a 400 InvalidParameter.
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(missing).get("error").asText()).isEqualTo("no authentication methods were specified");
        assertThat(TestFarm.json(missing).get("error_code").asText()).isEqualTo("InvalidParameter");
    }

    @Test
    void shouldAcceptTheOlderApiKeyHeaderSpelling() {
        HttpResponse<String> r = farm.postJson(ACTION + "findOne", "{" + TARGET + "\"accounts\"}", "api-key", KEY);

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswer400WhenTheCollectionFieldIsMissing() {
        HttpResponse<String> r = action("find", "{\"dataSource\":\"mongodb-atlas\",\"database\":\"gauntlet\"}");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("error_code").asText()).isEqualTo("InvalidParameter");
        assertThat(body.get("error").asText()).contains("collection");
    }

    @Test
    void shouldReadAnUnknownCollectionAsEmptyAndRefuseToInsertIntoIt() {
        JsonNode found = TestFarm.json(action("find", "{" + TARGET + "\"ghosts\"}"));
        HttpResponse<String> insert = action("insertOne", "{" + TARGET + "\"ghosts\",\"document\":{\"a\":1}}");

        assertThat(found.get("documents")).isEmpty();
        assertThat(insert.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(insert).get("error").asText()).contains("ghosts");
    }

    @Test
    void shouldAnswer400WhenTheBodyIsNotJson() {
        HttpResponse<String> r = action("find", "{\"dataSource\":");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("error_code").asText()).isEqualTo("InvalidParameter");
    }

    @Test
    void shouldAnswer404ForAnUnknownActionAnd405ForAnotherMethod() {
        HttpResponse<String> unknown = action("explode", "{" + TARGET + "\"accounts\"}");
        HttpResponse<String> get = farm.get(ACTION + "find", "apiKey", KEY);

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(unknown).has("error_code")).isTrue();
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void shouldAnswer400WhenARegexIsInvalid() {
        HttpResponse<String> r =
                action("find", "{" + TARGET + "\"accounts\",\"filter\":{\"name\":{\"$regex\":\"(\"}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("error").asText()).contains("Regular expression is invalid");
    }

    @Test
    void shouldAnswer400WhenExtendedJsonIsMalformed() {
        HttpResponse<String> r =
                action("find", "{" + TARGET + "\"accounts\",\"filter\":{\"revenue\":{\"$numberInt\":\"many\"}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("error_code").asText()).isEqualTo("InvalidParameter");
    }

    @Test
    void shouldAggregateWithMatchSortLimitAndCount() {
        JsonNode r = TestFarm.json(action(
                "aggregate",
                "{" + TARGET
                        + "\"accounts\",\"pipeline\":[{\"$match\":{\"revenue\":{\"$gte\":0}}},{\"$count\":\"n\"}]}"));

        assertThat(r.at("/documents/0/n").asInt()).isEqualTo(1000);
    }

    @Test
    void shouldFailTheClientAtTheSocketWhenTheNetworkIsFlaky() {
        farm.close();
        TestFarm.write(
                dir.resolve("services"),
                "mongodb_mock.yaml",
                TestFarm.builtInYaml("mongodb_mock.yaml")
                        .replace("error_profile: network_flakiness", "error_profile: only_reset"));
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        farm.chaos("{\"level\":\"all_network\"}");
        HttpRequest request = farm.request(ACTION + "find")
                .header("apiKey", KEY)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString("{" + TARGET + "\"accounts\",\"limit\":1}"))
                .build();
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class)
                .isNotInstanceOf(HttpTimeoutException.class);
        assertThat(farm.farm().faults().total("mongodb_mock")).isPositive();
    }

    // ---- unique index, ordered inserts, upserts ----

    @Test
    void shouldRefuseAnInsertOneOfATakenExternalIdAndStoreNothing() {
        String seeded = TestFarm.json(action("findOne", "{" + TARGET + "\"accounts\",\"sort\":{\"_id\":1}}"))
                .at("/document/external_id")
                .asText();
        HttpResponse<String> first = action(
                "insertOne",
                "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"Acme\",\"external_id\":\"op-dup\"}}");

        HttpResponse<String> again = action(
                "insertOne",
                "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"Acme 2\",\"external_id\":\"op-dup\"}}");
        HttpResponse<String> seededTaken =
                action("insertOne", "{" + TARGET + "\"accounts\",\"document\":{\"external_id\":\"" + seeded + "\"}}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(409);
        JsonNode error = TestFarm.json(again);
        assertThat(error.get("error").asText())
                .isEqualTo("Failed to insert document: FunctionError: (DuplicateKey) E11000 duplicate key error "
                        + "collection: gauntlet.accounts index: external_id_1 dup key: { external_id: \"op-dup\" }");
        assertThat(error.get("error_code").asText()).isEqualTo("DuplicateKey");
        assertThat(error.get("link").asText()).startsWith("https://");
        assertThat(seededTaken.statusCode()).isEqualTo(409);
        assertThat(count("accounts", "{\"external_id\":\"op-dup\"}")).isEqualTo(1);
        assertThat(farm.farm().service("mongodb_mock").store("accounts").size()).isEqualTo(1001);
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .singleElement()
                .satisfies(e -> assertThat(e.commits()).isEqualTo(1));
    }

    @Test
    void shouldLetOnlyOneAccountLackAnExternalIdAsAUniqueIndexHoldsItAsNull() {
        HttpResponse<String> first =
                action("insertOne", "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"No key\"}}");
        HttpResponse<String> second = action(
                "insertOne",
                "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"No key either\",\"external_id\":null}}");
        HttpResponse<String> events =
                action("insertOne", "{" + TARGET + "\"events\",\"document\":{\"kind\":\"no key\"}}");
        HttpResponse<String> moreEvents =
                action("insertOne", "{" + TARGET + "\"events\",\"document\":{\"kind\":\"no key\"}}");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(TestFarm.json(second).get("error").asText())
                .endsWith("index: external_id_1 dup key: { external_id: null }");
        assertThat(events.statusCode()).as("events have no unique index").isEqualTo(201);
        assertThat(moreEvents.statusCode()).isEqualTo(201);
    }

    @Test
    void shouldStopAnOrderedInsertManyAtTheDuplicateAndSayWhichWereInserted() {
        HttpResponse<String> r = action(
                "insertMany",
                "{" + TARGET + "\"accounts\",\"documents\":[{\"external_id\":\"op-m1\"},"
                        + "{\"external_id\":\"op-m2\"},{\"external_id\":\"op-m1\"},{\"external_id\":\"op-m4\"}]}");

        assertThat(r.statusCode()).isEqualTo(409);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("error").asText())
                .startsWith("Failed to insert documents: FunctionError: (DuplicateKey) E11000")
                .endsWith("dup key: { external_id: \"op-m1\" }");
        assertThat(body.get("insertedIds")).hasSize(2);
        for (JsonNode id : body.get("insertedIds")) {
            assertThat(TestFarm.json(action(
                                    "findOne",
                                    "{" + TARGET + "\"accounts\",\"filter\":{\"_id\":\"" + id.asText() + "\"}}"))
                            .get("document")
                            .isNull())
                    .isFalse();
        }
        assertThat(count("accounts", "{\"external_id\":\"op-m4\"}"))
                .as("documents after the duplicate are not tried")
                .isZero();
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .extracting(e -> e.opId)
                .containsExactlyInAnyOrder("op-m1", "op-m2");
    }

    @Test
    void shouldCreateThenUpdateAndLedgerOneCommitWhenUpdateOneUpsertsByExternalId() {
        String upsert = "{" + TARGET
                + "\"accounts\",\"filter\":{\"external_id\":\"op-u1\"},\"update\":{\"$set\":{\"name\":\"%s\"},"
                + "\"$setOnInsert\":{\"city\":\"Oslo\"},\"$inc\":{\"visits\":1}},\"upsert\":true}";

        JsonNode created = TestFarm.json(action("updateOne", upsert.formatted("First")));
        JsonNode updated = TestFarm.json(action("updateOne", upsert.formatted("Second")));

        assertThat(created.get("matchedCount").asInt()).isZero();
        assertThat(created.get("modifiedCount").asInt()).isZero();
        assertThat(created.get("upsertedId").asText()).matches("[0-9a-f]{24}");
        assertThat(updated.get("matchedCount").asInt()).isEqualTo(1);
        assertThat(updated.get("modifiedCount").asInt()).isEqualTo(1);
        assertThat(updated.has("upsertedId")).isFalse();
        JsonNode doc = TestFarm.json(
                        action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"external_id\":\"op-u1\"}}"))
                .get("document");
        assertThat(doc.get("_id").asText()).isEqualTo(created.get("upsertedId").asText());
        assertThat(doc.get("name").asText()).isEqualTo("Second");
        assertThat(doc.get("city").asText())
                .as("$setOnInsert applies on insert only")
                .isEqualTo("Oslo");
        assertThat(doc.get("visits").asInt()).isEqualTo(2);
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.opId).isEqualTo("op-u1");
                    assertThat(e.commits()).isEqualTo(1);
                    assertThat(e.reapplied()).isEqualTo(1);
                });
    }

    @Test
    void shouldAnswerModifiedZeroWhenAnUpsertChangesNothing() {
        String upsert = "{" + TARGET
                + "\"accounts\",\"filter\":{\"external_id\":{\"$eq\":\"op-u2\"}},\"update\":{\"$set\":{\"name\":\"Same\"}},\"upsert\":true}";
        action("updateOne", upsert);

        JsonNode again = TestFarm.json(action("updateOne", upsert));

        assertThat(again.get("matchedCount").asInt()).isEqualTo(1);
        assertThat(again.get("modifiedCount").asInt()).isZero();
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .singleElement()
                .satisfies(e -> assertThat(e.commits()).isEqualTo(1));
    }

    @Test
    void shouldReplaceTheWholeDocumentWhenReplaceOneUpsertsByExternalId() {
        String replace = "{" + TARGET
                + "\"accounts\",\"filter\":{\"external_id\":\"op-r1\"},\"replacement\":%s,\"upsert\":true}";

        HttpResponse<String> created =
                action("replaceOne", replace.formatted("{\"name\":\"R\",\"city\":\"Lyon\",\"external_id\":\"op-r1\"}"));
        JsonNode replaced =
                TestFarm.json(action("replaceOne", replace.formatted("{\"name\":\"R2\",\"external_id\":\"op-r1\"}")));

        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(created).get("matchedCount").asInt()).isZero();
        String id = TestFarm.json(created).get("upsertedId").asText();
        assertThat(replaced.get("matchedCount").asInt()).isEqualTo(1);
        assertThat(replaced.get("modifiedCount").asInt()).isEqualTo(1);
        JsonNode doc = TestFarm.json(
                        action("findOne", "{" + TARGET + "\"accounts\",\"filter\":{\"external_id\":\"op-r1\"}}"))
                .get("document");
        assertThat(doc.get("_id").asText()).isEqualTo(id);
        assertThat(doc.get("name").asText()).isEqualTo("R2");
        assertThat(doc.has("city"))
                .as("a replacement drops the fields it does not carry")
                .isFalse();
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.commits()).isEqualTo(1);
                    assertThat(e.reapplied()).isEqualTo(1);
                });
    }

    @Test
    void shouldInsertTheReplacementAsItIsWhenItDoesNotCarryTheFiltersKey() {
        String replace = "{" + TARGET
                + "\"accounts\",\"filter\":{\"external_id\":\"op-r2\"},\"replacement\":{\"name\":\"Keyless\"},\"upsert\":true}";

        HttpResponse<String> first = action("replaceOne", replace);
        HttpResponse<String> retry = action("replaceOne", replace);

        // MongoDB does not copy the filter's equalities into an upserted replacement: the retry finds nothing again,
        // and
        // the unique index refuses a second document without an external_id.
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(count("accounts", "{\"name\":\"Keyless\"}")).isEqualTo(1);
        assertThat(count("accounts", "{\"external_id\":\"op-r2\"}")).isZero();
        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(TestFarm.json(retry).get("error").asText())
                .startsWith("Failed to replace document: FunctionError: (DuplicateKey)");
    }

    @Test
    void shouldRefuseAReplacementWithUpdateOperators() {
        HttpResponse<String> r =
                action("replaceOne", "{" + TARGET + "\"accounts\",\"filter\":{},\"replacement\":{\"$set\":{\"a\":1}}}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("error_code").asText()).isEqualTo("InvalidParameter");
    }

    @Test
    void shouldRefuseAnUpdateThatGivesADocumentATakenExternalId() {
        action("insertOne", "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"A\",\"external_id\":\"op-a\"}}");
        action("insertOne", "{" + TARGET + "\"accounts\",\"document\":{\"name\":\"B\",\"external_id\":\"op-b\"}}");

        HttpResponse<String> r = action(
                "updateOne",
                "{" + TARGET + "\"accounts\",\"filter\":{\"external_id\":\"op-b\"},"
                        + "\"update\":{\"$set\":{\"external_id\":\"op-a\"}}}");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(TestFarm.json(r).get("error").asText())
                .startsWith("Failed to update document: FunctionError: (DuplicateKey)");
        assertThat(count("accounts", "{\"external_id\":\"op-b\"}")).isEqualTo(1);
    }

    @Test
    void shouldKeepOneDocumentWhenSixteenUpsertsOfOneExternalIdRunAtOnce() throws Exception {
        assertThat(concurrentUpserts("accounts", "{\"external_id\":\"op-c16\"}", 16))
                .allMatch(status -> status == 200);

        assertThat(count("accounts", "{\"external_id\":\"op-c16\"}")).isEqualTo(1);
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.commits()).isEqualTo(1);
                    assertThat(e.reapplied()).isEqualTo(15);
                });
    }

    @Test
    void shouldKeepOneDocumentWhenConcurrentUpsertsFilterOnAFieldWithoutAUniqueIndex() throws Exception {
        // A big collection makes each upsert's scan long, so unguarded find-then-insert steps would overlap.
        farm.close();
        TestFarm.write(
                dir.resolve("services"),
                "mongodb_mock.yaml",
                TestFarm.builtInYaml("mongodb_mock.yaml").replace("count: 200", "count: 100000"));
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")));

        assertThat(concurrentUpserts("events", "{\"kind\":\"k-16\",\"value\":{\"$gte\":0}}", 16))
                .allMatch(status -> status == 200);

        assertThat(count("events", "{\"kind\":\"k-16\"}")).isEqualTo(1);
    }

    @Test
    void shouldLedgerTwoCommitsWhenTheSameEventIsInsertedTwice() {
        String insert = "{" + TARGET + "\"events\",\"document\":{\"kind\":\"click\",\"external_id\":\"op-e-twice\"}}";

        assertThat(action("insertOne", insert).statusCode()).isEqualTo(201);
        assertThat(action("insertOne", insert).statusCode()).isEqualTo(201);

        assertThat(count("events", "{\"external_id\":\"op-e-twice\"}")).isEqualTo(2);
        assertThat(farm.farm().ledger().entries("mongodb_mock", false))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.opId).isEqualTo("op-e-twice");
                    assertThat(e.commits()).isEqualTo(2);
                });
    }

    /** Sends {@code n} updateOne upserts with one filter at once; returns their statuses. */
    private List<Integer> concurrentUpserts(String collection, String filter, int n) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String body = "{" + TARGET + "\"" + collection + "\",\"filter\":" + filter
                    + ",\"update\":{\"$set\":{\"value\":" + i + "}},\"upsert\":true}";
            HttpRequest request = farm.request(ACTION + "updateOne")
                    .header("apiKey", KEY)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
            sent.add(farm.http.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        List<Integer> statuses = new ArrayList<>();
        for (var f : sent) statuses.add(f.get().statusCode());
        return statuses;
    }

    private int count(String collection, String filter) {
        return TestFarm.json(action("find", "{" + TARGET + "\"" + collection + "\",\"filter\":" + filter + "}"))
                .get("documents")
                .size();
    }

    private HttpResponse<String> action(String name, String body) {
        return farm.postJson(ACTION + name, body, "apiKey", KEY);
    }
}
