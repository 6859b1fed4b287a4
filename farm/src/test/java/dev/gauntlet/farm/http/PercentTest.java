package dev.gauntlet.farm.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Strict percent-decoding: what URLEncoder writes comes back, anything else is a BadInput naming the part, never another exception. */
class PercentTest {

    @Property(tries = 2000)
    void shouldDecodeWhatUrlEncoderEncodes(@ForAll String text) {
        String valid = text.codePoints()
                .filter(Character::isValidCodePoint)
                .filter(cp -> !(cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString();
        assertThat(Percent.decode(URLEncoder.encode(valid, StandardCharsets.UTF_8), true, "q"))
                .isEqualTo(valid);
    }

    @Property(tries = 5000)
    void shouldAnswerAnyInputWithTextOrABadInput(@ForAll String raw) {
        try {
            Percent.query(raw);
            new FarmRequest(
                            "POST",
                            "/",
                            Map.of(),
                            h -> null,
                            raw.getBytes(StandardCharsets.UTF_8),
                            "application/x-www-form-urlencoded")
                    .form();
        } catch (BadInput expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Test
    void shouldRefuseMalformedEscapesNamingThePart() {
        assertThatThrownBy(() -> Percent.decode("%uD800", false, "path"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("'%uD800'")
                .extracting(e -> ((BadInput) e).field())
                .isEqualTo("path");
        assertThatThrownBy(() -> Percent.decode("abc%", true, "q")).isInstanceOf(BadInput.class);
        assertThatThrownBy(() -> Percent.decode("%ED%A0%80", true, "q"))
                .isInstanceOf(BadInput.class)
                .hasMessageContaining("not UTF-8");
        assertThatThrownBy(() -> Percent.query("limit=%zz"))
                .isInstanceOf(BadInput.class)
                .extracting(e -> ((BadInput) e).field())
                .isEqualTo("limit");
    }

    @Test
    void shouldParseAQueryKeepingRepeatsInOrder() {
        assertThat(Percent.query("a=1&b=x+y&a=%32&flag&&=e"))
                .isEqualTo(Map.of("a", List.of("1", "2"), "b", List.of("x y"), "flag", List.of(""), "", List.of("e")));
        assertThat(Percent.query(null)).isEmpty();
        assertThat(Percent.decode("caf%C3%A9+%F0%9F%98%80", true, "q")).isEqualTo("café 😀");
        assertThat(Percent.decode("a+b", false, "path")).isEqualTo("a+b");
    }
}
