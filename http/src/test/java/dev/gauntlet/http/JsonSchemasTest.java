package dev.gauntlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Schemas follow the mapper that writes the answer: its names, what it leaves out, what it flattens. */
class JsonSchemasTest {

    record Inner(String why, long since) {}

    record Outer(
            int count,
            String name,
            List<Inner> items,
            @JsonInclude(JsonInclude.Include.NON_NULL) String url,

            @JsonUnwrapped @JsonInclude(JsonInclude.Include.NON_NULL)
            Inner degraded) {}

    private static final ObjectMapper SNAKE =
            new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    @Test
    void shouldNameThePropertiesAsTheMapperWritesThemAndRequireOnlyThoseAlwaysWritten() {
        var schemas = new JsonSchemas(SNAKE);

        assertThat(schemas.of(Outer.class)).isEqualTo(Map.of("$ref", "#/components/schemas/Outer"));
        Map<String, Object> outer = schemas.components().get("Outer");
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) outer.get("properties");
        assertThat(properties).containsOnlyKeys("count", "name", "items", "url", "why", "since");
        assertThat(outer.get("required")).isEqualTo(List.of("count", "name", "items"));
        assertThat(properties.get("count")).isEqualTo(Map.of("type", "integer"));
        assertThat(properties.get("name")).isEqualTo(Map.of("type", List.of("string", "null")));
        // Left out when null: optional, but never null when written.
        assertThat(properties.get("url")).isEqualTo(Map.of("type", "string"));
        assertThat(schemas.components()).containsKey("Inner");
    }

    @Test
    void shouldWriteProcessFiguresUnderTheirOwnNamesWhateverTheMapper() {
        JsonNode plain = new ObjectMapper().valueToTree(ProcessFigures.now());
        JsonNode snake = SNAKE.valueToTree(ProcessFigures.now());
        List<String> keys =
                List.of("pid", "cpu_s", "rss_bytes", "peak_rss_bytes", "heap_used_bytes", "heap_max_bytes", "cores");
        assertThat(fieldNames(plain)).isEqualTo(keys);
        assertThat(fieldNames(snake)).isEqualTo(keys);
        assertThat(plain.path("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    }

    private static List<String> fieldNames(JsonNode n) {
        var out = new ArrayList<String>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
