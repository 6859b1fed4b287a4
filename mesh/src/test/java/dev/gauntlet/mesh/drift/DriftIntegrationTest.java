package dev.gauntlet.mesh.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.DriftDetected;
import dev.gauntlet.mesh.event.DriftKind;
import dev.gauntlet.mesh.event.MeshEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Schema drift against the real farm: the built-in salesforce_mock renames the custom field Account_Name__c to Name__c after 50 calls. */
class DriftIntegrationTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ACCOUNTS = "/services/data/v59.0/sobjects/Account";
    static FarmFixture farm;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start();
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    /**
     * A client-credentials token from the farm's token endpoint (until the auth stage lands). Its TTL is 120 s, far
     * longer than this test runs.
     */
    static String token(String serviceUrl) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(serviceUrl + "/services/oauth2/token"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            return JSON.readTree(r.body()).get("access_token").asText();
        }
    }

    @Test
    void shouldKeepTheCustomFieldArrivingWhenTheFarmRenamesItAfterFiftyCalls() throws Exception {
        String url = farm.serviceUrl("salesforce_mock");
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = Mesh.builder().build()) {
            mesh.events().subscribe(events::add);
            Connector sf = mesh.register(ConnectorSpec.builder("salesforce_mock", url)
                    .flavor("salesforce")
                    .header("Authorization", "Bearer " + token(url))
                    .build());
            String id = Connector.json(sf.get(ACCOUNTS)).at("/recentItems/0/Id").asText();
            assertThat(id).isNotBlank();

            int drifted = 0;
            for (int i = 0; i < 120; i++) {
                MeshResponse r = sf.get(ACCOUNTS + "/" + id);
                JsonNode account = Connector.json(r);
                assertThat(account.path("Account_Name__c").asText())
                        .as("read %d", i)
                        .isNotBlank();
                assertThat(account.has("Name__c")).as("read %d", i).isFalse();
                if (JSON.readTree(r.body()).has("Name__c")) drifted++;
            }

            assertThat(drifted)
                    .as("the farm did rename the field in the raw answers")
                    .isGreaterThan(50);
            assertThat(events)
                    .filteredOn(DriftDetected.class::isInstance)
                    .map(DriftDetected.class::cast)
                    .singleElement()
                    .satisfies(d -> {
                        assertThat(d.kind()).isEqualTo(DriftKind.renamed);
                        assertThat(d.endpoint()).isEqualTo("GET " + ACCOUNTS + "/{id}");
                        assertThat(d.before()).isEqualTo("Account_Name__c");
                        assertThat(d.after()).isEqualTo("Name__c");
                        assertThat(d.confidence())
                                .isGreaterThanOrEqualTo(sf.spec().drift().threshold());
                        assertThat(d.mapped()).isTrue();
                    });
            assertThat(sf.status().get("drift-mapping"))
                    .containsEntry("mappings", 1)
                    .containsEntry("drifts", 1L);
            assertThat(mesh.context()
                            .store()
                            .schemas()
                            .loadSchemas("salesforce_mock")
                            .get("GET " + ACCOUNTS + "/{id}")
                            .at("/mappings/Name__c")
                            .asText())
                    .isEqualTo("Account_Name__c");
            assertThat(new String(sf.get(ACCOUNTS + "/" + id).body(), StandardCharsets.UTF_8))
                    .doesNotContain("Account_Name__c");
        }
    }
}
