package dev.gauntlet.farm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FarmRequestTest {

    private static FarmRequest request(String contentType, String body, Map<String, List<String>> query) {
        return new FarmRequest(
                "POST", "/v1/customers", query, h -> null, body.getBytes(StandardCharsets.UTF_8), contentType);
    }

    @Test
    void shouldNestStripeBracketKeysWhenParsingAForm() {
        var form = request(
                        "application/x-www-form-urlencoded",
                        "name=Ada+L&metadata[op_id]=op%2F1&items[0][price]=p_1",
                        Map.of())
                .form();
        assertThat(form.get("name").asText()).isEqualTo("Ada L");
        assertThat(form.at("/metadata/op_id").asText()).isEqualTo("op/1");
        assertThat(form.at("/items/0/price").asText()).isEqualTo("p_1");
    }

    @Test
    void shouldNameTheSpotWhenJsonIsMalformed() {
        assertThatThrownBy(
                        () -> request("application/json", "{\"a\": }", Map.of()).json())
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 1");
    }

    @Test
    void shouldRefuseANonObjectWhereAnObjectIsNeeded() {
        assertThatThrownBy(() -> request("application/json", "[1,2]", Map.of()).jsonObject())
                .hasMessage("request body must be a JSON object, was array");
    }

    @Test
    void shouldCheckIntegerQueryParameters() {
        var req = request(null, "", Map.of("limit", List.of("abc"), "page", List.of("0")));
        assertThatThrownBy(() -> req.queryInt("limit", 10, 1, 100))
                .isInstanceOf(BadInput.class)
                .hasMessage("limit must be an integer, was 'abc'")
                .extracting("field")
                .isEqualTo("limit");
        assertThatThrownBy(() -> req.queryInt("page", 1, 1, 10)).hasMessage("page must be between 1 and 10, was 0");
        assertThat(req.queryInt("absent", 7, 1, 10)).isEqualTo(7);
    }
}
