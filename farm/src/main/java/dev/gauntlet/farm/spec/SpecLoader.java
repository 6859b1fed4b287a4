package dev.gauntlet.farm.spec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Reads YAML into spec records and turns every mistake into a {@link SpecError} with file, line and field. */
public final class SpecLoader {

    /**
     * The mapper every farm YAML goes through: snake_case keys, unknown keys are errors (they are usually typos), and so
     * are keys given twice in one mapping (YAML would keep the last one and silently drop the other).
     */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY);

    private final Predicate<String> knownFlavor;
    private final Set<String> knownProfiles;

    public SpecLoader(Predicate<String> knownFlavor, Set<String> knownProfiles) {
        this.knownFlavor = knownFlavor;
        this.knownProfiles = knownProfiles;
    }

    /** The outcome of loading one file: a spec or an error, never an exception. */
    public sealed interface Loaded permits Ok, Failed {}

    /** A valid spec, with where each of its keys stands in the file (for errors found later, such as clashes). */
    public record Ok(ServiceSpec spec, Lines lines) implements Loaded {}

    /**
     * The 1-based line of each key and value of a YAML file by JSON pointer ({@code /drift/0/rename/a}).
     *
     * @param byPointer pointer to line, the first line a pointer appears on
     */
    public record Lines(Map<String, Integer> byPointer) {
        public static final Lines NONE = new Lines(Map.of());

        public Lines {
            byPointer = Map.copyOf(byPointer);
        }

        /** The line of the pointer, else of its nearest ancestor that has one, else 0. */
        public int of(String pointer) {
            for (String p = pointer; !p.isEmpty(); p = p.substring(0, p.lastIndexOf('/'))) {
                Integer line = byPointer.get(p);
                if (line != null) return line;
            }
            return 0;
        }

        static Lines of(byte[] yaml) {
            var out = new HashMap<String, Integer>();
            try (JsonParser p = YAML.getFactory().createParser(yaml)) {
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    out.putIfAbsent(
                            p.getParsingContext().pathAsPointer().toString(),
                            p.currentTokenLocation().getLineNr());
                }
            } catch (IOException e) {
                // Only called on a file that was just parsed; lines are a nicety for messages, never a reason to fail.
            }
            return new Lines(out);
        }
    }

    /** A file that could not be used. */
    public record Failed(SpecError error) implements Loaded {}

    public Loaded load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return load(file.getFileName().toString(), in);
        } catch (IOException e) {
            return new Failed(new SpecError(file.toString(), 0, "", "cannot read: " + e.getMessage()));
        }
    }

    public Loaded load(String name, InputStream in) {
        byte[] bytes;
        try {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return new Failed(new SpecError(name, 0, "", "cannot read: " + e.getMessage()));
        }
        return parse(name, bytes);
    }

    private Loaded parse(String name, byte[] bytes) {
        try {
            ServiceSpec spec = YAML.readValue(bytes, ServiceSpec.class);
            if (spec == null) {
                return new Failed(
                        new SpecError(name, 1, "", "file is empty; expected a service with id, flavor and resources"));
            }
            Lines lines = Lines.of(bytes);
            if (!knownFlavor.test(spec.flavor())) {
                return new Failed(
                        new SpecError(name, lines.of("/flavor"), "flavor", "unknown flavor '" + spec.flavor() + "'"));
            }
            if (!knownProfiles.contains(spec.errorProfile())) {
                return new Failed(new SpecError(
                        name,
                        lines.of("/error_profile"),
                        "error_profile",
                        "unknown error profile '" + spec.errorProfile() + "'; expected one of " + knownProfiles));
            }
            SpecError drift = unknownDriftField(name, spec, lines);
            return drift != null ? new Failed(drift) : new Ok(spec, lines);
        } catch (JsonMappingException e) {
            SpecError error = describe(name, e);
            return new Failed(error.line() > 0 ? refineLine(error, new String(bytes, StandardCharsets.UTF_8)) : error);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            if (e instanceof JsonParseException p && isDuplicateKey(p)) return new Failed(duplicateKey(name, p));
            return new Failed(new SpecError(
                    name,
                    line,
                    "",
                    "not valid YAML: "
                            + e.getOriginalMessage()
                                    .lines()
                                    .findFirst()
                                    .orElse("")
                                    .trim()));
        } catch (IOException e) {
            return new Failed(new SpecError(name, 0, "", "cannot read: " + e.getMessage()));
        }
    }

    /**
     * A drift rule that renames, retypes or removes a field its resource does not have would change nothing, silently:
     * most likely a typo. The fields a resource has are the ones it declares, its id field, and the ones drift rules
     * add or rename to (a later rule may change what an earlier one made).
     */
    private static SpecError unknownDriftField(String file, ServiceSpec spec, Lines lines) {
        var driftMade = new LinkedHashSet<String>();
        spec.drift().forEach(rule -> {
            driftMade.addAll(rule.add().keySet());
            driftMade.addAll(rule.rename().values());
        });
        for (int i = 0; i < spec.drift().size(); i++) {
            DriftRule rule = spec.drift().get(i);
            List<ResourceSpec> targets =
                    rule.resource() == null ? spec.resources() : List.of(spec.resource(rule.resource()));
            var known = new LinkedHashSet<String>();
            for (ResourceSpec r : targets) {
                known.add(r.idField());
                known.addAll(r.fields().keySet());
            }
            known.addAll(driftMade);
            String where = rule.resource() == null ? "any resource" : "resource " + rule.resource();
            for (var change : List.of(
                    Map.entry("rename", List.copyOf(rule.rename().keySet())),
                    Map.entry("retype", List.copyOf(rule.retype().keySet())),
                    Map.entry("remove", rule.remove()))) {
                for (int j = 0; j < change.getValue().size(); j++) {
                    String field = change.getValue().get(j);
                    if (known.contains(field)) continue;
                    boolean list = change.getKey().equals("remove");
                    String pointer = "/drift/" + i + "/" + change.getKey() + "/" + (list ? j : escape(field));
                    return new SpecError(
                            file,
                            lines.of(pointer),
                            "drift[" + i + "]." + change.getKey() + (list ? "[" + j + "]" : "." + field),
                            "drift[" + i + "] " + verb(change.getKey()) + " field '" + field + "', which " + where
                                    + " does not declare; its fields: " + known);
                }
            }
        }
        return null;
    }

    private static String verb(String change) {
        return switch (change) {
            case "rename" -> "renames";
            case "retype" -> "retypes";
            default -> "removes";
        };
    }

    /** A JSON pointer segment: '~' and '/' escaped (RFC 6901). */
    private static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static boolean isDuplicateKey(JsonParseException e) {
        return e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field '");
    }

    /** A key given twice in one mapping: the line of the second one, the path of the key. */
    private static SpecError duplicateKey(String file, JsonParseException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String key = e.getOriginalMessage().substring(17, e.getOriginalMessage().lastIndexOf('\''));
        String field = key;
        if (e.getProcessor() instanceof JsonParser p)
            field = dotted(p.getParsingContext().pathAsPointer().toString());
        return new SpecError(
                file,
                line,
                field,
                "duplicate key '" + key + "': YAML would keep only the last of the two, so give it once");
    }

    /** {@code /resources/0/fields/t} → {@code resources[0].fields.t}. */
    private static String dotted(String pointer) {
        var sb = new StringBuilder();
        for (String part : pointer.split("/")) {
            if (part.isEmpty()) continue;
            if (part.chars().allMatch(Character::isDigit))
                sb.append('[').append(part).append(']');
            else
                sb.append(sb.isEmpty() ? "" : ".")
                        .append(part.replace("~1", "/").replace("~0", "~"));
        }
        return sb.toString();
    }

    /** Reads any YAML document into a record type, throwing an {@link IllegalArgumentException} that names line and field. */
    public static <T> T read(String name, InputStream in, Class<T> type) {
        try {
            return YAML.readValue(in, type);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(describe(name, e).toString(), e);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(
                    isDuplicateKey(e) ? duplicateKey(name, e).toString() : name + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    static SpecError describe(String file, JsonMappingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String field = fieldPath(e);
        String message;
        JsonParseException syntax = causeOf(e, JsonParseException.class);
        if (syntax != null && isDuplicateKey(syntax)) return duplicateKey(file, syntax);
        if (syntax != null) {
            int at = syntax.getLocation() == null ? line : syntax.getLocation().getLineNr();
            return new SpecError(
                    file,
                    at,
                    field,
                    "not valid YAML: "
                            + syntax.getOriginalMessage()
                                    .lines()
                                    .findFirst()
                                    .orElse("")
                                    .trim());
        }
        if (e instanceof UnrecognizedPropertyException u) {
            message = "unknown field '" + u.getPropertyName() + "'; expected one of " + u.getKnownPropertyIds();
        } else {
            // Our own checks throw IllegalArgumentException from record constructors; Jackson wraps them.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            message = root instanceof IllegalArgumentException ? root.getMessage() : e.getOriginalMessage();
        }
        return new SpecError(file, line, field, message);
    }

    private static <T extends Throwable> T causeOf(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) return type.cast(c);
        }
        return null;
    }

    /**
     * Jackson reports where the parser stood when it noticed the problem, which in YAML is often the line after the
     * key, or the end of the enclosing mapping; move back to the nearest line that names the offending key.
     */
    static SpecError refineLine(SpecError error, String text) {
        // Syntax errors and duplicate keys carry the parser's own line, which is already the right one.
        if (error.message().startsWith("not valid YAML") || error.message().startsWith("duplicate key")) return error;
        String key = error.message().startsWith("unknown field '")
                ? error.message().substring(15, error.message().indexOf('\'', 15))
                : error.message().split("[ ]", 2)[0].replaceAll("\\[[^]]*]", "");
        key = key.substring(key.lastIndexOf('.') + 1);
        if (key.isEmpty() || !key.matches("[A-Za-z0-9_$]+")) return error;
        Pattern named = Pattern.compile("(^|[\\s{,-])" + Pattern.quote(key) + "\\s*:");
        String[] lines = text.split("\n", -1);
        for (int i = Math.min(error.line(), lines.length) - 1; i >= 0; i--) {
            if (named.matcher(lines[i]).find())
                return new SpecError(error.file(), i + 1, error.field(), error.message());
        }
        return error;
    }

    private static String fieldPath(JsonMappingException e) {
        var sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) sb.append('.');
                sb.append(ref.getFieldName());
            }
        }
        return sb.toString();
    }
}
