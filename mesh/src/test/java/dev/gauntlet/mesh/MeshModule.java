package dev.gauntlet.mesh;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;

/**
 * The mesh's exported packages as its compiled {@code module-info} says: the one list of them, which the layering
 * tests of the mesh and of its users (server, harness, cli) read.
 */
public final class MeshModule {

    private MeshModule() {}

    /** The packages {@code module dev.gauntlet.mesh} exports, read from the module-info.class next to {@link Mesh}. */
    public static Set<String> exportedPackages() {
        try {
            Path where = Path.of(URI.create(Mesh.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toString()));
            ModuleDescriptor d;
            if (Files.isDirectory(where)) {
                try (InputStream in = Files.newInputStream(where.resolve("module-info.class"))) {
                    d = ModuleDescriptor.read(in);
                }
            } else {
                try (JarFile jar = new JarFile(where.toFile());
                        InputStream in = jar.getInputStream(jar.getEntry("module-info.class"))) {
                    d = ModuleDescriptor.read(in);
                }
            }
            var out = new TreeSet<String>();
            d.exports().forEach(e -> {
                if (!e.isQualified()) out.add(e.source());
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("the mesh's module-info.class cannot be read", e);
        }
    }
}
