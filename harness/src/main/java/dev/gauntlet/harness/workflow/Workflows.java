package dev.gauntlet.harness.workflow;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Supplier;

/**
 * Every workflow a run can use: the built-ins and Java ones found with {@link ServiceLoader}, plus YAML step
 * workflows from a folder. {@link #create} gives a fresh instance per run.
 */
public final class Workflows {

    private final Map<String, Supplier<Workflow>> byName = new LinkedHashMap<>();
    private final Map<String, String> descriptions = new LinkedHashMap<>();

    private Workflows() {}

    /** Java workflows on the class path, then {@code *.yaml} step workflows in {@code folder} (may be null). */
    public static Workflows discover(Path folder) throws IOException {
        Workflows w = new Workflows();
        for (ServiceLoader.Provider<Workflow> p :
                ServiceLoader.load(Workflow.class).stream().toList()) {
            Workflow sample = p.get();
            w.add(sample.name(), sample.description(), p::get);
        }
        if (folder != null && Files.isDirectory(folder)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.{yaml,yml}")) {
                for (Path f : files) {
                    StepWorkflow s = StepWorkflow.load(f);
                    w.add(s.name(), s.description(), () -> s);
                }
            }
        }
        return w;
    }

    public static Workflows builtIn() {
        try {
            return discover(null);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void add(String name, String description, Supplier<Workflow> factory) {
        if (byName.containsKey(name)) throw new IllegalArgumentException("two workflows are named '" + name + "'");
        byName.put(name, factory);
        descriptions.put(name, description);
    }

    public Workflow create(String name) {
        Supplier<Workflow> f = byName.get(name);
        if (f == null)
            throw new IllegalArgumentException(
                    "unknown workflow '" + name + "'; known: " + List.copyOf(byName.keySet()));
        return f.get();
    }

    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /** Name → one-line description. */
    public Map<String, String> descriptions() {
        return Map.copyOf(descriptions);
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }
}
