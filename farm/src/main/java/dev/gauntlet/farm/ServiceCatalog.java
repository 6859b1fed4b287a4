package dev.gauntlet.farm;

import dev.gauntlet.farm.spec.SpecError;
import dev.gauntlet.farm.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where services come from: the built-ins in the jar and the YAML files of the user's folder. {@link #scan()} picks
 * up new, changed and deleted files; a broken file is reported with file, line and field and never stops the others
 * (a broken edit of a running service keeps its last good version serving).
 */
public final class ServiceCatalog {

    /** The built-in service files, in the jar under /services. */
    public static final List<String> BUILT_INS = List.of(
            "salesforce_mock.yaml", "mongodb_mock.yaml", "stripe_mock.yaml",
            "github_mock.yaml", "supabase_mock.yaml", "datadog_mock.yaml");

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCatalog.class);

    private record Seen(FileTime modified, long size) {}

    private final Farm farm;
    private final Path dir;
    private final Map<Path, Seen> seen = new HashMap<>();
    private final Map<Path, String> serviceOfFile = new HashMap<>();
    private final Map<String, dev.gauntlet.farm.spec.ServiceSpec> builtInSpecs = new HashMap<>();

    public ServiceCatalog(Farm farm, Path dir) {
        this.farm = farm;
        this.dir = dir;
    }

    /** Installs the six built-in services. */
    public void loadBuiltIns() {
        SpecLoader loader = farm.loader();
        for (String name : BUILT_INS) {
            try (InputStream in = ServiceCatalog.class.getResourceAsStream("/services/" + name)) {
                if (in == null) throw new IllegalStateException("built-in service missing from the jar: " + name);
                switch (loader.load(name, in)) {
                    case SpecLoader.Ok ok -> {
                        farm.install(ok.spec(), "built-in");
                        builtInSpecs.put(ok.spec().id(), ok.spec());
                    }
                    // A broken built-in is a bug in this project, not a user error: fail loudly.
                    case SpecLoader.Failed f -> throw new IllegalStateException("built-in service is invalid: " + f.error());
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read built-in service " + name, e);
            }
        }
    }

    /** Loads new or changed files and removes services whose file is gone. Safe to call repeatedly. */
    public synchronized void scan() {
        if (dir == null || !Files.isDirectory(dir)) return;
        Set<Path> present = new HashSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            for (Path file : files) {
                present.add(file);
                Seen now;
                try {
                    now = new Seen(Files.getLastModifiedTime(file), Files.size(file));
                } catch (IOException e) {
                    continue;
                }
                if (now.equals(seen.get(file))) continue;
                seen.put(file, now);
                load(file);
            }
        } catch (IOException e) {
            LOG.warn("cannot list services folder {}: {}", dir, e.getMessage());
            return;
        }
        for (Path gone : Set.copyOf(seen.keySet())) {
            if (present.contains(gone)) continue;
            seen.remove(gone);
            farm.clearError(gone.toString());
            String id = serviceOfFile.remove(gone);
            if (id != null) {
                farm.remove(id);
                LOG.info("service {} removed ({} deleted)", id, gone.getFileName());
                // A user file that overrode a built-in gives the built-in back when it goes.
                if (builtInSpecs.containsKey(id)) farm.install(builtInSpecs.get(id), "built-in");
            }
        }
    }

    private void load(Path file) {
        switch (farm.loader().load(file)) {
            case SpecLoader.Ok ok -> {
                String previous = serviceOfFile.get(file);
                try {
                    farm.install(ok.spec(), file.toString());
                } catch (IllegalArgumentException e) {
                    farm.reportError(file.toString(), new SpecError(file.getFileName().toString(), 0, "base_path", e.getMessage()));
                    return;
                }
                if (previous != null && !previous.equals(ok.spec().id())) farm.remove(previous);
                serviceOfFile.put(file, ok.spec().id());
                farm.clearError(file.toString());
                LOG.info("service {} loaded from {}", ok.spec().id(), file.getFileName());
            }
            case SpecLoader.Failed f -> {
                farm.reportError(file.toString(), f.error());
                LOG.warn("service file not loaded: {}", f.error());
            }
        }
    }
}
