package dev.gauntlet.examples.acme;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.mesh.CallResult;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.retry.RetryConfig;
import dev.gauntlet.mesh.vendor.Vendors;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Acme vendor, added from this module's jar without touching the mesh, end to end: the real farm in-process serves
 * Acme from a YAML file (src/test/resources/farm/acme.yaml), and a mesh connector with {@code flavor: acme} calls it
 * with Acme's rules. The same service called as {@code flavor: rest} shows what the plug-in changed.
 */
class AcmeVendorTest {

    static final ObjectMapper JSON = new ObjectMapper();
    /** Two quick tries; a budget ratio of 1 lets every call retry once (the default 0.1 would hold a lone call's retry). */
    static final RetryConfig TWO_QUICK_TRIES = RetryConfig.builder()
            .maxAttempts(2)
            .baseDelay(Duration.ofMillis(1))
            .maxDelay(Duration.ofMillis(2))
            .budgetRatio(1.0)
            .build();

    @TempDir
    static Path services;

    static FarmServer farm;
    static Mesh mesh;
    static Connector acme;
    static Connector asRest;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        Files.copy(Path.of("src/test/resources/farm/acme.yaml"), services.resolve("acme.yaml"));
        farm = FarmServer.start(FarmConfig.builder()
                .host("127.0.0.1")
                .port(0)
                .servicesDir(services)
                .builtIns(false)
                .build());
        String url = farm.url() + "/api/acme";
        mesh = Mesh.builder().build();
        acme = mesh.register(ConnectorSpec.builder("acme", url)
                .flavor("acme")
                .header("X-API-Key", "acme_key_1")
                .retry(TWO_QUICK_TRIES)
                .build());
        asRest = mesh.register(ConnectorSpec.builder("acme_as_rest", url)
                .flavor("rest")
                .header("X-API-Key", "acme_key_1")
                .retry(TWO_QUICK_TRIES)
                .build());
    }

    @AfterAll
    static void stop() {
        mesh.close();
        farm.close();
    }

    @Test
    void shouldBeFoundThroughTheServiceLoaderBesideTheBuiltIns() {
        assertThat(Vendors.names())
                .as("the built-ins first, though this jar comes first on the class path")
                .containsExactly("rest", "salesforce", "stripe", "github", "supabase", "mongodb", "datadog", "acme");
        assertThat(acme.spec().vendor()).isInstanceOf(AcmeVendor.class);
    }

    @Test
    void shouldRetryAcmesNotFoundAsReplicaLagWhereRestGivesUpAtOnce() {
        CallResult lagging = acme.execute(MeshRequest.get("/v1/widgets/not_yet_replicated"));
        assertThat(lagging).isInstanceOfSatisfying(CallResult.Failed.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.server_error);
            assertThat(f.attempts()).hasSize(2).allSatisfy(a -> {
                assertThat(a.status()).isEqualTo(404);
                assertThat(a.message()).contains("acme replica lag");
            });
        });

        CallResult missing = asRest.execute(MeshRequest.get("/v1/widgets/not_yet_replicated"));
        assertThat(missing).isInstanceOfSatisfying(CallResult.Failed.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.client_error);
            assertThat(f.attempts()).hasSize(1);
        });
    }

    @Test
    void shouldSendWritesAsFormsUnderAcmesKeyHeaderSoTheFarmRecordsTheKey() throws Exception {
        MeshResponse created =
                acme.post("/v1/widgets", Map.of("name", "sprocket", "external_id", "op-acme-1"), "op-acme-1");
        assertThat(created.status()).isEqualTo(201);
        assertThat(Connector.json(created).path("name").asText())
                .as("the farm read the form body")
                .isEqualTo("sprocket");

        asRest.post("/v1/widgets", Map.of("name", "cog", "external_id", "op-rest-1"), "op-rest-1");

        JsonNode ledger = JSON.readTree(get("/admin/ledger?service=acme_mock"));
        assertThat(entry(ledger, "op-acme-1").path("idempotency_key").asText())
                .as("sent in X-Acme-Request-Id, which this service honours")
                .isNotBlank();
        assertThat(entry(ledger, "op-rest-1").path("idempotency_key").isNull())
                .as("rest sends Idempotency-Key, which Acme ignores")
                .isTrue();
    }

    private static JsonNode entry(JsonNode ledger, String opId) {
        for (JsonNode e : ledger.path("entries"))
            if (opId.equals(e.path("op_id").asText())) return e;
        throw new AssertionError("no ledger entry for " + opId + " in " + ledger);
    }

    private static String get(String path) throws Exception {
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(farm.url() + path)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }
}
