package dev.gauntlet.farm.runtime;

import dev.gauntlet.farm.spec.ServiceSpec;
import dev.gauntlet.farm.spec.SpecError;
import dev.gauntlet.farm.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where services come from: the built-ins in the jar and the YAML files of the user's folder. {@link #scan()} picks
 * up new, changed and deleted files; a broken file is reported with file, line and field and never stops the others
 * (a broken edit of a running service keeps its last good version serving). A changed file is reloaded keeping what
 * its change does not touch ({@link ServiceReload}). A user file may replace a built-in by using its id; two user
 * files may not share an id or a base path: the file loaded first (by name at start) keeps serving and the other is
 * refused until one of the two changes or goes.
 */
public final class ServiceCatalog {

    /** The built-in service files, in the jar under /services. */
    public static final List<String> BUILT_INS = List.of(
            "salesforce_mock.yaml",
            "mongodb_mock.yaml",
            "stripe_mock.yaml",
            "github_mock.yaml",
            "supabase_mock.yaml",
            "datadog_mock.yaml");

    private static final Logger LOG = LoggerFactory.getLogger(ServiceCatalog.class);

    private record Seen(FileTime modified, long size) {}

    private final Farm farm;
    private final Path dir;
    private final Map<Path, Seen> seen = new HashMap<>();
    private final Map<Path, String> serviceOfFile = new HashMap<>();
    /** Files refused because another file holds their id or base path: tried again when the services change. */
    private final Set<Path> refused = new TreeSet<>();

    private final Map<String, ServiceSpec> builtInSpecs = new HashMap<>();

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
                    case SpecLoader.Failed f ->
                        throw new IllegalStateException("built-in service is invalid: " + f.error());
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read built-in service " + name, e);
            }
        }
    }

    /** Loads new or changed files and removes services whose file is gone. Safe to call repeatedly. */
    public synchronized void scan() {
        if (dir == null || !Files.isDirectory(dir)) return;
        // By name, so that of two files claiming one id or base path the same one wins in every run.
        Set<Path> present = new TreeSet<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.{yaml,yml}")) {
            files.forEach(present::add);
        } catch (IOException e) {
            LOG.warn("cannot list services folder {}: {}", dir, e.getMessage());
            return;
        }
        boolean changed = false;
        Set<Path> waiting = new TreeSet<>(refused);
        for (Path file : present) {
            Seen now;
            try {
                now = new Seen(Files.getLastModifiedTime(file), Files.size(file));
            } catch (IOException e) {
                continue;
            }
            if (now.equals(seen.get(file))) continue;
            seen.put(file, now);
            waiting.remove(file);
            changed |= load(file);
        }
        for (Path gone : Set.copyOf(seen.keySet())) {
            if (present.contains(gone)) continue;
            seen.remove(gone);
            refused.remove(gone);
            farm.clearError(gone.toString());
            String id = serviceOfFile.remove(gone);
            if (id != null) {
                stopOrRestore(id);
                LOG.info("service {} removed ({} deleted)", id, gone.getFileName());
                changed = true;
            }
        }
        // A refused file gets its turn once the file that held its id or base path changed or went.
        if (changed) {
            for (Path file : waiting) {
                if (refused.contains(file)) load(file);
            }
        }
    }

    /** Loads one file; true when the set of services changed. */
    private boolean load(Path file) {
        String name = file.getFileName().toString();
        return switch (farm.loader().load(file)) {
            case SpecLoader.Ok ok -> {
                ServiceSpec spec = ok.spec();
                String previous = serviceOfFile.get(file);
                SpecError clash = clash(file, ok, previous);
                if (clash != null) {
                    refused.add(file);
                    farm.reportError(file.toString(), clash);
                    LOG.warn("service file refused: {}", clash);
                    yield false;
                }
                refused.remove(file);
                try {
                    farm.install(spec, file.toString(), previous);
                } catch (RuntimeException e) {
                    farm.reportError(file.toString(), new SpecError(name, 0, "", e.getMessage()));
                    LOG.warn("service file not loaded: {}: {}", name, e.toString());
                    yield false;
                }
                serviceOfFile.put(file, spec.id());
                // A file that named a built-in's id and now names another gives the built-in back.
                if (previous != null && !previous.equals(spec.id()) && builtInSpecs.containsKey(previous))
                    stopOrRestore(previous);
                farm.clearError(file.toString());
                ServiceReload reload = farm.service(spec.id()).lastReload();
                if (reload == null || previous == null) {
                    LOG.info("service {} loaded from {}", spec.id(), name);
                } else {
                    LOG.info(
                            "service {} reloaded from {}: kept {}, reset {}, added {}",
                            spec.id(),
                            name,
                            reload.kept(),
                            reload.reset(),
                            reload.added());
                }
                yield true;
            }
            case SpecLoader.Failed f -> {
                refused.remove(file);
                farm.reportError(file.toString(), f.error());
                LOG.warn("service file not loaded: {}", f.error());
                yield false;
            }
        };
    }

    /** Another user file holding the id, or another service holding the base path, pointed at in this file; or null. */
    private SpecError clash(Path file, SpecLoader.Ok ok, String previous) {
        ServiceSpec spec = ok.spec();
        String name = file.getFileName().toString();
        for (var e : serviceOfFile.entrySet()) {
            if (e.getValue().equals(spec.id()) && !e.getKey().equals(file)) {
                return new SpecError(
                        name,
                        ok.lines().of("/id"),
                        "id",
                        "service id '" + spec.id() + "' is already served from "
                                + e.getKey().getFileName()
                                + "; this file is refused while that one serves it (the file loaded first keeps its id)");
            }
        }
        String basePath = farm.basePathClash(spec, previous);
        if (basePath == null) return null;
        // Without a base_path key the default /api/<id> clashed: point at the id that made it.
        int line = ok.lines().of("/base_path") > 0
                ? ok.lines().of("/base_path")
                : ok.lines().of("/id");
        return new SpecError(name, line, "base_path", basePath + "; this file is refused while that one serves it");
    }

    /** A service whose file went: a built-in it had replaced comes back (reloaded in its place), else it stops. */
    private void stopOrRestore(String id) {
        ServiceSpec builtIn = builtInSpecs.get(id);
        if (builtIn == null) {
            farm.remove(id);
            return;
        }
        try {
            farm.install(builtIn, "built-in");
        } catch (IllegalArgumentException e) {
            farm.remove(id);
            LOG.warn("built-in service {} not restored: {}", id, e.getMessage());
        }
    }
}
