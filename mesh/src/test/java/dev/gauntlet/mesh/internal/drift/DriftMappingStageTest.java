package dev.gauntlet.mesh.internal.drift;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.drift.DriftConfig;
import dev.gauntlet.mesh.drift.FieldType;
import dev.gauntlet.mesh.event.DriftDetected;
import dev.gauntlet.mesh.event.DriftKind;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The drift-mapping stage in front of a stage that plays the upstream with scripted JSON answers. */
class DriftMappingStageTest {

    final FakeTime time = new FakeTime();
    final EventBus events = new EventBus();
    final List<DriftDetected> drifts = new ArrayList<>();
    final MemoryStore store = new MemoryStore();
    final MeshContext context = new MeshContext(time, events, store, null, new MemoryDeadLetters(time));

    {
        events.subscribe(e -> {
            if (e instanceof DriftDetected d) drifts.add(d);
        });
    }

    /** Plays the upstream: answers whatever body the supplier gives, with a JSON content type. */
    static final class Upstream implements Stage {
        Supplier<String> body;
        int status = 200;
        String contentType = "application/json";

        Upstream(Supplier<String> body) {
            this.body = body;
        }

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            var r = new MeshResponse(
                    status,
                    Map.of("Content-Type", List.of(contentType)),
                    body.get().getBytes(StandardCharsets.UTF_8),
                    null,
                    null,
                    false);
            return status < 400
                    ? new Outcome.Success(r)
                    : new Outcome.Failure(ErrorClass.client_error, status, "HTTP " + status, null, r);
        }
    }

    static ConnectorSpec spec(DriftConfig drift) {
        return ConnectorSpec.builder("crm", "http://upstream.test")
                .flavor("salesforce")
                .drift(drift)
                .build();
    }

    static final String BEFORE =
            "{\"attributes\":{\"type\":\"Account\"},\"Id\":\"001A%s\",\"account_name\":\"%s\",\"industry\":\"mining\",\"AnnualRevenue\":1200.5}";
    static final String AFTER =
            "{\"attributes\":{\"type\":\"Account\"},\"Id\":\"001A%s\",\"name\":\"%s\",\"industry\":\"mining\",\"AnnualRevenue\":1200.5}";

    final class Run {
        final ConnectorSpec spec;
        final DriftMappingStage stage;
        final Upstream upstream;
        final Pipeline pipeline;

        Run(ConnectorSpec spec, Upstream upstream) {
            this.spec = spec;
            this.stage = TestStages.drift(spec, context);
            this.upstream = upstream;
            this.pipeline = new Pipeline(List.of(stage, upstream));
        }

        MeshResponse get(String path) {
            return call(MeshRequest.get(path));
        }

        MeshResponse post(String path) {
            return call(new MeshRequest(
                    "POST", path, null, "{}".getBytes(StandardCharsets.UTF_8), "application/json", null, null));
        }

        MeshResponse call(MeshRequest request) {
            Outcome o = pipeline.run(TestStages.exchange(spec, context, request));
            return o instanceof Outcome.Success s ? s.response() : ((Outcome.Failure) o).response();
        }
    }

    static String account(String template, int id) {
        return template.formatted(String.format("%014d", id), "Company " + id);
    }

    @Test
    void shouldKeepTheKnownNameWhenTheUpstreamRenamesAField() {
        var run = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> account(BEFORE, 7)));
        for (int i = 0; i < 10; i++) run.get("/sobjects/Account/001A00000000000007");
        run.upstream.body = () -> account(AFTER, 7);

        MeshResponse r = run.get("/sobjects/Account/001A00000000000007");

        JsonNode json = Connector.json(r);
        assertThat(json.path("account_name").asText()).isEqualTo("Company 7");
        assertThat(json.has("name")).isFalse();
        assertThat(new String(r.body(), StandardCharsets.UTF_8))
                .as("the raw body is untouched")
                .contains("\"name\"");
        assertThat(drifts).singleElement().satisfies(d -> {
            assertThat(d.kind()).isEqualTo(DriftKind.renamed);
            assertThat(d.endpoint()).isEqualTo("GET /sobjects/Account/{id}");
            assertThat(d.before()).isEqualTo("account_name");
            assertThat(d.after()).isEqualTo("name");
            assertThat(d.confidence()).isGreaterThanOrEqualTo(0.7);
            assertThat(d.mapped()).isTrue();
            assertThat(d.connector()).isEqualTo("crm");
        });
        // Later answers (another record, same endpoint) are mapped too, and no new drift is reported.
        run.upstream.body = () -> account(AFTER, 8);
        for (int i = 0; i < 40; i++) {
            assertThat(Connector.json(run.get("/sobjects/Account/001A00000000000008"))
                            .path("account_name")
                            .asText())
                    .isEqualTo("Company 8");
        }
        assertThat(drifts).hasSize(1);
        assertThat(run.stage.status())
                .containsEntry("endpoints", 1L)
                .containsEntry("drifts", 1L)
                .containsEntry("mappings", 1);
    }

    @Test
    void shouldDetectARenameInAWritesAnswerWhenItsEndpointIsLongKnown() {
        // Write answers (and MongoDB's POST finds) look their endpoint up by method and raw path, as GETs do: the
        // answer
        // after hundreds of unsampled ones is still scanned, and its drift found and mapped at once.
        var run = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> account(BEFORE, 5)));
        run.get("/sobjects/Account");
        for (int i = 0; i < 300; i++) run.post("/sobjects/Account");
        assertThat(drifts).isEmpty();
        run.upstream.body = () -> account(AFTER, 5);

        JsonNode json = Connector.json(run.post("/sobjects/Account"));

        assertThat(json.path("account_name").asText()).isEqualTo("Company 5");
        assertThat(drifts).singleElement().satisfies(d -> {
            assertThat(d.endpoint()).isEqualTo("POST /sobjects/Account");
            assertThat(d.before()).isEqualTo("account_name");
            assertThat(d.after()).isEqualTo("name");
            assertThat(d.mapped()).isTrue();
        });
        assertThat(run.stage.drift().mappings("GET /sobjects/Account"))
                .as("the GET of the same path is another endpoint")
                .isEmpty();
    }

    static String page(int renamedFrom) {
        var records = new ArrayList<String>();
        for (int i = 0; i < 20; i++) records.add(account(i >= renamedFrom ? AFTER : BEFORE, i));
        return "{\"totalSize\":20,\"done\":true,\"records\":[" + String.join(",", records) + "]}";
    }

    @Test
    void shouldDetectARenameInEveryRecordOfAListAtOnceWhenOnlyTheFirstIsScanned() {
        var run = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> page(20)));
        for (int i = 0; i < 200; i++) run.get("/query?q=SELECT+Id+FROM+Account");
        assertThat(drifts).isEmpty();
        run.upstream.body = () -> page(0);

        JsonNode json = Connector.json(run.get("/query?q=SELECT+Id+FROM+Account"));

        assertThat(drifts).singleElement().satisfies(d -> {
            assertThat(d.before()).isEqualTo("account_name");
            assertThat(d.after()).isEqualTo("name");
            assertThat(d.mapped()).isTrue();
        });
        assertThat(Shapes.records(json))
                .hasSize(20)
                .allSatisfy(r -> assertThat(r.has("account_name")).isTrue());
    }

    @Test
    void shouldDetectARenameInTheLastRecordOnlyByTheNextFullCheck() {
        var run = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> page(20)));
        for (int i = 0; i < 200; i++) run.get("/query?q=SELECT+Id+FROM+Account");
        run.upstream.body = () -> page(19);

        // Answers between two sampled calls are read up to their first record; the sampled one reads them all.
        int calls = 0;
        while (drifts.isEmpty() && calls < 64) {
            run.get("/query?q=SELECT+Id+FROM+Account");
            calls++;
        }

        assertThat(calls).as("found within one sampling period (64 calls)").isLessThanOrEqualTo(64);
        // The other 19 records still carry account_name: to the learner a field was added, not renamed.
        assertThat(drifts).anySatisfy(d -> assertThat(d.after()).contains("name"));
    }

    @Test
    void shouldRecordButNotMapWhenTheNewFieldIsUnrelated() {
        var run =
                new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> "{\"id\":1,\"industry\":\"mining\",\"size\":3}"));
        run.get("/things/1");
        run.upstream.body = () -> "{\"id\":1,\"colour\":\"teal\",\"size\":3}";

        JsonNode json = Connector.json(run.get("/things/1"));

        assertThat(json.path("colour").asText()).isEqualTo("teal");
        assertThat(json.has("industry")).isFalse();
        assertThat(drifts).singleElement().satisfies(d -> {
            // One field out, one in, both strings: paired as a rename, but too unlike to be trusted (recorded, not
            // mapped).
            assertThat(d.kind()).isEqualTo(DriftKind.renamed);
            assertThat(d.before()).isEqualTo("industry");
            assertThat(d.after()).isEqualTo("colour");
            assertThat(d.mapped()).isFalse();
            assertThat(d.confidence()).isLessThan(0.7);
        });
        assertThat(run.stage.drift().mappings("GET /things/{id}")).isEmpty();
    }

    @Test
    void shouldReportAddedRemovedAndRetypedFields() {
        var run = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> "{\"id\":1,\"amount\":12.5,\"note\":\"x\"}"));
        run.get("/orders/1");
        run.upstream.body = () -> "{\"id\":1,\"amount\":\"12.50\",\"priority\":true}";

        run.get("/orders/1");

        assertThat(drifts)
                .extracting(DriftDetected::kind)
                .containsExactlyInAnyOrder(DriftKind.retyped, DriftKind.removed, DriftKind.added);
        assertThat(drifts)
                .filteredOn(d -> d.kind() == DriftKind.retyped)
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.before()).isEqualTo("amount: number");
                    assertThat(d.after()).isEqualTo("amount: string");
                });
        assertThat(run.stage.drift().schema("GET /orders/{id}"))
                .containsEntry("amount", FieldType.string)
                .containsKey("priority")
                .doesNotContainKey("note");
    }

    @Test
    void shouldPreferTheExplicitMappingWhenConfigNamesTheField() {
        var drift = DriftConfig.builder().mappings(Map.of("name", "company")).build();
        var run = new Run(spec(drift), new Upstream(() -> account(BEFORE, 3)));
        for (int i = 0; i < 5; i++) run.get("/sobjects/Account/001A00000000000003");
        run.upstream.body = () -> account(AFTER, 3);

        JsonNode json = Connector.json(run.get("/sobjects/Account/001A00000000000003"));

        assertThat(json.path("company").asText()).isEqualTo("Company 3");
        assertThat(json.has("account_name")).isFalse();
        assertThat(run.stage.drift().mappings("GET /sobjects/Account/{id}"))
                .as("nothing learned over the explicit one")
                .isEmpty();
        assertThat(run.stage.status()).containsEntry("mappings", 1);
    }

    @Test
    void shouldApplyExplicitMappingsWhenLearningIsOff() {
        var run = new Run(
                spec(DriftConfig.builder()
                        .learn(false)
                        .mappings(Map.of("name", "account_name"))
                        .build()),
                new Upstream(() -> account(AFTER, 4)));

        JsonNode json = Connector.json(run.get("/sobjects/Account/001A00000000000004"));

        assertThat(json.path("account_name").asText()).isEqualTo("Company 4");
        assertThat(run.stage.status()).containsEntry("endpoints", 0L);
        assertThat(drifts).isEmpty();
    }

    @Test
    void shouldMapRecordsInsideTheVendorsEnvelopes() {
        String rec = "{\"Id\":\"%s\",\"%s\":\"Company %s\"}";
        for (String[] c : new String[][] {
            {"{\"totalSize\":2,\"done\":true,\"records\":[%s,%s]}", "/query?q=SELECT+Id+FROM+Account"},
            {"{\"object\":\"list\",\"data\":[%s,%s],\"has_more\":false}", "/v1/customers?limit=2"},
            {"{\"documents\":[%s,%s]}", "/action/find"},
            {"[%s,%s]", "/rest/v1/accounts?select=*"}
        }) {
            drifts.clear();
            var run = new Run(
                    spec(DriftConfig.DEFAULT),
                    new Upstream(() -> c[0].formatted(
                            rec.formatted("a1", "account_name", 1), rec.formatted("a2", "account_name", 2))));
            run.get(c[1]);
            run.upstream.body = () -> c[0].formatted(rec.formatted("a1", "name", 1), rec.formatted("a2", "name", 2));

            JsonNode json = Connector.json(run.get(c[1]));

            assertThat(json.findValues("account_name")).as(c[1]).hasSize(2);
            assertThat(json.findValues("name")).as(c[1]).isEmpty();
            assertThat(drifts)
                    .as(c[1])
                    .singleElement()
                    .satisfies(d -> assertThat(d.mapped()).isTrue());
        }
    }

    @Test
    void shouldMapADriftedFieldAtOnceWhenTheSchemaWasLearnedBeforeARestart() {
        var before = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> account(BEFORE, 5)));
        for (int i = 0; i < 3; i++) before.get("/sobjects/Account/001A00000000000005");
        before.upstream.body = () -> account(AFTER, 5);
        before.get("/sobjects/Account/001A00000000000005");
        assertThat(store.schemas().loadSchemas("crm")).containsKey("GET /sobjects/Account/{id}");

        var after = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> account(AFTER, 6)));
        JsonNode json = Connector.json(after.get("/sobjects/Account/001A00000000000006"));

        assertThat(json.path("account_name").asText()).isEqualTo("Company 6");
        assertThat(after.stage.drift().mappings("GET /sobjects/Account/{id}")).containsEntry("name", "account_name");
    }

    @Test
    void shouldNotBuildATreeWhenTheShapeIsKnownAndNothingIsMapped() {
        var run = new Run(spec(DriftConfig.DEFAULT), new Upstream(() -> account(BEFORE, 9)));
        for (int i = 0; i < 20; i++) run.get("/sobjects/Account/001A00000000000009");

        assertThat(run.get("/sobjects/Account/001A00000000000009").mapped())
                .as("the 21st call: recognised by streaming")
                .isNull();
        assertThat(drifts).isEmpty();
    }

    @Test
    void shouldLeaveNonJsonAndErrorAnswersAlone() {
        var up = new Upstream(() -> "<html>hi</html>");
        up.contentType = "text/html";
        var run = new Run(spec(DriftConfig.DEFAULT), up);
        assertThat(run.get("/page").mapped()).isNull();

        up.contentType = "application/json";
        up.status = 404;
        up.body = () -> "[{\"errorCode\":\"NOT_FOUND\",\"message\":\"gone\"}]";
        assertThat(run.get("/sobjects/Account/001A00000000000001").mapped()).isNull();
        assertThat(run.stage.status()).containsEntry("endpoints", 0L);
    }

    @Test
    void shouldNameEndpointsWithoutIdsAndQueryValues() {
        assertThat(Endpoints.of("GET", "/services/data/v59.0/sobjects/Account/001000000000001AAA"))
                .isEqualTo("GET /services/data/v59.0/sobjects/Account/{id}");
        assertThat(Endpoints.of("GET", "/v1/customers/cus_NffrFeUfNV2Hib?limit=3&expand[]=sources"))
                .isEqualTo("GET /v1/customers/{id}?expand[]=sources&limit");
        assertThat(Endpoints.of("GET", "/repos/gauntlet/api/issues/42"))
                .isEqualTo("GET /repos/gauntlet/api/issues/{id}");
        assertThat(Endpoints.of(
                        "GET", "/services/data/v59.0/query?q=SELECT+Id,Name+FROM+Account+WHERE+Id='001x'+LIMIT+5"))
                .isEqualTo("GET /services/data/v59.0/query?q=SELECT Id,Name FROM Account WHERE Id=? LIMIT ?");
        assertThat(Endpoints.of("POST", "/v1/payment_intents")).isEqualTo("POST /v1/payment_intents");
        assertThat(Endpoints.of("GET", "/")).isEqualTo("GET /");
    }
}
