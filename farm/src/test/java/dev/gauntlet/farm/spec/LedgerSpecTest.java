package dev.gauntlet.farm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The ledger block and the secondary limits of a service YAML: what loads, and what is refused with the field named. */
class LedgerSpecTest {

    private final SpecLoader loader =
            new SpecLoader(f -> Set.of("rest", "github").contains(f), Set.of("mostly_ok"));

    private SpecLoader.Loaded load(String extra) {
        String yaml = """
                id: things
                flavor: github
                resources:
                  - name: thing
                %s
                """.formatted(extra);
        return loader.load("svc.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private ServiceSpec spec(String extra) {
        SpecLoader.Loaded loaded = load(extra);
        assertThat(loaded).isInstanceOf(SpecLoader.Ok.class);
        return ((SpecLoader.Ok) loaded).spec();
    }

    private SpecError error(String extra) {
        SpecLoader.Loaded loaded = load(extra);
        assertThat(loaded).isInstanceOf(SpecLoader.Failed.class);
        return ((SpecLoader.Failed) loaded).error();
    }

    @Test
    void shouldReadOpIdPatternsAndDropTheDefaultFieldsWhenOnlyPatternsAreGiven() {
        LedgerSpec ledger = spec("ledger: { op_id_patterns: [{ field: body, regex: '<!-- op_id: (\\S+) -->' }] }")
                .ledger();

        assertThat(ledger.opIdFields()).isEmpty();
        assertThat(ledger.opIdPatterns()).singleElement().satisfies(p -> {
            assertThat(p.field()).isEqualTo("body");
            assertThat(p.regex()
                            .matcher("text\n<!-- op_id: op-9 -->")
                            .results()
                            .map(m -> m.group(1))
                            .toList())
                    .containsExactly("op-9");
        });
        assertThat(spec("ledger: { op_id_field: ref }").ledger().opIdFields()).containsExactly("ref");
        assertThat(spec("").ledger().opIdFields()).containsExactly("external_id", "op_id");
    }

    @Test
    void shouldRefuseAnOpIdPatternWithoutExactlyOneGroup() {
        SpecError none = error("ledger: { op_id_patterns: [{ field: body, regex: 'op_id: \\S+' }] }");
        SpecError two = error("ledger: { op_id_patterns: [{ field: body, regex: '(op)_id: (\\S+)' }] }");

        assertThat(none.message())
                .isEqualTo(
                        "ledger.op_id_patterns[].regex must have exactly one capture group (the op id), has 0: 'op_id: \\S+'");
        assertThat(none.field()).startsWith("ledger.op_id_patterns");
        assertThat(two.message()).contains("exactly one capture group").contains("has 2");
    }

    @Test
    void shouldRefuseAnOpIdPatternThatDoesNotCompileOrNamesNoField() {
        SpecError broken = error("ledger: { op_id_patterns: [{ field: body, regex: 'op_id: (\\S+' }] }");
        SpecError noField = error("ledger: { op_id_patterns: [{ regex: '(x)' }] }");
        SpecError noRegex = error("ledger: { op_id_patterns: [{ field: body }] }");

        assertThat(broken.message()).startsWith("ledger.op_id_patterns[].regex does not compile: Unclosed group");
        assertThat(noField.message()).isEqualTo("ledger.op_id_patterns[].field is required, was missing");
        assertThat(noRegex.message()).isEqualTo("ledger.op_id_patterns[].regex is required, was missing");
        assertThat(broken.line()).isPositive();
    }

    @Test
    void shouldReadSecondaryLimitsWithTheirDefaults() {
        var limits = spec("""
                secondary_limits:
                  - { name: concurrent, kind: concurrent, limit: 100 }
                  - { name: points, limit: 900, window_s: 60, per: endpoint, points: { get: 1, default: 5 } }
                  - { name: content, limit: 80, window_s: 60, methods: [post] }
                """).secondaryLimits();

        assertThat(limits).hasSize(3);
        assertThat(limits.get(0).isConcurrent()).isTrue();
        assertThat(limits.get(0).per()).isEqualTo("client");
        assertThat(limits.get(1).cost("GET")).isEqualTo(1);
        assertThat(limits.get(1).cost("PATCH")).isEqualTo(5);
        assertThat(limits.get(2).kind()).isEqualTo("window");
        assertThat(limits.get(2).cost("POST")).isEqualTo(1);
        assertThat(limits.get(2).cost("GET")).as("not a counted method").isZero();
        assertThat(spec("").secondaryLimits()).isEmpty();
    }

    @Test
    void shouldRefuseSecondaryLimitsThatCannotWork() {
        assertThat(error("secondary_limits: [{ name: a, kind: burst, limit: 1 }]")
                        .message())
                .isEqualTo("secondary_limits[a].kind must be one of [window, concurrent], was 'burst'");
        assertThat(error("secondary_limits: [{ name: a, limit: 1 }]").message())
                .isEqualTo("secondary_limits[a].window_s is required for kind window");
        assertThat(error("secondary_limits: [{ name: a, kind: concurrent, limit: 1, window_s: 1 }]")
                        .message())
                .isEqualTo("secondary_limits[a].window_s belongs to kind window; a concurrent limit has none");
        assertThat(error("secondary_limits: [{ name: a, limit: 0, window_s: 1 }]")
                        .message())
                .isEqualTo("secondary_limits[a].limit must be ≥ 1, was 0");
        assertThat(error("secondary_limits: [{ name: a, limit: 1, window_s: 1, methods: [FETCH] }]")
                        .message())
                .startsWith("secondary_limits[a].methods must name HTTP methods")
                .endsWith("was 'FETCH'");
        assertThat(error("secondary_limits: [{ name: a, limit: 1, window_s: 1, points: { GET: 0 } }]")
                        .message())
                .isEqualTo("secondary_limits[a].points.GET must be ≥ 1, was 0");
        assertThat(error("secondary_limits: [{ name: a, limit: 1, window_s: 1, per: user }]")
                        .message())
                .isEqualTo("secondary_limits[a].per must be 'client' or 'endpoint', was 'user'");
        assertThat(error("secondary_limits: [{ limit: 1, window_s: 1 }]").message())
                .isEqualTo("secondary_limits[].name is required, was missing");
        assertThat(error("secondary_limits: [{ name: a, limit: 1, window_s: 1 }, { name: a, limit: 2, window_s: 1 }]")
                        .message())
                .isEqualTo("secondary_limits names must be unique, were [a, a]");
    }
}
