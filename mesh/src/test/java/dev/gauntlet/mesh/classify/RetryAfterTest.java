package dev.gauntlet.mesh.classify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    @Test
    void shouldReadDelaySecondsWhenRetryAfterIsANumber() {
        assertThat(RetryAfter.parse("3", NOW)).contains(Duration.ofSeconds(3));
        assertThat(RetryAfter.parse(" 120 ", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse("1.5", NOW)).contains(Duration.ofMillis(1500));
        assertThat(RetryAfter.parse("0", NOW)).contains(Duration.ZERO);
    }

    @Test
    void shouldReadAnHttpDateWhenRetryAfterIsADate() {
        assertThat(RetryAfter.parse("Sun, 01 Jun 2025 12:00:07 GMT", NOW)).contains(Duration.ofSeconds(7));
        assertThat(RetryAfter.parse("Sun, 01 Jun 2025 11:59:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void shouldReadResetsAsEpochOrDeltaWhenTheVendorSaysSo() {
        assertThat(RetryAfter.untilEpochSecond(Long.toString(NOW.getEpochSecond() + 42), NOW))
                .contains(Duration.ofSeconds(42));
        assertThat(RetryAfter.untilEpochSecond(Long.toString(NOW.getEpochSecond() - 42), NOW))
                .contains(Duration.ZERO);
        assertThat(RetryAfter.seconds("17")).contains(Duration.ofSeconds(17));
    }

    @Test
    void shouldBeEmptyWhenTheValueIsGarbage() {
        for (String v :
                new String[] {null, "", "  ", "-3", "soon", "3s", "1e3", "Sun, 32 Jun 2025 12:00:00 GMT", "0x10", "∞"
                }) {
            assertThat(RetryAfter.parse(v, NOW)).as(String.valueOf(v)).isEmpty();
        }
    }

    @Test
    void shouldCapAbsurdWaitsAtADay() {
        assertThat(RetryAfter.parse("999999999999999", NOW)).contains(RetryAfter.MAX);
        assertThat(RetryAfter.untilEpochSecond("999999999999999", NOW)).contains(RetryAfter.MAX);
    }

    @Property
    void shouldNeverThrowNorBeNegativeWhateverTheValue(
            @ForAll("values") String value, @ForAll @LongRange(min = 0, max = 4_000_000_000L) long nowS) {
        Instant now = Instant.ofEpochSecond(nowS);
        for (var d : new Optional[] {
            RetryAfter.parse(value, now), RetryAfter.seconds(value), RetryAfter.untilEpochSecond(value, now)
        }) {
            d.ifPresent(x -> assertThat((Duration) x)
                    .isGreaterThanOrEqualTo(Duration.ZERO)
                    .isLessThanOrEqualTo(RetryAfter.MAX));
        }
    }

    @Property
    void shouldGiveTheSecondsBackWhenTheValueIsDelaySeconds(@ForAll @LongRange(min = 0, max = 86_399) long seconds) {
        assertThat(RetryAfter.parse(Long.toString(seconds), NOW)).contains(Duration.ofSeconds(seconds));
    }

    @Property
    void shouldWaitUntilTheDateWhenTheValueIsAnHttpDate(
            @ForAll @LongRange(min = -10_000_000, max = 80_000) long offset) {
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(
                NOW.plusSeconds(offset).atOffset(ZoneOffset.UTC));
        assertThat(RetryAfter.parse(date, NOW)).contains(Duration.ofSeconds(Math.max(0, offset)));
    }

    @Property
    void shouldWaitUntilTheResetWhenTheValueIsAnEpochSecond(
            @ForAll @LongRange(min = -10_000_000, max = 80_000) long offset) {
        assertThat(RetryAfter.untilEpochSecond(Long.toString(NOW.getEpochSecond() + offset), NOW))
                .contains(Duration.ofSeconds(Math.max(0, offset)));
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> dates = Arbitraries.longs()
                .between(-5_000_000_000L, 5_000_000_000L)
                .map(s -> DateTimeFormatter.RFC_1123_DATE_TIME.format(
                        Instant.ofEpochSecond(s).atOffset(ZoneOffset.UTC)));
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.strings().withChars("0123456789.-+ eE").ofMaxLength(25),
                Arbitraries.longs().map(Object::toString),
                Arbitraries.doubles().map(Object::toString),
                dates,
                dates.map(d -> d.replace("GMT", "PST")),
                dates.map(d -> d.substring(0, d.length() / 2)));
    }
}
