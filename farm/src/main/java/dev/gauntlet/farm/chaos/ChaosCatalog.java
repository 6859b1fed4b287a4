package dev.gauntlet.farm.chaos;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.gauntlet.farm.spec.SpecLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The chaos levels and error profiles, read from {@code chaos/levels.yaml} (built in) or a user's file. */
public record ChaosCatalog(Map<String, ChaosLevel> levels, Map<String, ErrorProfile> profiles) {

    public static final List<String> REQUIRED_LEVELS = List.of("calm", "mild", "storm", "hell");

    public ChaosCatalog {
        for (String required : REQUIRED_LEVELS) {
            if (!levels.containsKey(required)) {
                throw new IllegalArgumentException(
                        "chaos levels must define '" + required + "'; found " + levels.keySet());
            }
        }
        if (levels.get("calm").isQuiet() == false) {
            throw new IllegalArgumentException("calm must inject nothing (error_rate 0, network_rate 0, latency 0)");
        }
        levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
        profiles = Collections.unmodifiableMap(new LinkedHashMap<>(profiles));
    }

    public ChaosLevel level(String name) {
        ChaosLevel level = levels.get(name);
        if (level == null) {
            throw new IllegalArgumentException("level must be one of " + levels.keySet() + ", was '" + name + "'");
        }
        return level;
    }

    public ErrorProfile profile(String name) {
        ErrorProfile p = profiles.get(name);
        if (p == null)
            throw new IllegalArgumentException(
                    "error profile must be one of " + profiles.keySet() + ", was '" + name + "'");
        return p;
    }

    /** The catalog that ships in the jar. */
    public static ChaosCatalog builtIn() {
        try (InputStream in = ChaosCatalog.class.getResourceAsStream("/chaos/levels.yaml")) {
            return parse("chaos/levels.yaml", in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A user's catalog file. Errors name the line and the field. */
    public static ChaosCatalog load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString(), in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read chaos file " + file + ": " + e.getMessage(), e);
        }
    }

    static ChaosCatalog parse(String name, InputStream in) {
        Raw raw = SpecLoader.read(name, in, Raw.class);
        var levels = new LinkedHashMap<String, ChaosLevel>();
        raw.levels().forEach((k, v) -> levels.put(k, v.withName(k)));
        var profiles = new LinkedHashMap<String, ErrorProfile>();
        raw.profiles()
                .forEach((k, v) -> profiles.put(
                        k,
                        new ErrorProfile(k, v.errors(), v.network(), v.networkMultiplier(), v.slowMs(), v.hangMs())));
        try {
            return new ChaosCatalog(levels, profiles);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    record Raw(Map<String, LevelRaw> levels, Map<String, ProfileRaw> profiles) {
        Raw {
            levels = levels == null ? Map.of() : levels;
            profiles = profiles == null ? Map.of() : profiles;
        }
    }

    record LevelRaw(
            Double errorRate,
            Double rateLimitFactor,
            String network,
            Double networkRate,
            ChaosLevel.Latency latencyMs,
            String description) {
        ChaosLevel withName(String name) {
            return new ChaosLevel(name, errorRate, rateLimitFactor, network, networkRate, latencyMs);
        }
    }

    record ProfileRaw(
            Map<FaultType, Double> errors,
            Map<FaultType, Double> network,
            Double networkMultiplier,
            Long slowMs,
            Long hangMs,
            @JsonProperty("description") String description) {}
}
