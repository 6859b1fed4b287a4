package dev.gauntlet.farm;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/**
 * The rule "no import cycle between any two packages under a root package", the root package itself included (a
 * slice per package, not per first-level subpackage, so {@code a} and {@code a.b} are two slices). Any module's test
 * can use it through the farm's test jar: {@code ImportCycles.assertNone("dev.gauntlet.mesh")}.
 */
public final class ImportCycles {
    private ImportCycles() {}

    /** The rule for the packages at and under {@code root}. */
    public static ArchRule rule(String root) {
        return slices().assignedFrom(packagesUnder(root)).should().beFreeOfCycles();
    }

    /** Fails, naming every cycle with the classes and lines that make it, when the main classes under {@code root} have one. */
    public static void assertNone(String root) {
        rule(root).check(mainClasses(root));
    }

    /** The production classes at and under {@code root} (test classes left out: tests may reach across packages). */
    public static JavaClasses mainClasses(String root) {
        return new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                // A module's test jar on another module's class path (a full `verify` puts the packaged jars there,
                // not target/test-classes, which DO_NOT_INCLUDE_TESTS alone knows) holds tests too.
                .withImportOption(location -> !location.contains("-tests.jar"))
                .importPackages(root);
    }

    /** One slice per package at or under {@code root}; classes elsewhere (the JDK, libraries) belong to none. */
    static SliceAssignment packagesUnder(String root) {
        return new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                String pkg = javaClass.getPackageName();
                // The root package is a slice like the others: a cycle through it is a cycle too.
                return pkg.equals(root) || pkg.startsWith(root + ".")
                        ? SliceIdentifier.of(pkg)
                        : SliceIdentifier.ignore();
            }

            @Override
            public String getDescription() {
                return "every package at or under " + root;
            }
        };
    }
}
