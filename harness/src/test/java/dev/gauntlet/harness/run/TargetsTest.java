package dev.gauntlet.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.harness.connectors.ConnectorsFile;
import java.net.http.HttpClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The baselines {@code --compare} names: parsed in order, refused with the accepted names, each built on the connectors. */
class TargetsTest {

    @Test
    void shouldReadCommaSeparatedBaselinesInTheirOrder() {
        assertThat(Targets.baselines("naive")).containsExactly("naive");
        assertThat(Targets.baselines("naive-retry, naive")).containsExactly("naive-retry", "naive");
        assertThat(Targets.baselines(List.of("naive", "naive-retry", "naive-keyed")))
                .containsExactly("naive", "naive-retry", "naive-keyed");
    }

    @Test
    void shouldRefuseAnUnknownEmptyOrRepeatedBaselineNamingTheAcceptedOnes() {
        assertThatThrownBy(() -> Targets.baselines("naive,smart"))
                .hasMessageStartingWith("unknown baseline 'smart'; accepted: naive, naive-retry, naive-keyed");
        assertThatThrownBy(() -> Targets.baselines("naive,"))
                .hasMessageStartingWith("an empty baseline name; accepted: naive, naive-retry");
        assertThatThrownBy(() -> Targets.baselines("")).hasMessageStartingWith("an empty baseline name");
        assertThatThrownBy(() -> Targets.baselines(List.of()))
                .hasMessageStartingWith("names no baseline; accepted: naive");
        assertThatThrownBy(() -> Targets.baselines("naive,naive")).hasMessage("baseline 'naive' is named twice");
    }

    @Test
    void shouldBuildEachBaselineUnderItsNameOnEveryConnector() {
        var connectors = ConnectorsFile.builtIn("http://127.0.0.1:1");
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String name : Targets.BASELINES) {
                RunTarget t = Targets.baseline(name, connectors, http);
                assertThat(t.label()).isEqualTo(name);
                assertThat(t.connectorIds()).hasSize(6);
                assertThat(t.probe()).isSameAs(MeshProbe.NONE);
            }
            assertThatThrownBy(() -> Targets.baseline("mesh", connectors, http))
                    .hasMessageContaining("baseline must be one of");
        }
    }
}
