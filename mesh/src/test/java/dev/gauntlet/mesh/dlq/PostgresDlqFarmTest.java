package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.event.ReplaySucceeded;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.internal.store.postgres.PostgresStore;
import dev.gauntlet.mesh.internal.store.postgres.PostgresTestDatabase;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: three meshes (nodes) on one PostgreSQL store, each replaying the shared DLQ in the background against the
 * real farm's Stripe: every parked write is replayed to success by exactly one node and committed once in the ledger.
 */
class PostgresDlqFarmTest {
    @TempDir
    static Path chaosDir;

    static FarmFixture farm;
    static PostgresTestDatabase database;

    @BeforeAll
    static void start() {
        farm = FarmFixture.start(
                FarmConfig.builder().chaosFile(FarmFixture.write(chaosDir, "chaos.yaml", DlqFarmTest.CHAOS)));
        database = new PostgresTestDatabase("gauntlet_dlqfarm");
        DlqFarmTest.farm = farm; // its helpers (stripe(), ledger()) read this farm
    }

    @AfterAll
    static void stop() {
        DlqFarmTest.farm = null;
        farm.close();
        database.close();
    }

    @Test
    void shouldReplayEachParkedWriteOnceWhenThreeNodesDrainOneQueue() throws Exception {
        PostgresUrl url = database.freshSchema();
        farm.chaos("{\"level\":\"all_errors\",\"services\":[\"stripe_mock\"]}");
        String run = "pgdrain-" + System.nanoTime();
        int n = 30;
        List<ReplaySucceeded> succeeded = new CopyOnWriteArrayList<>();
        var dlq = DlqConfig.builder()
                .replayRps(200)
                .baseDelay(Duration.ofMillis(300))
                .maxReplays(50)
                .readBackAfter(Duration.ZERO)
                .build();
        var nodes = new ArrayList<Mesh>();
        try {
            for (int i = 0; i < 3; i++) {
                Mesh mesh = Mesh.builder()
                        .store(PostgresStore.open(
                                url, Retention.DEFAULT, InstantSource.system(), WriteBehind.Settings.DEFAULT))
                        .build();
                mesh.events().subscribe(e -> {
                    if (e instanceof ReplaySucceeded r) succeeded.add(r);
                });
                nodes.add(mesh);
            }
            Connector first = nodes.getFirst()
                    .register(new DlqFarmTest().stripe().dlq(dlq).build());
            var parked = new ArrayList<String>();
            for (int i = 0; i < n; i++) {
                try {
                    first.post("/v1/customers", DlqFarmTest.customer(run + "-" + i), run + "-" + i);
                } catch (MeshException.DeadLettered e) {
                    parked.add(e.dlqId());
                }
            }
            assertThat(parked).hasSize(n);
            for (Mesh other : nodes.subList(1, 3))
                other.register(new DlqFarmTest().stripe().dlq(dlq).build());
            farm.chaos("{\"level\":\"calm\"}");

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> nodes.getFirst().deadLetters().stats().succeeded() == n);
            assertThat(nodes.getFirst().deadLetters().stats().pending()).isZero();
            assertThat(succeeded)
                    .extracting(ReplaySucceeded::id)
                    .as("each entry replayed to success by one node, once")
                    .doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(parked);
        } finally {
            for (Mesh m : nodes) m.close();
        }
        for (int i = 0; i < n; i++)
            assertThat(DlqFarmTest.ledger(run + "-" + i).path("commits").asInt())
                    .as(run + "-" + i)
                    .isEqualTo(1);
    }
}
