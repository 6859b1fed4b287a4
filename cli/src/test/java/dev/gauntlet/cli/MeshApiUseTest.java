package dev.gauntlet.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.gauntlet.mesh.MeshModule;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mesh's users in this project - the server, the harness and the cli - use it as any user would: only the
 * packages its module-info exports (read from the compiled descriptor, the one list of them), never its machinery.
 */
class MeshApiUseTest {

    @Test
    void shouldUseOnlyTheMeshsExportedPackagesFromTheServerHarnessAndCli() {
        JavaClasses users = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.gauntlet.server", "dev.gauntlet.harness", "dev.gauntlet.cli");
        Set<String> exported = MeshModule.exportedPackages();
        DescribedPredicate<JavaClass> notExported = DescribedPredicate.describe(
                "a mesh class outside the exported packages " + exported,
                c -> c.getPackageName().startsWith("dev.gauntlet.mesh") && !exported.contains(c.getPackageName()));
        noClasses().should().dependOnClassesThat(notExported).check(users);
    }
}
