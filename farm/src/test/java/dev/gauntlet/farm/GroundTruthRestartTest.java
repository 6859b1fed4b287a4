package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a data folder the ledger and the fault log survive a restart: written line by line as they happen (nothing
 * waits in the process), restored at start, cleared by a reset; records come back from the seed and the fault log
 * says so.
 */
class GroundTruthRestartTest {

    private static final String STRIPE_KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";
    private static final String MONGO = "/api/mongodb/app/data-gauntlet/endpoint/data/v1/action/";
    private static final String TARGET =
            "\"dataSource\":\"mongodb-atlas\",\"database\":\"gauntlet\",\"collection\":\"accounts\"";

    @TempDir
    Path data;

    private TestFarm start() {
        return TestFarm.start(FarmConfig.builder().dataDir(data));
    }

    @Test
    void shouldRestoreTheLedgerAndTheFaultLogAfterARestart() {
        JsonNode ledgerBefore;
        JsonNode faultsBefore;
        try (TestFarm farm = start()) {
            writes(farm);
            ledgerBefore = TestFarm.json(farm.get("/admin/ledger"));
            faultsBefore = TestFarm.json(farm.get("/admin/faults"));
            assertThat(faultsBefore.path("total").asLong()).isEqualTo(1);
            assertThat(TestFarm.json(farm.get("/admin/status"))
                            .at("/ground_truth/kept")
                            .asText())
                    .isEqualTo("disk");
        }
        try (TestFarm again = start()) {
            JsonNode ledgerAfter = TestFarm.json(again.get("/admin/ledger"));
            assertThat(ledgerAfter).isEqualTo(ledgerBefore);
            JsonNode faultsAfter = TestFarm.json(again.get("/admin/faults"));
            assertThat(faultsAfter.path("total").asLong())
                    .as("the count of injected faults")
                    .isEqualTo(1);
            assertThat(faultsAfter.path("entries").get(0))
                    .isEqualTo(faultsBefore.path("entries").get(0));
            // The restart is in the log, as a reset of every resource's records (they come back from the seed).
            assertThat(faultsAfter.path("entries")).anySatisfy(e -> {
                assertThat(e.path("type").asText()).isEqualTo("reload_reset");
                assertThat(e.path("reason").asText()).startsWith("farm restarted");
            });
            JsonNode status = TestFarm.json(again.get("/admin/status"));
            assertThat(status.at("/ground_truth/restored/ledger_entries").asInt())
                    .isEqualTo(ledgerBefore.path("total").asInt());
            assertThat(status.at("/ledger/commits").asLong())
                    .isEqualTo(ledgerBefore.path("entries").findValues("commits").stream()
                            .mapToLong(JsonNode::asLong)
                            .sum());
            // Commits go on from the restored entries: op-a committed again (under a fresh key) is now a duplicate.
            assertThat(stripeCreate(again, "op-a").statusCode()).isEqualTo(200);
            JsonNode dups =
                    TestFarm.json(again.get("/admin/ledger?duplicates=true")).path("entries");
            assertThat(dups).hasSize(1);
            assertThat(dups.get(0).path("op_id").asText()).isEqualTo("op-a");
            assertThat(dups.get(0).path("commits").asInt()).isEqualTo(2);
        }
    }

    @Test
    void shouldHaveEveryAnsweredWriteOnDiskWhileTheFarmStillRuns() {
        // What a kill -9 leaves: the file as written so far, read by a second farm while the first never closed.
        try (TestFarm running = start()) {
            writes(running);
            JsonNode expected = TestFarm.json(running.get("/admin/ledger"));
            Path copy = data.resolveSibling(data.getFileName() + "-copy");
            copyFolder(data, copy);
            try (TestFarm reader = TestFarm.start(FarmConfig.builder().dataDir(copy))) {
                assertThat(TestFarm.json(reader.get("/admin/ledger"))).isEqualTo(expected);
            }
        }
    }

    @Test
    void shouldRefuseASecondFarmOnTheSameDataFolder() {
        try (TestFarm first = start()) {
            org.assertj.core.api.Assertions.assertThatThrownBy(this::start)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("in use by another farm");
            assertThat(first.get("/admin/status").statusCode()).isEqualTo(200);
        }
        try (TestFarm after = start()) {
            assertThat(after.get("/admin/status").statusCode())
                    .as("the folder is free again once the first farm stopped")
                    .isEqualTo(200);
        }
    }

    @Test
    void shouldClearTheStoredLedgerAndFaultLogOnReset() {
        try (TestFarm farm = start()) {
            writes(farm);
            assertThat(farm.postJson("/admin/reset", "").statusCode()).isEqualTo(200);
        }
        try (TestFarm again = start()) {
            assertThat(TestFarm.json(again.get("/admin/ledger")).path("total").asInt())
                    .isZero();
            assertThat(TestFarm.json(again.get("/admin/faults")).path("total").asInt())
                    .isZero();
            assertThat(TestFarm.json(again.get("/admin/faults")).path("entries"))
                    .as("no restart note after a reset: nothing was restored")
                    .isEmpty();
        }
    }

    @Test
    void shouldSkipALineTornByACrashAndKeepEverythingBeforeIt() throws IOException {
        try (TestFarm farm = start()) {
            assertThat(stripeCreate(farm, "op-torn-1").statusCode()).isEqualTo(200);
        }
        Files.writeString(
                data.resolve(FarmServer.LEDGER_FILE), "{\"e\":\"commit\",\"s\":\"stripe_mo", StandardOpenOption.APPEND);
        try (TestFarm again = start()) {
            JsonNode ledger = TestFarm.json(again.get("/admin/ledger"));
            assertThat(ledger.path("total").asInt()).isEqualTo(1);
            assertThat(ledger.at("/entries/0/op_id").asText()).isEqualTo("op-torn-1");
        }
    }

    @Test
    void shouldKeepTheCountsOfFaultsTheLogNoLongerHoldsAfterCompaction() {
        try (TestFarm farm = start()) {
            for (int i = 0; i < 3; i++) {
                farm.postJson(
                        "/admin/faults/script",
                        "{\"service\":\"stripe_mock\",\"type\":\"server_error\",\"status\":503}");
                assertThat(farm.get("/api/stripe/v1/customers?limit=1", "Authorization", "Bearer " + STRIPE_KEY)
                                .statusCode())
                        .isEqualTo(503);
            }
        }
        // Two restarts: the second reads the file the first compacted.
        try (TestFarm again = start()) {
            assertThat(TestFarm.json(again.get("/admin/status")).at("/services").findValues("faults_total").stream()
                            .mapToLong(JsonNode::asLong)
                            .sum())
                    .isEqualTo(3);
        }
        try (TestFarm third = start()) {
            JsonNode stripe = null;
            for (JsonNode s : TestFarm.json(third.get("/admin/status")).path("services"))
                if (s.path("id").asText().equals("stripe_mock")) stripe = s;
            assertThat(stripe.at("/faults/server_error").asLong()).isEqualTo(3);
        }
    }

    /** A keyed Stripe create, a Mongo upsert applied twice (one commit, one reapply) and one scripted 503. */
    private static void writes(TestFarm farm) {
        assertThat(stripeCreate(farm, "op-a").statusCode()).isEqualTo(200);
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> upsert = farm.postJson(
                    MONGO + "updateOne",
                    "{" + TARGET + ",\"filter\":{\"external_id\":\"op-m\"},"
                            + "\"update\":{\"$set\":{\"name\":\"Ada\",\"external_id\":\"op-m\"}},\"upsert\":true}",
                    "apiKey",
                    "mdb-gauntlet-key");
            assertThat(upsert.statusCode()).as(upsert.body()).isEqualTo(200);
        }
        farm.postJson("/admin/faults/script", "{\"service\":\"stripe_mock\",\"type\":\"server_error\",\"status\":503}");
        assertThat(farm.get("/api/stripe/v1/customers?limit=1", "Authorization", "Bearer " + STRIPE_KEY)
                        .statusCode())
                .isEqualTo(503);
        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger"));
        assertThat(ledger.path("entries").findValues("reapplied").stream()
                        .mapToInt(JsonNode::asInt)
                        .sum())
                .isEqualTo(1);
    }

    private static HttpResponse<String> stripeCreate(TestFarm farm, String opId) {
        return farm.postForm(
                "/api/stripe/v1/customers",
                "name=Ada&metadata[op_id]=" + opId,
                "Authorization",
                "Bearer " + STRIPE_KEY,
                "Idempotency-Key",
                "key-" + opId + "-" + System.nanoTime());
    }

    private static void copyFolder(Path from, Path to) {
        try {
            Files.createDirectories(to);
            try (var files = Files.list(from)) {
                for (Path f : files.toList()) Files.copy(f, to.resolve(f.getFileName()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
