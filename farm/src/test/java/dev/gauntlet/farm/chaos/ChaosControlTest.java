package dev.gauntlet.farm.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.farm.FakeClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosControlTest {

    private final FakeClock clock = new FakeClock();
    private final ChaosControl chaos = new ChaosControl(ChaosCatalog.builtIn(), clock);

    @Test
    void shouldStartCalm() {
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("calm");
    }

    @Test
    void shouldApplyAGlobalLevelToEveryService() {
        chaos.set("storm", List.of(), null);
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("storm");
        assertThat(chaos.levelFor("github_mock").name()).isEqualTo("storm");
    }

    @Test
    void shouldOverrideOneServiceWithoutTouchingTheOthers() {
        chaos.set("mild", List.of(), null);
        chaos.set("hell", List.of("stripe_mock"), null);
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("hell");
        assertThat(chaos.levelFor("github_mock").name()).isEqualTo("mild");
    }

    @Test
    void shouldReturnToThePreviousLevelWhenTheDurationEnds() {
        chaos.set("mild", List.of(), null);
        chaos.set("hell", List.of("stripe_mock"), Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(59));
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("hell");
        clock.advance(Duration.ofSeconds(1));
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("mild");
    }

    @Test
    void shouldGiveOverridesBackWhenATimedGlobalLevelEnds() {
        chaos.set("storm", List.of("stripe_mock"), null);
        chaos.set("hell", List.of(), Duration.ofSeconds(10));
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("hell");
        assertThat(chaos.levelFor("github_mock").name()).isEqualTo("hell");
        clock.advance(Duration.ofSeconds(10));
        assertThat(chaos.levelFor("stripe_mock").name()).isEqualTo("storm");
        assertThat(chaos.levelFor("github_mock").name()).isEqualTo("calm");
    }

    @Test
    void shouldRefuseAnUnknownLevelNamingTheKnownOnes() {
        assertThatThrownBy(() -> chaos.set("apocalypse", List.of(), null))
                .hasMessageContaining("apocalypse")
                .hasMessageContaining("storm");
    }

    @Test
    void shouldRecordEveryChangeInTheHistory() {
        chaos.set("storm", List.of("a"), Duration.ofSeconds(5));
        assertThat(chaos.history()).singleElement().satisfies(c -> {
            assertThat(c.level()).isEqualTo("storm");
            assertThat(c.services()).containsExactly("a");
            assertThat(c.durationS()).isEqualTo(5);
        });
    }
}
