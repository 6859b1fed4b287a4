package dev.gauntlet.harness.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gauntlet.harness.threshold.Threshold;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads scenarios from YAML: the built-in ones (mild, storm, hell and the seed's five) and a user's folder. Every error
 * names the file and the field (e.g. {@code phases[1].workflows[0].rate}) and what was expected.
 */
public final class ScenarioLoader {

    /** The built-in scenarios, in the order {@code gauntlet list} shows them. */
    public static final List<String> BUILT_IN = List.of(
            "mild",
            "storm",
            "hell",
            "token_expiry",
            "rate_limit",
            "schema_drift",
            "network_chaos_dlq",
            "multi_service_stress");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

    private ScenarioLoader() {}

    /** A built-in scenario by name, or a user's from {@code folder} (may be null) when it has {@code NAME.yaml}. */
    public static Scenario find(String name, Path folder) throws IOException {
        if (folder != null) {
            for (String ext : List.of(".yaml", ".yml")) {
                Path f = folder.resolve(name + ext);
                if (Files.isRegularFile(f)) return load(f);
            }
        }
        if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            Path f = Path.of(name);
            if (Files.isRegularFile(f)) return load(f);
            throw new IllegalArgumentException("scenario file " + name + " does not exist");
        }
        if (!BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("unknown scenario '" + name + "'; built in: " + BUILT_IN
                    + (folder == null ? "" : ", or a NAME.yaml in " + folder) + ", or a path to a .yaml file");
        }
        return builtIn(name);
    }

    public static Scenario builtIn(String name) {
        try (InputStream in = ScenarioLoader.class.getResourceAsStream("/gauntlet/scenarios/" + name + ".yaml")) {
            if (in == null)
                throw new IllegalArgumentException("unknown scenario '" + name + "'; built in: " + BUILT_IN);
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), name + ".yaml (built in)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in scenario " + name + ": " + e.getMessage(), e);
        }
    }

    public static Scenario load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    public static Scenario parse(String yaml, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String line =
                    e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new IllegalArgumentException(source + ": not valid YAML" + line + ": " + e.getOriginalMessage(), e);
        }
        try {
            return scenario(root);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static Scenario scenario(JsonNode root) {
        if (root == null || !root.isObject())
            throw new IllegalArgumentException("a scenario must be a mapping with name and phases");
        only(root, "", "name", "description", "seed", "settle", "phases", "thresholds", "halt");
        String name = text(root, "name", "name");
        long seed = root.has("seed") ? integer(root.get("seed"), "seed") : 42;
        var phases = new ArrayList<Scenario.Phase>();
        JsonNode ps = root.get("phases");
        if (ps == null || !ps.isArray() || ps.isEmpty())
            throw new IllegalArgumentException("phases must be a list of at least one phase");
        for (int i = 0; i < ps.size(); i++) phases.add(phase(ps.get(i), "phases[" + i + "]"));
        return new Scenario(
                name,
                root.path("description").asText(""),
                seed,
                phases,
                thresholds(root.get("thresholds"), "thresholds"),
                thresholds(root.get("halt"), "halt"),
                root.has("settle") ? duration(root.get("settle"), "settle") : null);
    }

    private static Scenario.Phase phase(JsonNode p, String at) {
        if (!p.isObject())
            throw new IllegalArgumentException(at + " must be a mapping with name, duration, chaos and workflows");
        only(p, at, "name", "duration", "chaos", "workflows");
        Scenario.Chaos chaos = null;
        if (p.has("chaos")) {
            JsonNode c = p.get("chaos");
            only(c, at + ".chaos", "level", "services");
            chaos = new Scenario.Chaos(
                    text(c, "level", at + ".chaos.level"), strings(c.get("services"), at + ".chaos.services"));
        }
        var loads = new ArrayList<Scenario.Load>();
        JsonNode ws = p.get("workflows");
        if (ws != null) {
            if (!ws.isArray()) throw new IllegalArgumentException(at + ".workflows must be a list");
            for (int i = 0; i < ws.size(); i++) {
                String wat = at + ".workflows[" + i + "]";
                JsonNode w = ws.get(i);
                only(w, wat, "workflow", "rate", "connectors", "max_in_flight", "params");
                JsonNode rate = w.get("rate");
                if (rate == null || !rate.isNumber())
                    throw new IllegalArgumentException(
                            wat + ".rate is required: operations per second per connector, a number");
                var params = new LinkedHashMap<String, String>();
                w.path("params")
                        .fields()
                        .forEachRemaining(
                                e -> params.put(e.getKey(), e.getValue().asText()));
                try {
                    loads.add(new Scenario.Load(
                            text(w, "workflow", wat + ".workflow"),
                            rate.asDouble(),
                            strings(w.get("connectors"), wat + ".connectors"),
                            w.has("max_in_flight")
                                    ? (int) integer(w.get("max_in_flight"), wat + ".max_in_flight")
                                    : 1_000,
                            params));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(wat + ": " + e.getMessage(), e);
                }
            }
        }
        try {
            return new Scenario.Phase(
                    text(p, "name", at + ".name"), duration(p.get("duration"), at + ".duration"), chaos, loads);
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(at) ? e : new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
    }

    private static List<Threshold> thresholds(JsonNode list, String at) {
        if (list == null || list.isNull()) return List.of();
        if (!list.isArray())
            throw new IllegalArgumentException(at + " must be a list of expressions like 'p99_ms < 2000'");
        var out = new ArrayList<Threshold>();
        for (int i = 0; i < list.size(); i++) {
            try {
                out.add(Threshold.parse(list.get(i).asText()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + "[" + i + "]: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** Durations as 500ms, 30s, 2m, 1h, ISO-8601, or a number of seconds. */
    public static Duration duration(JsonNode v, String at) {
        if (v == null || v.isNull())
            throw new IllegalArgumentException(at + " is required: a duration like 30s, 2m or 500ms");
        if (v.isNumber()) return Duration.ofMillis((long) (v.asDouble() * 1000));
        return parseDuration(v.asText(), at);
    }

    public static Duration parseDuration(String text, String at) {
        Matcher m = DURATION.matcher(text.trim());
        if (m.matches()) {
            double n = Double.parseDouble(m.group(1));
            double ms = n
                    * switch (m.group(2)) {
                        case "ms" -> 1;
                        case "s" -> 1_000;
                        case "m" -> 60_000;
                        default -> 3_600_000;
                    };
            return Duration.ofMillis((long) ms);
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(at + " must be a duration like 30s, 2m or 500ms, was '" + text + "'", e);
        }
    }

    private static void only(JsonNode node, String at, String... allowed) {
        if (!node.isObject())
            throw new IllegalArgumentException((at.isEmpty() ? "the scenario" : at) + " must be a mapping");
        List<String> ok = List.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f))
                throw new IllegalArgumentException(
                        "unknown field '" + (at.isEmpty() ? "" : at + ".") + f + "', expected one of " + ok);
        }
    }

    private static String text(JsonNode node, String field, String at) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank())
            throw new IllegalArgumentException(at + " is required (text)");
        return v.asText();
    }

    private static long integer(JsonNode v, String at) {
        if (!v.canConvertToLong() || !v.isIntegralNumber())
            throw new IllegalArgumentException(at + " must be a whole number, was " + v);
        return v.asLong();
    }

    private static List<String> strings(JsonNode v, String at) {
        if (v == null || v.isNull()) return List.of();
        if (!v.isArray()) throw new IllegalArgumentException(at + " must be a list of names");
        var out = new ArrayList<String>();
        v.forEach(x -> out.add(x.asText()));
        return out;
    }

    /** Name → description of every built-in scenario. */
    public static Map<String, String> builtInDescriptions() {
        var out = new LinkedHashMap<String, String>();
        for (String n : BUILT_IN) out.put(n, builtIn(n).description());
        return out;
    }
}
