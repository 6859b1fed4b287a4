package dev.gauntlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MongoDB Atlas Data API's documented calls ({@link MongoDataApi}; it never had an official client) against the
 * farm and through the AAM's proxy, and at storm the application's retries of {@code updateOne} with
 * {@code upsert: true} on the unique {@code external_id}, committing every write once.
 */
class MongoDataApiTest extends VendorClientTest {

    static final String SERVICE = "mongodb_mock";
    static final String KEY = "mdb-gauntlet-key";
    static final String APP = "/app/data-gauntlet/endpoint/data/v1";

    record Target(String name, String endpoint, String apiKey) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Override
    String service() {
        return SERVICE;
    }

    Stream<Target> targets() {
        return Stream.of(
                new Target("farm, base path", rig.farmBase("/api/mongodb") + APP, KEY),
                new Target("farm, service port", rig.farmServicePort(SERVICE) + APP, KEY),
                // The proxy drops the apiKey header and injects the connector's.
                new Target("AAM proxy path", rig.proxy(SERVICE) + APP, "dummy-the-proxy-drops-it"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldRunTheDocumentedActionsWhenOnlyTheUrlChanges(Target target) throws IOException {
        try (MongoDataApi mongo = new MongoDataApi(target.endpoint(), target.apiKey(), Duration.ofSeconds(5))) {
            JsonNode found = mongo.action(
                    "find",
                    "accounts",
                    Map.of("filter", Map.of("revenue", Map.of("$gte", 0)), "sort", Map.of("revenue", -1), "limit", 5));
            assertThat(found.path("documents")).hasSize(5);
            double first = found.path("documents").get(0).path("revenue").asDouble();
            assertThat(found.path("documents").get(4).path("revenue").asDouble())
                    .isLessThanOrEqualTo(first);

            String ext = "conf-mdb-" + UUID.randomUUID();
            JsonNode inserted = mongo.action(
                    "insertOne", "accounts", Map.of("document", Map.of("name", "Conformance", "external_id", ext)));
            assertThat(inserted.path("insertedId").asText()).isNotBlank();
            JsonNode one = mongo.action("findOne", "accounts", Map.of("filter", Map.of("external_id", ext)));
            assertThat(one.path("document").path("name").asText()).isEqualTo("Conformance");

            String upserted = "conf-mdb-upsert-" + UUID.randomUUID();
            Map<String, Object> upsert = Map.of(
                    "filter",
                    Map.of("external_id", upserted),
                    "update",
                    Map.of("$set", Map.of("name", "Upserted")),
                    "upsert",
                    true);
            JsonNode created = mongo.action("updateOne", "accounts", upsert);
            assertThat(created.path("matchedCount").asInt()).isZero();
            assertThat(created.path("upsertedId").asText()).isNotBlank();
            JsonNode matched = mongo.action("updateOne", "accounts", upsert);
            assertThat(matched.path("matchedCount").asInt()).isEqualTo(1);
            assertThat(matched.has("upsertedId")).isFalse();

            JsonNode deleted = mongo.action("deleteOne", "accounts", Map.of("filter", Map.of("external_id", ext)));
            assertThat(deleted.path("deletedCount").asInt()).isEqualTo(1);
            assertThat(mongo.action("findOne", "accounts", Map.of("filter", Map.of("external_id", ext)))
                            .path("document")
                            .isNull())
                    .isTrue();
            assertCommits(upserted, 1);
        }
    }

    /** At storm (the Data API's flaky network): each upsert, resent after any failure, commits once. */
    @Test
    void shouldCommitEveryUpsertExactlyOnceAtStorm() throws Exception {
        String run = "conf-mdb-storm-" + UUID.randomUUID().toString().substring(0, 8);
        int writes = 15;
        long mark = rig.faultMark(SERVICE);
        int resends = 0;
        rig.chaos(SERVICE, "storm");
        // Short: the farm answers in milliseconds, so a hung or slowed answer is given up soon and the upsert sent
        // again.
        try (MongoDataApi mongo =
                new MongoDataApi(targets().findFirst().orElseThrow().endpoint(), KEY, Duration.ofSeconds(2))) {
            for (int i = 0; i < writes; i++) resends += upsertUntilDone(mongo, run + "-" + i);
        } finally {
            rig.chaos(SERVICE, "calm");
        }
        assertEachCommittedOnce(run, writes);
        Rig.report(String.format(
                "mongodb data api (documented calls) at storm: %d updateOne upserts on external_id, each committed once "
                        + "(asserted) after %d resends by the application; faults met: %s",
                writes, resends, rig.faultsSince(SERVICE, mark)));
    }

    private static int upsertUntilDone(MongoDataApi mongo, String ext) throws Exception {
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                mongo.action(
                        "updateOne",
                        "accounts",
                        Map.of(
                                "filter",
                                Map.of("external_id", ext),
                                "update",
                                Map.of("$set", Map.of("name", "Storm " + ext)),
                                "upsert",
                                true));
                return attempt;
            } catch (MongoDataApi.DataApiError e) {
                last = e;
                if (e.status < 500 && e.status != 429) throw e;
            } catch (IOException e) {
                last = e; // reset, closed, cut short or timed out: the upsert is safe to send again
            }
            Thread.sleep(20L * (attempt + 1));
        }
        throw last;
    }
}
