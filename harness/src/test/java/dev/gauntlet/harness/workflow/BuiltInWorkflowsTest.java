package dev.gauntlet.harness.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.harness.check.Checker;
import dev.gauntlet.harness.check.FarmLedger;
import dev.gauntlet.harness.check.IntendedWrite;
import dev.gauntlet.harness.check.PendingWrites;
import dev.gauntlet.harness.connectors.ConnectorsFile;
import dev.gauntlet.harness.workflow.builtin.DriftSensitive;
import dev.gauntlet.harness.workflow.builtin.HighVolumeRead;
import dev.gauntlet.harness.workflow.builtin.IdempotentWrite;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The built-in workflows' requests are ones every built-in farm service accepts (calm farm, the naive client). */
class BuiltInWorkflowsTest {

    static FarmServer farm;
    static HttpClient http = HttpClient.newHttpClient();
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

    @Test
    void shouldReadPagesFromEveryService() {
        var wf = new HighVolumeRead();
        for (var c : connectors) {
            var ctx = new WorkflowContext(new NaiveApi(c.spec(), http), c.service(), "r1", w -> {});
            for (long seq = 0; seq < 3; seq++) {
                ApiResult r = wf.iterate(ctx, seq);
                assertThat(r.ok()).as(c.spec().id() + " page " + seq + ": " + r).isTrue();
                assertThat(Shapes.records(r.json()))
                        .as(c.spec().id() + " records in " + r.json())
                        .isPositive();
            }
        }
    }

    @Test
    void shouldWriteToEveryServiceWithTheOpIdWhereTheLedgerFindsIt() {
        var wf = new IdempotentWrite();
        List<IntendedWrite> intended = new CopyOnWriteArrayList<>();
        for (var c : connectors) {
            var ctx = new WorkflowContext(new NaiveApi(c.spec(), http), c.service(), "r2", intended::add);
            for (long seq = 0; seq < 3; seq++) {
                ApiResult r = wf.iterate(ctx, seq);
                assertThat(r.ok())
                        .as(c.spec().id() + " write " + seq + ": " + r)
                        .isTrue();
            }
        }
        assertThat(intended).hasSize(18);
        var check = new Checker(new FarmLedger(farm.url(), http), PendingWrites.NONE).check(intended);
        assertThat(check.committed()).as(check.toString()).isEqualTo(18);
        assertThat(check.clean()).isTrue();
    }

    @Test
    void shouldCommitARepeatedWriteOnceOnlyWhereTheVendorHonoursTheKeyTheNaiveClientSends() {
        for (boolean keyed : new boolean[] {true, false}) {
            List<IntendedWrite> intended = new CopyOnWriteArrayList<>();
            for (var c : connectors.stream()
                    .filter(e -> List.of("stripe_mock", "github_mock").contains(e.service()))
                    .toList()) {
                Api api = keyed ? NaiveApi.keyed(c.spec(), http) : new NaiveApi(c.spec(), http);
                String opId = "r4-" + keyed + "-" + c.service();
                Shapes.Write create = Shapes.create(api.flavor(), opId, 1_800_000_000L);
                intended.add(new IntendedWrite(c.service(), opId));
                // The caller's own retry of the same operation: only a key the vendor honours (Stripe's; GitHub has
                // none) lets the upstream tell it from a new write.
                for (int i = 0; i < 2; i++)
                    assertThat(api.call(create.method(), create.path(), create.headers(), create.body(), opId)
                                    .ok())
                            .isTrue();
            }
            var check = new Checker(new FarmLedger(farm.url(), http), PendingWrites.NONE).check(intended);
            assertThat(check.committed()).as(check.toString()).isEqualTo(2);
            assertThat(check.duplicates()).as("keyed " + keyed + ": " + check).isEqualTo(keyed ? 1 : 2);
            assertThat(check.services().get("github_mock").duplicates())
                    .as("GitHub ignores keys: " + check)
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldReadTheKnownFieldBeforeTheDrift() {
        var wf = new DriftSensitive();
        var sf = connectors.getFirst();
        var ctx = new WorkflowContext(new NaiveApi(sf.spec(), http), sf.service(), "r3", w -> {});
        for (long seq = 0; seq < 5; seq++) {
            ApiResult r = wf.iterate(ctx, seq);
            assertThat(r.correct()).as("read " + seq + ": " + r).isTrue();
        }
        assertThat(wf.supports("stripe")).isFalse();
    }
}
