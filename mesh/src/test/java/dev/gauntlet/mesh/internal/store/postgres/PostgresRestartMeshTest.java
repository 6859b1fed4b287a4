package dev.gauntlet.mesh.internal.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A mesh on PostgreSQL whose server goes away (cut behind a TCP forwarder) and comes back, against the real farm's
 * Stripe: reads keep being served, a write it cannot record is refused before it goes upstream (never sent without
 * its intent), and once the server is back writes go through again - no restart.
 */
class PostgresRestartMeshTest {
    static final String KEY = "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";
    static FarmFixture farm;
    static PostgresTestDatabase database;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start();
        database = new PostgresTestDatabase("gauntlet_restart");
    }

    @AfterAll
    static void stop() {
        farm.close();
        database.close();
    }

    @Test
    void shouldServeReadsRefuseUnrecordableWritesAndRecoverWhenTheServerIsBack() throws Exception {
        PostgresUrl direct = database.freshSchema();
        try (var cut = new TcpCut(direct.host(), direct.port());
                Mesh mesh = Mesh.builder()
                        .store(PostgresStore.open(
                                new PostgresUrl("127.0.0.1", cut.port(), direct.database(), direct.params()),
                                Retention.DEFAULT,
                                InstantSource.system(),
                                WriteBehind.Settings.DEFAULT))
                        .build()) {
            Connector stripe = mesh.register(ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .header("Authorization", KEY)
                    .build());
            String run = "pgcut-" + System.nanoTime();
            assertThat(stripe.post("/v1/customers", customer(run + "-before"), run + "-before")
                            .status())
                    .isEqualTo(200);

            assertThat(ledgerCommits(run + "-before")).isEqualTo(1);

            cut.cut();
            assertThat(stripe.get("/v1/customers?limit=1").status())
                    .as("a read does not need the store")
                    .isEqualTo(200);
            assertThatThrownBy(() -> stripe.post("/v1/customers", customer(run + "-during"), run + "-during"))
                    .as("its intent cannot be recorded: refused, not sent")
                    .satisfies(t -> assertThat(causes(t)).anyMatch(StoreUnavailable.class::isInstance));
            assertThat(ledgerCommits(run + "-during")).as("never sent upstream").isZero();

            cut.resume();
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> mesh.context().store().health().ok());
            assertThat(stripe.post("/v1/customers", customer(run + "-after"), run + "-after")
                            .status())
                    .isEqualTo(200);
            assertThat(ledgerCommits(run + "-after")).isEqualTo(1);
        }
    }

    /** A customer whose metadata carries the op id: the farm's ledger files it under that id. */
    static Map<String, Object> customer(String opId) {
        return Map.of("name", "Ada " + opId, "metadata", Map.of("op_id", opId));
    }

    static List<Throwable> causes(Throwable t) {
        var out = new ArrayList<Throwable>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) out.add(c);
        return out;
    }

    /** Commits the farm's Stripe ledger holds for an operation id (0 when none). */
    static int ledgerCommits(String opId) throws Exception {
        var json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(farm.get("/admin/ledger?service=stripe_mock"));
        for (var e : json.path("entries")) {
            if (opId.equals(e.path("op_id").asText())) return e.path("commits").asInt();
        }
        return 0;
    }
}
