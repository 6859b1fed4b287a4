package dev.gauntlet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code gauntlet farm --data DIR} killed with SIGKILL mid-run and started again on the same folder: every write it
 * answered is still in its ledger (a real process, a real kill -9).
 */
class FarmRestartTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    Process startFarm(int port) throws IOException {
        return GauntletProcesses.start(
                data, "farm", "farm", "--port", Integer.toString(port), "--data", data.toString());
    }

    @Test
    void shouldKeepEveryAnsweredWriteInTheLedgerWhenKilledAndRestarted() throws Exception {
        int port = GauntletProcesses.freePort();
        String url = "http://127.0.0.1:" + port;
        try (HttpClient http = HttpClient.newHttpClient()) {
            Process first = startFarm(port);
            Process second = null;
            try {
                awaitUp(http, url);
                int answered = 0;
                for (int i = 0; i < 200; i++) {
                    HttpResponse<String> r = http.send(
                            HttpRequest.newBuilder(URI.create(url + "/api/stripe/v1/customers"))
                                    .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                                    .header("Content-Type", "application/x-www-form-urlencoded")
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "name=n" + i + "&metadata[op_id]=op-kill-" + i))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) answered++;
                }
                assertThat(answered).isEqualTo(200);
                first.destroyForcibly().waitFor();

                second = startFarm(port);
                awaitUp(http, url);
                JsonNode ledger = JSON.readTree(http.send(
                                HttpRequest.newBuilder(URI.create(url + "/admin/ledger?service=stripe_mock"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(ledger.path("total").asInt()).isEqualTo(200);
                assertThat(ledger.path("duplicates").asInt()).isZero();
                JsonNode status = JSON.readTree(http.send(
                                HttpRequest.newBuilder(URI.create(url + "/admin/status"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(status.at("/ground_truth/restored/ledger_entries").asInt())
                        .isEqualTo(200);
            } finally {
                first.destroyForcibly();
                if (second != null) second.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void shouldGiveTheFarmItsDataFolderFromFarmAndFromUp() {
        CommandLine cli = GauntletCli.commandLine();
        FarmCommand farm = (FarmCommand) cli.parseArgs("farm", "--data", data.toString())
                .subcommand()
                .commandSpec()
                .userObject();
        assertThat(farm.data).isEqualTo(data);
        assertThat(farm.farm
                        .options
                        .toConfig(farm.spec, "127.0.0.1", 0, farm.data)
                        .build()
                        .dataDir())
                .isEqualTo(data);
        FarmCommand memory = (FarmCommand) GauntletCli.commandLine()
                .parseArgs("farm")
                .subcommand()
                .commandSpec()
                .userObject();
        assertThat(memory.data).isNull();
        assertThat(CliRun.of("farm", "--help").out()).contains("--data");
    }

    private static void awaitUp(HttpClient http, String url) {
        GauntletProcesses.awaitFarm(http, url);
    }
}
