package dev.gauntlet.mesh;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mesh's layers (docs/mesh.md, "Layers"): no import cycle between any two of its packages, the root included;
 * the pipeline a leaf that knows only the values of a call; the machinery under {@code internal} never imports the facade; the exported packages - read from the module
 * descriptor, the one list of them - never import the machinery, so a user's view of them is whole.
 */
class LayersTest {

    private static final JavaClasses MESH = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.gauntlet.mesh");

    @Test
    void shouldHaveNoImportCycleBetweenAnyTwoPackagesRootIncluded() {
        // "(**)" captures the whole package name after dev.gauntlet: each package is a slice of its own, the root too.
        slices().matching("dev.gauntlet.(**)").should().beFreeOfCycles().check(MESH);
    }

    @Test
    void shouldKeepThePipelineALeafThatKnowsOnlyTheValuesOfACall() {
        classes()
                .that()
                .resideInAPackage("dev.gauntlet.mesh.pipeline")
                .should()
                .onlyDependOnClassesThat()
                .resideInAnyPackage("dev.gauntlet.mesh.pipeline", "dev.gauntlet.mesh.call", "java..")
                .check(MESH);
    }

    @Test
    void shouldKeepTheMachineryFromImportingTheFacade() {
        noClasses()
                .that()
                .resideInAPackage("dev.gauntlet.mesh.internal..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.gauntlet.mesh")
                .check(MESH);
    }

    @Test
    void shouldKeepTheExportedPackagesFromImportingTheMachinery() {
        Set<String> exported = MeshModule.exportedPackages();
        noClasses()
                .that()
                .resideInAnyPackage(exported.toArray(String[]::new))
                .and()
                .resideOutsideOfPackage("dev.gauntlet.mesh")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("dev.gauntlet.mesh.internal..")
                .check(MESH);
    }

    @Test
    void shouldExportNoInternalPackage() {
        assertThat(MeshModule.exportedPackages())
                .contains("dev.gauntlet.mesh", "dev.gauntlet.mesh.call", "dev.gauntlet.mesh.vendor")
                .noneMatch(p -> p.contains(".internal"));
    }
}
