package dev.gauntlet.mesh.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshException;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.CircuitTransition;
import dev.gauntlet.mesh.event.MeshEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The adaptive bucket and the breaker through the whole pipeline against the real farm. */
class LimitCircuitIntegrationTest {

    /** A service limited at 200 rps with a small burst; the mesh is not told. */
    static final String LIMITED = """
            id: limited_mock
            flavor: rest
            base_path: /api/limited
            auth: { type: api_key, api_keys: [k-1] }
            rate_limit: { max_rps: 200, burst: 10 }
            error_profile: server_errors
            resources:
              - { name: thing, path: /things, fields: { title: sentence }, count: 20 }
            """;

    /** The farm's four levels doing nothing, and one where every answer of the chosen services is a 5xx. */
    static final String CHAOS = FarmFixture.chaos(Map.of("all_errors", 1.0), "server_error", Map.of());

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static FarmFixture farm;

    @BeforeAll
    static void start() {
        FarmFixture.write(dir.resolve("services"), "limited.yaml", LIMITED);
        farm = FarmFixture.start(FarmConfig.builder()
                .servicesDir(dir.resolve("services"))
                .chaosFile(FarmFixture.write(dir, "chaos.yaml", CHAOS)));
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    @Test
    void shouldKeep429sUnderOnePercentWhenTheUpstreamLimitIsUnknown() throws Exception {
        try (Mesh mesh = Mesh.builder().build()) {
            Connector c = mesh.register(ConnectorSpec.builder("limited", farm.serviceUrl("limited_mock"))
                    .header("X-API-Key", "k-1")
                    .limit(LimitConfig.builder()
                            .initialRps(400)
                            .maxRps(4000)
                            .burst(10)
                            .build())
                    .build());
            Instant start = Instant.now();
            Instant learned = start.plusSeconds(4);
            Instant end = start.plusSeconds(8);
            ConcurrentLinkedQueue<Attempt> attempts = new ConcurrentLinkedQueue<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < 12; t++) {
                    pool.submit(() -> {
                        while (Instant.now().isBefore(end)) {
                            try {
                                attempts.addAll(c.get("/things?per_page=1").attempts());
                            } catch (MeshException e) {
                                attempts.addAll(e.attempts());
                            }
                        }
                    });
                }
            }
            List<Attempt> settled = attempts.stream()
                    .filter(a -> !a.at().isBefore(learned) && a.at().isBefore(end))
                    .toList();
            long limited = settled.stream().filter(a -> a.status() == 429).count();
            long ok = settled.stream().filter(Attempt::succeeded).count();

            assertThat(attempts.stream().filter(a -> a.status() == 429).count())
                    .as("the mesh started above the limit")
                    .isPositive();
            assertThat((double) limited / settled.size())
                    .as("429 share after 4 s of learning, of %d attempts", settled.size())
                    .isLessThan(0.01);
            assertThat(ok / 4.0).as("goodput after learning, rps").isGreaterThan(160);
            Map<String, Object> status = c.status().get("rate-limit");
            assertThat((Double) status.get("learned_limit_rps")).isBetween(160.0, 240.0);
        }
    }

    @Test
    void shouldOpenTheCircuitAndAnswerReadsStaleWhenTheUpstreamIsDown() throws Exception {
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = Mesh.builder().build()) {
            mesh.events().subscribe(events::add);
            Connector stripe = mesh.register(ConnectorSpec.builder("stripe_mock", farm.serviceUrl("stripe_mock"))
                    .flavor("stripe")
                    .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                    .staleReads(true)
                    .build());
            MeshResponse fresh = stripe.get("/v1/customers?limit=1");
            assertThat(fresh.stale()).isFalse();
            farm.chaos("{\"level\":\"all_errors\",\"services\":[\"stripe_mock\"]}");

            int calls = 300;
            int stale = 0;
            List<ErrorClass> failures = new ArrayList<>();
            for (int i = 0; i < calls; i++) {
                try {
                    MeshResponse r = stripe.get("/v1/customers?limit=1");
                    if (r.stale()) stale++;
                    assertThat(r.body()).isEqualTo(fresh.body());
                } catch (MeshException e) {
                    failures.add(e.errorClass());
                }
            }
            long faults = JSON.readTree(farm.get("/admin/faults?service=stripe_mock&type=server_error&limit=1"))
                    .get("total")
                    .asLong();

            assertThat(stale).as("answered from the last good response").isGreaterThan(calls * 9 / 10);
            assertThat(faults)
                    .as("attempts that reached the farm")
                    .isLessThan(calls / 5)
                    .isPositive();
            assertThat(failures).allMatch(c -> c == ErrorClass.server_error);
            assertThatThrownBy(() -> stripe.post("/v1/customers", Map.of("email", "a@b.c"), "op-1"))
                    .isInstanceOfSatisfying(
                            MeshException.DeadLettered.class,
                            e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.circuit_open));
            assertThat(events)
                    .filteredOn(CircuitTransition.class::isInstance)
                    .first()
                    .satisfies(e -> assertThat(((CircuitTransition) e).to()).isEqualTo("open"));
            assertThat(stripe.status().get("circuit")).containsEntry("state", "open");
        } finally {
            farm.chaos("{\"level\":\"calm\",\"services\":[\"stripe_mock\"]}");
        }
    }
}
