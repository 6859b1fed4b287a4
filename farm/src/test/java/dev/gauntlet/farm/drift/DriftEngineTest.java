package dev.gauntlet.farm.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.spec.DriftRule;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DriftEngineTest {

    private final FakeClock clock = new FakeClock();
    private final ObjectMapper json = new ObjectMapper();

    private ObjectNode record() throws Exception {
        return (ObjectNode) json.readTree("{\"Id\":\"001\",\"account_name\":\"Acme\",\"revenue\":12.5,\"rank\":\"7\"}");
    }

    @Test
    void shouldRenameAFieldInPlaceAfterNCalls() throws Exception {
        DriftEngine drift = new DriftEngine(
                List.of(new DriftRule(
                        null, "Account", 50L, null, null, Map.of("account_name", "name"), null, null, null)),
                clock);
        drift.onRequest(50);
        assertThat(drift.apply("Account", record()).has("account_name")).isTrue();
        drift.onRequest(51);
        ObjectNode out = drift.apply("Account", record());
        assertThat(out.has("account_name")).isFalse();
        assertThat(out.get("name").asText()).isEqualTo("Acme");
        assertThat(out.fieldNames()).toIterable().containsExactly("Id", "name", "revenue", "rank");
    }

    @Test
    void shouldLeaveOtherResourcesAlone() throws Exception {
        DriftEngine drift = new DriftEngine(
                List.of(new DriftRule(
                        null, "Account", 0L, null, null, Map.of("account_name", "name"), null, null, null)),
                clock);
        drift.onRequest(1);
        ObjectNode original = record();
        assertThat(drift.apply("Contact", original)).isSameAs(original);
    }

    @Test
    void shouldFireAfterTheConfiguredSeconds() throws Exception {
        DriftEngine drift = new DriftEngine(
                List.of(new DriftRule(null, null, null, 120L, null, null, List.of("revenue"), null, null)), clock);
        clock.advance(Duration.ofSeconds(119));
        drift.onRequest(1);
        assertThat(drift.activeCount()).isZero();
        clock.advance(Duration.ofSeconds(1));
        drift.onRequest(2);
        assertThat(drift.apply("Account", record()).has("revenue")).isFalse();
    }

    @Test
    void shouldFireAManualRuleOnlyOnDemand() throws Exception {
        DriftEngine drift = new DriftEngine(
                List.of(new DriftRule(
                        "typed",
                        null,
                        null,
                        null,
                        true,
                        null,
                        null,
                        Map.of("region", "country"),
                        Map.of("rank", "int", "revenue", "string"))),
                clock);
        drift.onRequest(1_000_000);
        assertThat(drift.activeCount()).isZero();
        assertThat(drift.fire(0)).isTrue();
        ObjectNode out = drift.apply("Account", record());
        assertThat(out.get("rank").isIntegralNumber()).isTrue();
        assertThat(out.get("revenue").isTextual()).isTrue();
        assertThat(out.get("region").asText()).hasSize(2);
        assertThat(drift.states().getFirst().firedAt()).isEqualTo(clock.instant());
    }

    @Test
    void shouldRefuseARuleWithoutExactlyOneTrigger() {
        assertThatThrownBy(() -> new DriftRule(null, null, null, null, null, Map.of("a", "b"), null, null, null))
                .hasMessageContaining("exactly one trigger");
        assertThatThrownBy(() -> new DriftRule(null, null, 1L, 2L, null, Map.of("a", "b"), null, null, null))
                .hasMessageContaining("had 2");
    }

    @Test
    void shouldStartOverWhenReset() throws Exception {
        DriftEngine drift = new DriftEngine(
                List.of(new DriftRule(null, null, 0L, null, null, Map.of("account_name", "name"), null, null, null)),
                clock);
        drift.onRequest(1);
        drift.reset();
        assertThat(drift.apply("Account", record()).has("account_name")).isTrue();
    }
}
