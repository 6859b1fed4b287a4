package dev.gauntlet.farm.vendor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.re2j.Pattern;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Client-supplied patterns: LIKE translated for RE2/J, patterns that would expand too far refused before compiling. */
class SafeRegexTest {

    @Test
    void shouldTranslateLikeWildcardsAndEscapes() {
        assertThat(matchesLike("a%c", "abbbc")).isTrue();
        assertThat(matchesLike("a*c", "ac")).isTrue();
        assertThat(matchesLike("a_c", "abc")).isTrue();
        assertThat(matchesLike("a_c", "abbc")).isFalse();
        assertThat(matchesLike("50\\%", "50%")).isTrue();
        assertThat(matchesLike("50\\%", "500")).isFalse();
        assertThat(matchesLike("a.b(c)[d]", "a.b(c)[d]")).isTrue();
        assertThat(matchesLike("a.b", "axb")).isFalse();
        assertThat(matchesLike("%", "line\nbreak")).isTrue();
    }

    @Test
    void shouldRefuseALikePatternEndingInTheEscapeCharacter() {
        assertThatThrownBy(() -> SafeRegex.likeToRegex("abc\\"))
                .isInstanceOf(SafeRegex.Invalid.class)
                .hasMessage("LIKE pattern must not end with escape character");
    }

    @Test
    void shouldRefusePatternsThatExpandPastTheProgramLimitBeforeCompilingThem() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> SafeRegex.compile("((a{1000}){1000}){1000}", 0))
                .isInstanceOf(SafeRegex.Invalid.class)
                .hasMessageContaining("pattern too large");
        assertThatThrownBy(() -> SafeRegex.compile("(a{1000}){1000}", 0)).isInstanceOf(SafeRegex.Invalid.class);
        assertThatThrownBy(() -> SafeRegex.compile("(".repeat(1001) + ")".repeat(1001), 0))
                .isInstanceOf(SafeRegex.Invalid.class)
                .hasMessageContaining("nested more than 1000");
        assertThatThrownBy(() -> SafeRegex.compile("a".repeat(SafeRegex.MAX_LENGTH + 1), 0))
                .isInstanceOf(SafeRegex.Invalid.class)
                .hasMessageContaining("too long");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void shouldEstimateAtLeastTheCompiledProgramSize() {
        for (String p : new String[] {
            "a{100}",
            "(ab){50}c{3,7}",
            "[a-z]{20}(x|y){10,}",
            "\\d{3}-\\d{4}",
            "(?i)abc{2}",
            "\\Q{1000}\\E",
            "\\p{Greek}{5}"
        }) {
            assertThat(SafeRegex.estimatedSize(p))
                    .as(p)
                    .isGreaterThanOrEqualTo(Pattern.compile(p).programSize() / 2);
        }
    }

    @Test
    void shouldRefuseWhatRe2LacksAsAnInvalidPattern() {
        assertThatThrownBy(() -> SafeRegex.compile("(a)\\1", 0)).isInstanceOf(SafeRegex.Invalid.class);
        assertThatThrownBy(() -> SafeRegex.compile("(?=a)b", 0)).isInstanceOf(SafeRegex.Invalid.class);
    }

    @Test
    void shouldMatchABacktrackingBombInLinearTime() {
        long start = System.nanoTime();
        assertThat(SafeRegex.compile("^(x+x+)+y$", 0)
                        .matcher("x".repeat(50_000))
                        .find())
                .isFalse();
        assertThat(SafeRegex.compile(SafeRegex.likeToRegex("*_".repeat(12) + "Q"), Pattern.DOTALL)
                        .matches("x".repeat(50_000)))
                .isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }

    private static boolean matchesLike(String like, String text) {
        return SafeRegex.compile(SafeRegex.likeToRegex(like), Pattern.DOTALL).matches(text);
    }
}
