package dev.gauntlet.harness.connectors;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.Secrets;
import dev.gauntlet.mesh.call.Timeouts;
import dev.gauntlet.mesh.circuit.CircuitConfig;
import dev.gauntlet.mesh.dlq.DlqConfig;
import dev.gauntlet.mesh.drift.DriftConfig;
import dev.gauntlet.mesh.idempotency.IdempotencyConfig;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.retry.RetryConfig;
import dev.gauntlet.mesh.vendor.Vendors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code connectors.yaml}: a list of connectors, each section (auth, limit, retry, circuit, timeouts,
 * idempotency, drift, dlq) laid over the mesh's defaults, so a file names only what it changes. {@code ${farm_url}}
 * and {@code ${env:NAME}} are substituted. Every error names the connector and the field.
 */
public final class ConnectorsFile {

    /** A connector and the farm service its writes land in (for the checker). */
    public record Entry(ConnectorSpec spec, String service) {}

    /** Unknown keys and a key given twice are errors: both are usually typos, and the second would silently win. */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new SimpleModule()
                    .addDeserializer(Duration.class, new DurationText())
                    .addSerializer(Duration.class, com.fasterxml.jackson.databind.ser.std.ToStringSerializer.instance));

    private static final Pattern VAR = Pattern.compile("\\$\\{(farm_url|env:([A-Za-z_][A-Za-z0-9_]*))}");
    /** The fields a connector entry may have, as YAML and the API spell them: one list for the file and the API. */
    public static final List<String> FIELDS = List.of(
            "id",
            "base_url",
            "flavor",
            "service",
            "tenants",
            "headers",
            "auth",
            "limit",
            "retry",
            "circuit",
            "timeouts",
            "idempotency",
            "drift",
            "dlq",
            "stale_reads");

    private ConnectorsFile() {}

    /** The built-in six, pointed at a farm. */
    public static List<Entry> builtIn(String farmUrl) {
        try (InputStream in = ConnectorsFile.class.getResourceAsStream("/gauntlet/connectors.yaml")) {
            if (in == null)
                throw new IllegalStateException("the built-in connectors.yaml is missing from the harness jar");
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), farmUrl, "connectors.yaml (built in)");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the built-in connectors.yaml: " + e.getMessage(), e);
        }
    }

    public static List<Entry> load(Path file, String farmUrl) throws IOException {
        return parse(Files.readString(file), farmUrl, file.toString());
    }

    public static List<Entry> parse(String yaml, String farmUrl, String source) {
        String text = substitute(yaml, farmUrl, source);
        JsonNode root;
        try {
            root = YAML.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getOriginalMessage() + location(e), e);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.get("connectors");
        if (list == null || !list.isArray())
            throw new IllegalArgumentException(source + ": expected a top-level 'connectors:' list");
        var out = new ArrayList<Entry>();
        var seen = new HashSet<String>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String where = source + ": connectors[" + i + "]"
                    + (c.hasNonNull("id") ? " (" + c.get("id").asText() + ")" : "");
            try {
                Entry e = entry(c);
                if (!seen.add(e.spec().id()))
                    throw new IllegalArgumentException("id '" + e.spec().id() + "' is used twice");
                out.add(e);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** One connector from its YAML (or JSON) object; used for {@code POST /connectors} too. */
    public static Entry entry(JsonNode c) {
        if (c == null || !c.isObject())
            throw new IllegalArgumentException("a connector must be an object with at least id, base_url and flavor");
        for (Iterator<String> it = c.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f))
                throw new IllegalArgumentException("unknown field '" + f + "', expected one of " + FIELDS);
        }
        ConnectorSpec.Builder b = ConnectorSpec.builder(text(c, "id"), text(c, "base_url"));
        if (c.has("flavor")) b.flavor(text(c, "flavor"));
        if (c.has("tenants")) b.tenants(convert(c.get("tenants"), List.class, "tenants"));
        if (c.has("headers")) {
            Map<?, ?> h = convert(c.get("headers"), Map.class, "headers");
            h.forEach((k, v) -> b.header(String.valueOf(k), String.valueOf(v)));
        }
        if (c.has("auth")) b.auth(auth(c.get("auth")));
        b.limit(section(c, "limit", LimitConfig.DEFAULT, LimitConfig.class));
        b.retry(section(c, "retry", RetryConfig.DEFAULT, RetryConfig.class));
        b.circuit(section(c, "circuit", CircuitConfig.DEFAULT, CircuitConfig.class));
        b.timeouts(section(c, "timeouts", Timeouts.DEFAULT, Timeouts.class));
        // Laid over the vendor's own defaults: keys only where the vendor honours them, its read paths.
        String flavor = c.hasNonNull("flavor") ? text(c, "flavor") : "rest";
        if (c.has("idempotency"))
            b.idempotency(section(
                    c, "idempotency", IdempotencyConfig.forVendor(Vendors.get(flavor)), IdempotencyConfig.class));
        b.drift(section(c, "drift", DriftConfig.DEFAULT, DriftConfig.class));
        b.dlq(section(c, "dlq", DlqConfig.DEFAULT, DlqConfig.class));
        if (c.has("stale_reads")) b.staleReads(convert(c.get("stale_reads"), Boolean.class, "stale_reads"));
        ConnectorSpec spec = b.build();
        String service = c.hasNonNull("service") ? text(c, "service") : spec.id();
        return new Entry(spec, service);
    }

    private static AuthConfig auth(JsonNode a) {
        if (!a.isObject() || !a.hasNonNull("type"))
            throw new IllegalArgumentException("auth.type is required: none, api_key or oauth2");
        ObjectNode fields = ((ObjectNode) a).deepCopy();
        String type = fields.remove("type").asText();
        return switch (type) {
            case "none" -> new AuthConfig.None();
            case "api_key" -> convert(fields, AuthConfig.ApiKey.class, "auth");
            case "oauth2" -> convert(fields, AuthConfig.OAuth2.class, "auth");
            default ->
                throw new IllegalArgumentException("auth.type must be none, api_key or oauth2, was '" + type + "'");
        };
    }

    /** The section laid over the default: fields not named keep the default's value. */
    private static <T> T section(JsonNode c, String name, T defaults, Class<T> type) {
        JsonNode given = c.get(name);
        if (given == null || given.isNull()) return defaults;
        if (!given.isObject())
            throw new IllegalArgumentException(name + " must be an object, was "
                    + given.getNodeType().name().toLowerCase());
        ObjectNode merged = YAML.valueToTree(defaults);
        merged.setAll((ObjectNode) given);
        return convert(merged, type, name);
    }

    private static <T> T convert(JsonNode node, Class<T> type, String section) {
        try {
            return YAML.treeToValue(node, type);
        } catch (JsonMappingException e) {
            // A validation failure in a record's constructor already names the field and the value: keep its words.
            Throwable cause = e.getCause();
            if (cause instanceof IllegalArgumentException iae) throw iae;
            String field = e.getPath().isEmpty()
                    ? section
                    : section + "." + e.getPath().getLast().getFieldName();
            throw new IllegalArgumentException(
                    field + ": "
                            + e.getOriginalMessage()
                                    .replaceAll(" \\(class [^)]*\\)", "")
                                    .split("\n")[0],
                    e);
        } catch (IOException e) {
            throw new IllegalArgumentException(section + ": " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode c, String field) {
        JsonNode v = c.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank())
            throw new IllegalArgumentException(field + " is required (text)");
        return v.asText();
    }

    private static String substitute(String yaml, String farmUrl, String source) {
        Matcher m = VAR.matcher(yaml);
        var sb = new StringBuilder();
        while (m.find()) {
            String value;
            if (m.group(2) == null) {
                value = farmUrl.endsWith("/") ? farmUrl.substring(0, farmUrl.length() - 1) : farmUrl;
            } else {
                value = System.getenv(m.group(2));
                if (value == null)
                    throw new IllegalArgumentException(
                            source + ": ${env:" + m.group(2) + "} is not set in the environment");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String location(IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null) {
            return " (line " + j.getLocation().getLineNr() + ")";
        }
        return "";
    }

    /** Durations as "500ms", "5s", "2m", "1h", ISO-8601 ("PT5S"), or a bare number of seconds. */
    static final class DurationText extends JsonDeserializer<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            if (p.currentToken().isNumeric()) return Duration.ofNanos((long) (p.getDoubleValue() * 1e9));
            String s = p.getValueAsString().trim();
            Matcher m = SIMPLE.matcher(s);
            if (m.matches()) {
                double v = Double.parseDouble(m.group(1));
                long nanos = (long) (v
                        * switch (m.group(2)) {
                            case "ms" -> 1e6;
                            case "s" -> 1e9;
                            case "m" -> 60e9;
                            default -> 3600e9;
                        });
                return Duration.ofNanos(nanos);
            }
            try {
                return Duration.parse(s);
            } catch (DateTimeParseException e) {
                throw JsonMappingException.from(
                        p, "a duration must look like 500ms, 5s, 2m, 1h or PT5S, was '" + s + "'");
            }
        }
    }

    /** Writes a spec back as the YAML/JSON object {@link #entry} reads, with secrets replaced by "***". */
    public static Map<String, Object> redacted(Entry e) {
        ConnectorSpec s = e.spec();
        var out = new LinkedHashMap<String, Object>();
        out.put("id", s.id());
        out.put("base_url", s.baseUrl().toString());
        out.put("flavor", s.flavor());
        out.put("service", e.service());
        out.put("tenants", s.tenants());
        var headers = new LinkedHashMap<String, String>();
        s.headers().forEach((k, v) -> headers.put(k, Secrets.isSecretHeader(k) ? "***" : v));
        out.put("headers", headers);
        Map<String, Object> auth = YAML.convertValue(s.auth(), Map.class);
        auth = new LinkedHashMap<>(auth);
        auth.put(
                "type",
                switch (s.auth()) {
                    case AuthConfig.None n -> "none";
                    case AuthConfig.ApiKey k -> "api_key";
                    case AuthConfig.OAuth2 o -> "oauth2";
                });
        for (String secret : List.of("key", "client_secret")) if (auth.containsKey(secret)) auth.put(secret, "***");
        if (auth.get("token_headers") instanceof Map<?, ?> th) {
            var shownHeaders = new LinkedHashMap<String, Object>();
            th.forEach((k, v) ->
                    shownHeaders.put(String.valueOf(k), Secrets.isSecretHeader(String.valueOf(k)) ? "***" : v));
            auth.put("token_headers", shownHeaders);
        }
        out.put("auth", auth);
        for (var section : List.of(
                Map.entry("limit", (Object) s.limit()),
                Map.entry("retry", s.retry()),
                Map.entry("circuit", s.circuit()),
                Map.entry("timeouts", s.timeouts()),
                Map.entry("idempotency", s.idempotency()),
                Map.entry("drift", s.drift()),
                Map.entry("dlq", s.dlq()))) {
            out.put(section.getKey(), YAML.convertValue(section.getValue(), Map.class));
        }
        out.put("stale_reads", s.staleReads());
        // By value too: a custom header (X-Custom-Sig), a password in base_url, a ?client_secret= in token_url.
        return maskValues(out, s.secretValues());
    }

    @SuppressWarnings("unchecked")
    private static <T> T maskValues(T value, Set<String> secrets) {
        if (value instanceof String str) return (T) Secrets.mask(str, secrets);
        if (value instanceof Map<?, ?> m) {
            var copy = new LinkedHashMap<String, Object>();
            m.forEach((k, v) -> copy.put(String.valueOf(k), maskValues(v, secrets)));
            return (T) copy;
        }
        if (value instanceof List<?> l)
            return (T) l.stream().map(v -> maskValues(v, secrets)).toList();
        return value;
    }
}
