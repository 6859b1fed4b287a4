package dev.gauntlet.farm.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PathTemplateTest {

    @Test
    void shouldMatchLiteralAndParameterSegments() {
        PathTemplate t = new PathTemplate("/v1/customers/{id}");
        assertThat(t.match("/v1/customers/cus_1")).isEqualTo(Map.of("id", "cus_1"));
        assertThat(t.match("/v1/customers/cus_1/")).isEqualTo(Map.of("id", "cus_1"));
        assertThat(t.match("/v1/customers")).isNull();
        assertThat(t.match("/v1/customers/cus_1/extra")).isNull();
        assertThat(t.match("/v1/customer/cus_1")).isNull();
    }

    @Test
    void shouldDecodeParameters() {
        assertThat(new PathTemplate("/things/{id}").match("/things/a%20b")).isEqualTo(Map.of("id", "a b"));
    }

    @Test
    void shouldTakeTheRestOfThePathForATailParameter() {
        PathTemplate t = new PathTemplate("/query/{locator...}");
        assertThat(t.match("/query/abc-200")).isEqualTo(Map.of("locator", "abc-200"));
        assertThat(t.match("/query/a/b")).isEqualTo(Map.of("locator", "a/b"));
        assertThat(t.match("/query")).isNull();
    }

    @Test
    void shouldMatchTheRoot() {
        assertThat(new PathTemplate("/").match("/")).isEqualTo(Map.of());
        assertThat(new PathTemplate("/").match("/x")).isNull();
    }
}
