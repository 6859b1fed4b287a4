package dev.gauntlet.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.workflow.Api;
import dev.gauntlet.harness.workflow.ApiResult;
import dev.gauntlet.harness.workflow.MeshApi;
import dev.gauntlet.harness.workflow.NaiveApi;
import dev.gauntlet.harness.workflow.Shapes;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The product's core promise against a farm as strict as the vendors: a create whose answer is cut after the farm
 * committed it (a scripted truncate) leaves exactly one record through the mesh, on each of the six vendors; the
 * integration people write by hand (retry every failure, no key, no read-back) leaves two where the vendor or the
 * schema lets it, and where a unique column stops it, it reports as failed a write that landed.
 */
class ExactlyOnceTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static FarmServer farm;
    static final HttpClient http = HttpClient.newHttpClient();
    static List<ConnectorsFile.Entry> connectors;

    @BeforeAll
    static void start() {
        farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
        connectors = ConnectorsFile.builtIn(farm.url());
    }

    @AfterAll
    static void stop() {
        farm.close();
        http.close();
    }

    @BeforeEach
    void reset() {
        admin("POST", "/admin/reset", "");
    }

    static ConnectorsFile.Entry connector(String service) {
        return connectors.stream()
                .filter(c -> c.service().equals(service))
                .findFirst()
                .orElseThrow();
    }

    /** The next matching request of {@code service} gets its answer cut after the farm carried it out. */
    static void cutNextAnswer(String service, String method, String path) {
        String pathOnly = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        admin(
                "POST",
                "/admin/faults/script",
                "{\"service\":\"" + service + "\",\"type\":\"truncate\",\"method\":\"" + method + "\",\"path\":\""
                        + pathOnly + "\",\"count\":1}");
    }

    /** One read of the vendor's main list (MongoDB's is a POST that only reads). */
    static ApiResult warm(Api api, String flavor) {
        Object body = Shapes.listBody(flavor, 0, 1);
        return api.call(body == null ? "GET" : "POST", Shapes.listPage(flavor, 0, 1), body, null);
    }

    static ApiResult send(Api api, Shapes.Write w, String opId) {
        return api.call(w.method(), w.path(), w.headers(), w.body(), opId);
    }

    /** Commits of one op id in the farm's ledger, over every resource and kind of write. */
    static int commits(String service, String opId) {
        return new FarmLedger(farm.url(), http)
                .ledger(service).stream()
                        .filter(e -> opId.equals(e.opId()))
                        .mapToInt(LedgerEntry::commits)
                        .sum();
    }

    static long truncations(String service) {
        JsonNode faults = admin("GET", "/admin/faults?service=" + service + "&type=truncate", null);
        return faults.path("entries").size();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"salesforce_mock", "stripe_mock", "github_mock", "supabase_mock", "mongodb_mock", "datadog_mock"
            })
    void shouldLeaveExactlyOneRecordThroughTheMeshWhenACommittedCreatesAnswerIsCut(String service) {
        ConnectorsFile.Entry c = connector(service);
        String opId = "once-" + service;
        Shapes.Write create = Shapes.create(c.spec().flavor(), opId, 1_800_000_000L);
        cutNextAnswer(service, create.method(), create.path());
        try (Mesh mesh = Mesh.builder().background(false).build()) {
            MeshApi api = new MeshApi(mesh.register(c.spec()));
            // A connector earns its retries by getting calls through (its retry budget starts empty): one read first.
            assertThat(warm(api, c.spec().flavor()).ok()).isTrue();
            ApiResult r = send(api, create, opId);

            assertThat(r.ok()).as(service + ": " + r).isTrue();
            assertThat(truncations(service))
                    .as("the answer was cut after the commit")
                    .isEqualTo(1);
            assertThat(commits(service, opId))
                    .as(service + ": the mesh's retry path (key, upsert or read-back)")
                    .isEqualTo(1);
        }
    }

    /** A plain create on a resource the schema does not protect (no unique column), as hand-written code sends it. */
    static Shapes.Write plainUnprotected(String flavor, String opId) {
        return switch (flavor) {
            case "salesforce" ->
                new Shapes.Write(
                        "POST",
                        "/services/data/v59.0/sobjects/Contact",
                        Map.of(),
                        Map.of("LastName", "Gauntlet", "External_Id__c", opId));
            case "supabase" ->
                new Shapes.Write("POST", "/rest/v1/events", Map.of(), Map.of("kind", "gauntlet", "external_id", opId));
            case "mongodb" ->
                new Shapes.Write(
                        "POST",
                        Shapes.MONGO_ACTIONS + "insertOne",
                        Map.of(),
                        Map.of(
                                "dataSource",
                                "Cluster0",
                                "database",
                                "gauntlet",
                                "collection",
                                "events",
                                "document",
                                Map.of("kind", "gauntlet", "external_id", opId)));
            default -> Shapes.plainCreate(flavor, opId, 1_800_000_000L);
        };
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"salesforce_mock", "stripe_mock", "github_mock", "supabase_mock", "mongodb_mock", "datadog_mock"
            })
    void shouldLeaveTwoRecordsWithTheHandWrittenRetryingClientWhereNothingStopsIt(String service) {
        ConnectorsFile.Entry c = connector(service);
        String opId = "twice-" + service;
        Shapes.Write create = plainUnprotected(c.spec().flavor(), opId);
        cutNextAnswer(service, create.method(), create.path());

        ApiResult r = send(NaiveApi.retrying(c.spec(), http), create, opId);

        assertThat(r.ok()).as(service + ": " + r).isTrue();
        assertThat(r.attempts()).isEqualTo(2);
        assertThat(commits(service, opId))
                .as(service + ": the blind retry committed it again")
                .isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"salesforce_mock", "supabase_mock", "mongodb_mock"})
    void shouldReportAsFailedAWriteThatLandedWhenAUniqueColumnStopsTheHandWrittenRetry(String service) {
        ConnectorsFile.Entry c = connector(service);
        String opId = "unique-" + service;
        Shapes.Write create = Shapes.plainCreate(c.spec().flavor(), opId, 1_800_000_000L);
        cutNextAnswer(service, create.method(), create.path());

        ApiResult r = send(NaiveApi.retrying(c.spec(), http), create, opId);

        assertThat(r.ok())
                .as(service + ": the retry met the unique column: " + r)
                .isFalse();
        assertThat(r.status()).isBetween(400, 499);
        assertThat(commits(service, opId)).as("it landed once all the same").isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"github_mock", "datadog_mock"})
    void shouldReadAPlainCreateBackAndNotResendItWhenTheMeshKnowsItLanded(String service) {
        ConnectorsFile.Entry c = connector(service);
        String opId = "read-back-" + service;
        Shapes.Write create = Shapes.create(c.spec().flavor(), opId, 1_800_000_000L);
        cutNextAnswer(service, create.method(), create.path());
        try (Mesh mesh = Mesh.builder().background(false).build()) {
            var connector = mesh.register(c.spec());
            assertThat(send(new MeshApi(connector), create, opId).ok()).isTrue();
            assertThat(connector.status().get("retry")).containsEntry("read_back_found", 1L);
        }
    }

    @org.junit.jupiter.api.Test
    void shouldSettleStripesSaved500ByReadingItBackAndSendingItUnderAFreshKey() {
        ConnectorsFile.Entry c = connector("stripe_mock");
        String opId = "saved-500";
        Shapes.Write create = Shapes.create("stripe", opId, 1_800_000_000L);
        admin(
                "POST",
                "/admin/faults/script",
                "{\"service\":\"stripe_mock\",\"type\":\"server_error\",\"status\":500,\"method\":\"POST\",\"path\":\"/v1/customers\"}");
        try (Mesh mesh = Mesh.builder().background(false).build()) {
            MeshApi api = new MeshApi(mesh.register(c.spec()));
            assertThat(warm(api, "stripe").ok()).isTrue();

            ApiResult r = send(api, create, opId);

            assertThat(r.ok())
                    .as("read back, missing, sent again under a fresh key: " + r)
                    .isTrue();
            assertThat(r.attempts()).isEqualTo(2);
            assertThat(mesh.deadLetters().list()).isEmpty();
        }
        JsonNode entry = admin("GET", "/admin/ledger?service=stripe_mock", null)
                .path("entries")
                .get(0);
        assertThat(entry.path("op_id").asText()).isEqualTo(opId);
        assertThat(entry.path("commits").asInt()).isEqualTo(1);
        assertThat(entry.path("idempotency_key").asText())
                .as("the first key is spent on the saved 500")
                .endsWith("~r1");
    }

    @org.junit.jupiter.api.Test
    void shouldParkStripesSaved500AsUnknownAndSettleItInTheDlqWhenAMissCouldStillBeTheVendorsDelay() {
        ConnectorsFile.Entry c = connector("stripe_mock");
        String opId = "saved-500-later";
        Shapes.Write create = Shapes.create("stripe", opId, 1_800_000_000L);
        admin(
                "POST",
                "/admin/faults/script",
                "{\"service\":\"stripe_mock\",\"type\":\"server_error\",\"status\":500,\"method\":\"POST\",\"path\":\"/v1/customers\"}");
        // As against the real Stripe: a miss is final only after read_back_after (here 1 s), so the live call parks it.
        var spec = dev.gauntlet.mesh.ConnectorSpec.builder(
                        c.spec().id(), c.spec().baseUrl().toString())
                .flavor("stripe")
                .auth(c.spec().auth())
                .dlq(dev.gauntlet.mesh.dlq.DlqConfig.builder()
                        .replayRps(20)
                        .baseDelay(Duration.ofMillis(200))
                        .maxReplays(10)
                        .readBackAfter(Duration.ofSeconds(1))
                        .build())
                .build();
        try (Mesh mesh = Mesh.builder().background(false).build()) {
            ApiResult r = send(new MeshApi(mesh.register(spec)), create, opId);

            assertThat(r.ok()).isFalse();
            assertThat(r.deadLettered()).isTrue();
            DlqEntry parked = mesh.deadLetters().list().getFirst();
            assertThat(parked.unknownOutcome()).isTrue();

            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        mesh.replayer().replayDue();
                        return mesh.deadLetters().stats().succeeded() == 1;
                    });
            DlqEntry settled = mesh.deadLetters().entry(parked.id()).orElseThrow();
            assertThat(settled.state()).isEqualTo(DlqState.succeeded);
            assertThat(settled.idempotencyKey())
                    .as("the spent key replays the 500 for 24 h")
                    .isEqualTo(parked.idempotencyKey() + "~r1");
        }
        assertThat(commits("stripe_mock", opId)).isEqualTo(1);
    }

    static JsonNode admin(String method, String path, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(farm.url() + path));
            b = body == null
                    ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.method(method, HttpRequest.BodyPublishers.ofString(body))
                            .header("Content-Type", "application/json");
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() >= 300)
                throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
            return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
