package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.vendor.Vendors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document's answer schemas are generated from the records the answers are written from: they name exactly
 * the fields the AAM sends (checked against live answers), and the UI's hand-written TypeScript types of those answers
 * (ui/src/api/types.ts) name exactly the schemas' fields.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OpenApiSchemasTest {

    /** Each UI type checked, and the schema (components/schemas) it must match. */
    static final Map<String, String> UI_TYPE_TO_SCHEMA = Map.of(
            "MetricsSnapshot", "MetricsSnapshot",
            "MetricsFigures", "ConnectorSnapshot",
            "MetricsLatency", "Latency",
            "DlqList", "Listing",
            "DlqEntry", "EntryView",
            "DlqEntryDetail", "EntryDetail",
            "DlqAttempt", "Attempt",
            "ReplayOutcome", "Replay",
            "VendorList", "VendorList");

    @TempDir
    static Path data;

    AamFixture f;
    JsonNode doc;

    @BeforeAll
    void start() {
        f = new AamFixture(data, b -> b.allowEgress("loopback"));
        doc = json(f.get("/openapi.json"));
    }

    @AfterAll
    void stop() {
        f.close();
    }

    @Test
    void shouldDescribeTheAnswersAsTheyAreSent() {
        String id = f.parkedWrite("nowhere", "op-schema-1");

        JsonNode metrics = json(f.get("/metrics"));
        assertThat(fieldsOf(metrics)).isEqualTo(schemaFields(answerSchema("/metrics", "get")));
        assertThat(fieldsOf(metrics.path("overall"))).isEqualTo(schemaFields("ConnectorSnapshot"));
        assertThat(fieldsOf(metrics.path("overall").path("latency"))).isEqualTo(schemaFields("Latency"));

        JsonNode list = json(f.get("/dlq?connector=nowhere"));
        assertThat(fieldsOf(list)).isEqualTo(schemaFields(answerSchema("/dlq", "get")));
        assertThat(fieldsOf(list.path("entries").get(0))).isEqualTo(schemaFields("EntryView"));
        JsonNode one = json(f.get("/dlq/" + id));
        assertThat(fieldsOf(one)).isEqualTo(schemaFields(answerSchema("/dlq/{id}", "get")));
        assertThat(fieldsOf(one.path("history").get(0))).isEqualTo(schemaFields("Attempt"));
        JsonNode vendors = json(f.get("/vendors"));
        assertThat(fieldsOf(vendors)).isEqualTo(schemaFields(answerSchema("/vendors", "get")));
        assertThat(texts(vendors.path("vendors"))).isEqualTo(Vendors.names());
        JsonNode replay = json(f.send("POST", "/dlq/" + id + "/replay", null));
        assertThat(fieldsOf(replay)).isEqualTo(schemaFields(answerSchema("/dlq/{id}/replay", "post")));
    }

    @Test
    void shouldHaveTheUiTypesNameTheSchemasFields() throws IOException {
        Map<String, Set<String>> ui = uiTypes(Files.readString(Path.of("..", "ui", "src", "api", "types.ts")));
        var soft = new SoftAssertions();
        UI_TYPE_TO_SCHEMA.forEach((type, schema) -> soft.assertThat(ui.get(type))
                .as("the fields of the UI's " + type + " (ui/src/api/types.ts) and of the OpenAPI schema " + schema)
                .isEqualTo(schemaFields(schema)));
        soft.assertAll();
    }

    /** The name of the component the 2XX answer of a route refers to. */
    private String answerSchema(String path, String method) {
        JsonNode schema = doc.path("paths")
                .path(path)
                .path(method)
                .path("responses")
                .path("2XX")
                .path("content")
                .path("application/json")
                .path("schema");
        String ref = schema.path("$ref").asText();
        assertThat(ref).as(path + " has a generated schema").startsWith("#/components/schemas/");
        return ref.substring("#/components/schemas/".length());
    }

    private Set<String> schemaFields(String component) {
        JsonNode schema = doc.path("components").path("schemas").path(component);
        assertThat(schema.isObject()).as("schema " + component).isTrue();
        Set<String> out = new LinkedHashSet<>();
        schema.path("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> fieldsOf(JsonNode answer) {
        assertThat(answer.isObject()).as(answer.toString()).isTrue();
        Set<String> out = new LinkedHashSet<>();
        answer.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static final Pattern INTERFACE =
            Pattern.compile("export interface (\\w+)(?: extends (\\w+))? \\{\\n(.*?)\\n}", Pattern.DOTALL);
    /** A field at the interface's top level (two spaces in), not an index signature. */
    private static final Pattern FIELD = Pattern.compile("^  ([a-z_0-9]+)\\??:", Pattern.MULTILINE);

    /** The field names of every {@code export interface} in the file, those of the interface it extends included. */
    static Map<String, Set<String>> uiTypes(String ts) {
        Map<String, Set<String>> own = new LinkedHashMap<>();
        Map<String, String> parents = new LinkedHashMap<>();
        Matcher m = INTERFACE.matcher(ts);
        while (m.find()) {
            Set<String> fields = new LinkedHashSet<>();
            Matcher f = FIELD.matcher(m.group(3));
            while (f.find()) fields.add(f.group(1));
            own.put(m.group(1), fields);
            if (m.group(2) != null) parents.put(m.group(1), m.group(2));
        }
        Map<String, Set<String>> all = new LinkedHashMap<>();
        for (String name : own.keySet()) {
            Set<String> fields = new LinkedHashSet<>();
            List<String> chain = new ArrayList<>();
            for (String n = name; n != null && !chain.contains(n); n = parents.get(n)) chain.add(n);
            for (String n : chain.reversed()) fields.addAll(own.getOrDefault(n, Set.of()));
            all.put(name, fields);
        }
        return all;
    }
}
