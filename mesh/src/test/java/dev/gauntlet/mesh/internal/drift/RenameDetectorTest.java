package dev.gauntlet.mesh.internal.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.drift.DriftConfig;
import dev.gauntlet.mesh.drift.FieldType;
import dev.gauntlet.mesh.internal.drift.RenameDetector.Field;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rename detector's scores on hand-made fields. */
class RenameDetectorTest {

    static Field f(String name, FieldType type, String... values) {
        return new Field(name, type, List.of(values));
    }

    @Test
    void shouldBeConfidentWhenNamesAreSimilarTypesMatchAndValuesOverlap() {
        var renames = RenameDetector.pair(
                List.of(f("account_name", FieldType.string, "Acme Corp", "Globex", "Initech")),
                List.of(f("name", FieldType.string, "Globex", "Initech")));

        assertThat(renames).singleElement().satisfies(r -> {
            assertThat(r.from()).isEqualTo("account_name");
            assertThat(r.to()).isEqualTo("name");
            assertThat(r.confidence()).isGreaterThan(0.85);
            assertThat(r.valueScore()).isEqualTo(1.0);
            assertThat(r.mutualBest()).isTrue();
        });
    }

    @Test
    void shouldStayBelowTheDefaultThresholdWhenFieldsAreUnrelated() {
        var renames = RenameDetector.pair(
                List.of(f("industry", FieldType.string, "mining", "retail", "banking")),
                List.of(f("color", FieldType.string, "teal", "orange", "mauve")));

        assertThat(renames).allSatisfy(r -> assertThat(r.confidence()).isLessThan(DriftConfig.DEFAULT.threshold()));
        assertThat(RenameDetector.confidence(
                        f("industry", FieldType.string, "mining"), f("color", FieldType.string, "teal")))
                .isLessThan(0.6);
    }

    @Test
    void shouldScoreLowWhenOnlyTheValuesOfTwoFlagsOverlap() {
        double c = RenameDetector.confidence(
                f("is_active", FieldType.bool, "true", "false"), f("deleted", FieldType.bool, "true", "false"));

        assertThat(c).isLessThan(0.7);
    }

    @Test
    void shouldPairTwoSimultaneousRenamesOneToOne() {
        var renames = RenameDetector.pair(
                List.of(
                        f("account_name", FieldType.string, "Acme Corp", "Globex"),
                        f("BillingCity", FieldType.string, "Paris", "Oslo")),
                List.of(
                        f("city", FieldType.string, "Oslo", "Paris"),
                        f("name", FieldType.string, "Acme Corp", "Globex")));

        assertThat(renames).hasSize(2);
        assertThat(renames).anySatisfy(r -> {
            assertThat(r.from()).isEqualTo("account_name");
            assertThat(r.to()).isEqualTo("name");
            assertThat(r.confidence()).isGreaterThanOrEqualTo(0.7);
        });
        assertThat(renames).anySatisfy(r -> {
            assertThat(r.from()).isEqualTo("BillingCity");
            assertThat(r.to()).isEqualTo("city");
            assertThat(r.confidence()).isGreaterThanOrEqualTo(0.7);
        });
    }

    @Test
    void shouldLeaveTheThirdFieldUnpairedWhenTwoWentAndOneCame() {
        var renames = RenameDetector.pair(
                List.of(
                        f("account_name", FieldType.string, "Acme Corp"),
                        f("AnnualRevenue", FieldType.number, "1200.5")),
                List.of(f("name", FieldType.string, "Acme Corp")));

        assertThat(renames).singleElement().satisfies(r -> assertThat(r.from()).isEqualTo("account_name"));
    }

    @Test
    void shouldTreatCaseStylesOfTheSameWordsAsTheSameName() {
        assertThat(RenameDetector.nameSimilarity("AccountName", "account_name")).isEqualTo(1.0);
        assertThat(RenameDetector.nameSimilarity("account_name", "name")).isGreaterThan(0.6);
        assertThat(RenameDetector.nameSimilarity("industry", "color")).isLessThan(0.2);
    }

    @Test
    void shouldLowerTheConfidenceWhenTheTypeChangedToo() {
        double same =
                RenameDetector.confidence(f("amount", FieldType.number, "12"), f("amount_due", FieldType.number, "12"));
        double retyped =
                RenameDetector.confidence(f("amount", FieldType.number, "12"), f("amount_due", FieldType.bool, "true"));

        assertThat(retyped).isLessThan(same - 0.2);
    }
}
