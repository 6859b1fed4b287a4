package dev.gauntlet.harness.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.auth.AuthConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConnectorsFileTest {

    @Test
    void shouldReadTheSixBuiltInConnectorsPointedAtAFarm() {
        var all = ConnectorsFile.builtIn("http://127.0.0.1:8001/");
        assertThat(all)
                .extracting(e -> e.spec().id())
                .containsExactly(
                        "salesforce_mock",
                        "mongodb_mock",
                        "stripe_mock",
                        "github_mock",
                        "supabase_mock",
                        "datadog_mock");
        var sf = all.getFirst().spec();
        assertThat(sf.baseUrl()).hasToString("http://127.0.0.1:8001/api/salesforce");
        assertThat(sf.auth()).isInstanceOfSatisfying(AuthConfig.OAuth2.class, o -> {
            assertThat(o.defaultTtl()).isEqualTo(Duration.ofSeconds(120));
            assertThat(o.tokenUrl()).isEqualTo("http://127.0.0.1:8001/api/salesforce/services/oauth2/token");
        });
        assertThat(sf.limit().burst()).isEqualTo(50);
        assertThat(sf.circuit())
                .as("sections not named keep the defaults")
                .isEqualTo(dev.gauntlet.mesh.circuit.CircuitConfig.DEFAULT);
        assertThat(sf.retry().maxAttempts())
                .as("fields not named keep the defaults")
                .isEqualTo(dev.gauntlet.mesh.retry.RetryConfig.DEFAULT.maxAttempts());
        assertThat(all.get(5).spec().idempotency().enabled()).isFalse();
        assertThat(all.get(5).service()).isEqualTo("datadog_mock");
    }

    @Test
    void shouldRefuseAKeyGivenTwiceInsteadOfLettingTheSecondWin() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConnectorsFile.parse(
                        "connectors:\n  - id: x\n    base_url: 'http://h'\n    timeouts: { total: 5s }\n    timeouts: { attempt: 1s }\n",
                        "f",
                        "t.yaml"))
                .hasMessageContaining("timeouts");
    }

    @Test
    void shouldReadTheLatencySettingsOfTheBuiltInConnectors() {
        var c = ConnectorsFile.builtIn("http://127.0.0.1:8001").getFirst().spec();
        assertThat(c.timeouts().adaptive()).isTrue();
        assertThat(c.retry().maxWait()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.staleReads()).isTrue();
    }

    @Test
    void shouldLayASectionOverTheDefaults() {
        var e = ConnectorsFile.parse("""
                connectors:
                  - id: x
                    base_url: http://h
                    retry: { max_attempts: 7, max_delay: 2m }
                    timeouts: { attempt: 1500ms }
                """, "http://f", "t.yaml").getFirst();
        assertThat(e.spec().retry().maxAttempts()).isEqualTo(7);
        assertThat(e.spec().retry().maxDelay()).isEqualTo(Duration.ofMinutes(2));
        assertThat(e.spec().retry().baseDelay()).isEqualTo(dev.gauntlet.mesh.retry.RetryConfig.DEFAULT.baseDelay());
        assertThat(e.spec().timeouts().attempt()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void shouldReadTheDlqReadBackDelayAndKeepItsDefaultOtherwise() {
        var zero = ConnectorsFile.parse(
                        "connectors:\n  - { id: x, base_url: 'http://h', dlq: { read_back_after: 0s } }\n",
                        "f",
                        "t.yaml")
                .getFirst();
        assertThat(zero.spec().dlq().readBackAfter()).isZero();
        assertThat(zero.spec().dlq().baseDelay()).isEqualTo(dev.gauntlet.mesh.dlq.DlqConfig.DEFAULT.baseDelay());
        var unset = ConnectorsFile.parse("connectors:\n  - { id: x, base_url: 'http://h' }\n", "f", "t.yaml")
                .getFirst();
        assertThat(unset.spec().dlq().readBackAfter()).isEqualTo(dev.gauntlet.mesh.dlq.DlqConfig.READ_BACK_AFTER);
        // The farm shows a commit at once; its built-in Datadog connector says so.
        assertThat(ConnectorsFile.builtIn("http://f").stream()
                        .filter(e -> e.spec().id().equals("datadog_mock"))
                        .findFirst()
                        .orElseThrow()
                        .spec()
                        .dlq()
                        .readBackAfter())
                .isZero();
        assertThatThrownBy(() -> parse("    dlq: { read_back_after: -1s }"))
                .hasMessageContaining("(x): ")
                .hasMessageContaining("read_back_after");
    }

    @Test
    void shouldNameTheConnectorAndTheFieldOfEveryMistake() {
        assertThatThrownBy(() -> parse("    limit: { burst: 0 }"))
                .hasMessage("t.yaml: connectors[0] (x): limit.burst must be ≥ 1, was 0");
        assertThatThrownBy(() -> parse("    limits: {}"))
                .hasMessageContaining("connectors[0] (x): unknown field 'limits', expected one of");
        assertThatThrownBy(() -> parse("    retry: { max_atempts: 3 }"))
                .hasMessageContaining("(x): retry.max_atempts")
                .hasMessageContaining("Unrecognized field");
        assertThatThrownBy(() -> parse("    timeouts: { attempt: soon }"))
                .hasMessageContaining("a duration must look like 500ms");
        // Removed: it was never read (the connect timeout is the mesh's one HTTP client's); a file naming it is told
        // so.
        assertThatThrownBy(() -> parse("    timeouts: { connect: 2s }"))
                .hasMessageContaining("(x): timeouts.connect")
                .hasMessageContaining("Unrecognized field");
        assertThatThrownBy(() -> parse("    auth: { type: kerberos }"))
                .hasMessageContaining("auth.type must be none, api_key or oauth2, was 'kerberos'");
        assertThatThrownBy(() -> parse("    auth: { type: api_key, header: X-Key, key: ${env:GAUNTLET_SURELY_UNSET} }"))
                .hasMessage("t.yaml: ${env:GAUNTLET_SURELY_UNSET} is not set in the environment");
        assertThatThrownBy(() -> ConnectorsFile.parse(
                        "connectors:\n  - { id: x, base_url: 'http://h' }\n  - { id: x, base_url: 'http://h' }\n",
                        "f",
                        "t.yaml"))
                .hasMessageContaining("connectors[1] (x): id 'x' is used twice");
        assertThatThrownBy(() -> ConnectorsFile.parse("connector: []", "f", "t.yaml"))
                .hasMessageContaining("expected a top-level 'connectors:' list");
    }

    @Test
    void shouldRedactSecretsWhenReadBack() {
        var all = ConnectorsFile.builtIn("http://127.0.0.1:8001");
        String shown = all.stream().map(ConnectorsFile::redacted).toList().toString();
        assertThat(shown)
                .doesNotContain(
                        "gauntlet-secret",
                        "sk_test_gauntlet",
                        "mdb-gauntlet-key",
                        "dd-gauntlet-api-key",
                        "-w48Aq2RPFe7n01nPi29ChDymSPFVHkMhDJzo_0UdR4");
        assertThat(shown).contains("***", "salesforce_mock");
    }

    private static Object parse(String extra) {
        return ConnectorsFile.parse(
                "connectors:\n  - id: x\n    base_url: http://h\n" + extra + "\n", "http://f", "t.yaml");
    }
}
