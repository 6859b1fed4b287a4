package dev.gauntlet.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/mesh.md's "Use it" example is a whole program: it is compiled here against the mesh, so it cannot drift from the API. */
class DocsExampleTest {

    private static final Pattern FIRST_JAVA_BLOCK =
            Pattern.compile("## Use it\\n.*?```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void shouldCompileTheUseItExampleOfDocsMeshMd(@TempDir Path dir) throws Exception {
        // Surefire runs in the module's folder.
        String doc = Files.readString(Path.of("..", "docs", "mesh.md"));
        var m = FIRST_JAVA_BLOCK.matcher(doc);
        assertThat(m.find())
                .as("a java block under '## Use it' in docs/mesh.md")
                .isTrue();
        Path source = dir.resolve("Billing.java");
        Files.writeString(source, m.group(1));

        var javac = ToolProvider.getSystemJavaCompiler();
        List<String> args =
                new ArrayList<>(List.of("-d", dir.resolve("classes").toString(), "-cp", classPath(), "-proc:none"));
        args.add(source.toString());
        int rc = javac.run(null, null, null, args.toArray(String[]::new));
        assertThat(rc).as("javac of docs/mesh.md's example (errors on stderr)").isZero();
        assertThat(Files.exists(dir.resolve("classes").resolve("Billing.class")))
                .isTrue();
    }

    /** Where the mesh and the libraries its API shows (Jackson) were loaded from: surefire's own class path is one jar. */
    private static String classPath() throws URISyntaxException, IOException {
        Set<String> entries = new LinkedHashSet<>();
        for (Class<?> c : List.of(
                Mesh.class,
                JsonNode.class,
                com.fasterxml.jackson.core.TreeNode.class,
                com.fasterxml.jackson.annotation.JsonAnyGetter.class,
                io.micrometer.core.instrument.binder.MeterBinder.class)) {
            entries.add(Path.of(c.getProtectionDomain()
                            .getCodeSource()
                            .getLocation()
                            .toURI())
                    .toString());
        }
        return String.join(File.pathSeparator, entries);
    }
}
