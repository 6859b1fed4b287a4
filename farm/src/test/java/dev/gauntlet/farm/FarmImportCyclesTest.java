package dev.gauntlet.farm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The farm's packages, the root package included, import each other without a cycle. */
class FarmImportCyclesTest {

    @Test
    void noPackageOfTheFarmIsPartOfAnImportCycle() {
        ImportCycles.assertNone("dev.gauntlet.farm");
    }

    /** The rule can fail, and counts the root package as a slice: cyclefixture imports cyclefixture.below and back. */
    @Test
    void aCycleThroughTheRootPackageIsFound() {
        var fixture = new ClassFileImporter().importPackages("dev.gauntlet.farm.cyclefixture");
        assertThatThrownBy(() ->
                        ImportCycles.rule("dev.gauntlet.farm.cyclefixture").check(fixture))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Cycle detected: Slice dev.gauntlet.farm.cyclefixture -> ")
                .hasMessageContaining("Slice dev.gauntlet.farm.cyclefixture.below");
    }
}
