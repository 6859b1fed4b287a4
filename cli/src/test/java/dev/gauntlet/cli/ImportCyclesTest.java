package dev.gauntlet.cli;

import dev.gauntlet.farm.ImportCycles;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * No import cycle between any two packages of any module, its root package included (the farm and the mesh check their
 * own in their modules too; this is the one place that sees every module's classes at once).
 */
class ImportCyclesTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "dev.gauntlet.http",
                "dev.gauntlet.farm",
                "dev.gauntlet.mesh",
                "dev.gauntlet.harness",
                "dev.gauntlet.server",
                "dev.gauntlet.cli"
            })
    void shouldHaveNoImportCycleInTheModule(String root) {
        ImportCycles.assertNone(root);
    }
}
