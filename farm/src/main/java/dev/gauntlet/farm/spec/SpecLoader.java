package dev.gauntlet.farm.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Predicate;

/** Reads YAML into spec records and turns every mistake into a {@link SpecError} with file, line and field. */
public final class SpecLoader {

    /** The mapper every farm YAML goes through: snake_case keys, unknown keys are errors (they are usually typos). */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
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

    /** A valid spec. */
    public record Ok(ServiceSpec spec) implements Loaded {}

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
        Loaded loaded = parse(name, bytes);
        if (loaded instanceof Failed f && f.error().line() > 0) {
            return new Failed(refineLine(f.error(), new String(bytes, java.nio.charset.StandardCharsets.UTF_8)));
        }
        return loaded;
    }

    private Loaded parse(String name, byte[] bytes) {
        try {
            ServiceSpec spec = YAML.readValue(bytes, ServiceSpec.class);
            if (spec == null) {
                return new Failed(new SpecError(name, 1, "", "file is empty; expected a service with id, flavor and resources"));
            }
            if (!knownFlavor.test(spec.flavor())) {
                return new Failed(new SpecError(name, 0, "flavor", "unknown flavor '" + spec.flavor() + "'"));
            }
            if (!knownProfiles.contains(spec.errorProfile())) {
                return new Failed(new SpecError(name, 0, "error_profile",
                        "unknown error profile '" + spec.errorProfile() + "'; expected one of " + knownProfiles));
            }
            return new Ok(spec);
        } catch (JsonMappingException e) {
            return new Failed(describe(name, e));
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            return new Failed(new SpecError(name, line, "", "not valid YAML: " + e.getOriginalMessage().lines().findFirst().orElse("").trim()));
        } catch (IOException e) {
            return new Failed(new SpecError(name, 0, "", "cannot read: " + e.getMessage()));
        }
    }

    /** Reads any YAML document into a record type, throwing an {@link IllegalArgumentException} that names line and field. */
    public static <T> T read(String name, InputStream in, Class<T> type) {
        try {
            return YAML.readValue(in, type);
        } catch (JsonMappingException e) {
            throw new IllegalArgumentException(describe(name, e).toString(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    static SpecError describe(String file, JsonMappingException e) {
        int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
        String field = fieldPath(e);
        String message;
        com.fasterxml.jackson.core.JsonParseException syntax = causeOf(e, com.fasterxml.jackson.core.JsonParseException.class);
        if (syntax != null) {
            int at = syntax.getLocation() == null ? line : syntax.getLocation().getLineNr();
            return new SpecError(file, at, field, "not valid YAML: " + syntax.getOriginalMessage().lines().findFirst().orElse("").trim());
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
        String key = error.message().startsWith("unknown field '")
                ? error.message().substring(15, error.message().indexOf('\'', 15))
                : error.message().split("[ ]", 2)[0].replaceAll("\\[[^]]*]", "");
        key = key.substring(key.lastIndexOf('.') + 1);
        if (key.isEmpty() || !key.matches("[A-Za-z0-9_$]+")) return error;
        java.util.regex.Pattern named = java.util.regex.Pattern.compile("(^|[\\s{,-])" + java.util.regex.Pattern.quote(key) + "\\s*:");
        String[] lines = text.split("\n", -1);
        for (int i = Math.min(error.line(), lines.length) - 1; i >= 0; i--) {
            if (named.matcher(lines[i]).find()) return new SpecError(error.file(), i + 1, error.field(), error.message());
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
