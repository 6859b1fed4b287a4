package dev.gauntlet.farm.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecLoaderTest {

    private final SpecLoader loader =
            new SpecLoader(f -> Set.of("rest", "stripe").contains(f), Set.of("mostly_ok"));

    private SpecLoader.Loaded load(String yaml) {
        return loader.load("svc.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private SpecError error(String yaml) {
        SpecLoader.Loaded loaded = load(yaml);
        assertThat(loaded).isInstanceOf(SpecLoader.Failed.class);
        return ((SpecLoader.Failed) loaded).error();
    }

    private static final String GOOD = """
            id: things
            flavor: rest
            resources:
              - name: thing
                fields: { title: sentence }
            """;

    @Test
    void shouldLoadAMinimalServiceWithDefaults() {
        ServiceSpec spec = ((SpecLoader.Ok) load(GOOD)).spec();
        assertThat(spec.basePath()).isEqualTo("/api/things");
        assertThat(spec.rateLimit().maxRps()).isEqualTo(100.0);
        assertThat(spec.resources().getFirst().path()).isEqualTo("/thing");
        assertThat(spec.resources().getFirst().count()).isEqualTo(100);
    }

    @Test
    void shouldNameLineAndFieldOfAnUnknownKey() {
        SpecError e = error("""
                id: things
                flavor: rest
                resources:
                  - name: thing
                    feilds: { title: sentence }
                """);
        assertThat(e.line()).isEqualTo(5);
        assertThat(e.field()).isEqualTo("resources[0].feilds");
        assertThat(e.message()).contains("unknown field 'feilds'").contains("fields");
    }

    @Test
    void shouldSayWhatWasExpectedWhenAValueIsOutOfRange() {
        SpecError e = error("""
                id: things
                rate_limit: { max_rps: 0 }
                resources:
                  - name: thing
                """);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.field()).isEqualTo("rate_limit");
        assertThat(e.message()).isEqualTo("rate_limit.max_rps must be > 0, was 0.0");
        assertThat(e.toString()).startsWith("svc.yaml:2 (rate_limit): ");
    }

    @Test
    void shouldPointAtTheKeyWhenABlockMappingHasABadValue() {
        SpecError e = error("""
                id: things
                rate_limit:
                  max_rps: 5
                  burst: 0
                resources:
                  - name: thing
                """);
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.message()).isEqualTo("rate_limit.burst must be ≥ 1, was 0");
    }

    @Test
    void shouldRefuseAnUnknownGeneratorNamingTheKnownOnes() {
        SpecError e = error("""
                id: things
                resources:
                  - name: thing
                    fields: { title: poem }
                """);
        assertThat(e.field()).isEqualTo("resources[0]");
        assertThat(e.message()).contains("unknown generator 'poem'").contains("sentence");
    }

    @Test
    void shouldRefuseAServiceWithoutResources() {
        assertThat(error("id: things\n").message()).isEqualTo("resources must list at least one entry, was empty");
    }

    @Test
    void shouldRefuseAnUnknownFlavorAndProfile() {
        assertThat(error(GOOD.replace("rest", "soap")).field()).isEqualTo("flavor");
        assertThat(error(GOOD + "error_profile: doom\n").message())
                .contains("unknown error profile 'doom'")
                .contains("mostly_ok");
    }

    @Test
    void shouldReportBrokenYamlWithItsLine() {
        SpecError e = error("id: things\nresources: [ {name: thing\n");
        assertThat(e.message()).startsWith("not valid YAML");
        assertThat(e.line()).isGreaterThan(0);
    }

    @Test
    void shouldRefuseABadIdAndABasePathWithoutSlash() {
        assertThat(error(GOOD.replace("id: things", "id: Things!")).message()).contains("lower-case");
        assertThat(error(GOOD + "base_path: api\n").message()).isEqualTo("base_path must start with '/', was 'api'");
    }

    @Test
    void shouldRefuseDriftOnAnUnknownResource() {
        SpecError e = error(GOOD + "drift: [ { resource: Ghost, after_calls: 1, rename: { a: b } } ]\n");
        assertThat(e.message()).contains("drift[0].resource names 'Ghost'");
    }

    @Test
    void shouldRefuseAKeyGivenTwiceNamingTheLineOfTheSecond() {
        SpecError e = error("""
                id: things
                resources:
                  - name: thing
                    fields: { title: sentence }
                    count: 5
                    path: /things
                    count: 6
                """);
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.field()).isEqualTo("resources[0].count");
        assertThat(e.message()).startsWith("duplicate key 'count'");
        assertThat(error("id: things\nid: others\nresources: [ { name: thing } ]\n")
                        .line())
                .isEqualTo(2);
        assertThat(error(GOOD.replace("fields: { title: sentence }", "fields: { title: sentence, title: word }"))
                        .field())
                .isEqualTo("resources[0].fields.title");
    }

    @Test
    void shouldRefuseDriftNamingAFieldTheResourceDoesNotDeclare() {
        SpecError renamed =
                error(GOOD + "drift:\n  - { resource: thing, after_calls: 1, rename: { titel: heading } }\n");
        assertThat(renamed.line()).isEqualTo(7);
        assertThat(renamed.field()).isEqualTo("drift[0].rename.titel");
        assertThat(renamed.message())
                .isEqualTo(
                        "drift[0] renames field 'titel', which resource thing does not declare; its fields: [id, title, heading]");

        SpecError removed = error(GOOD + """
                drift:
                  - resource: thing
                    manual: true
                    remove:
                      - title
                      - ghost
                """);
        assertThat(removed.line()).isEqualTo(11);
        assertThat(removed.field()).isEqualTo("drift[0].remove[1]");

        SpecError anyResource = error(GOOD + "drift: [ { after_s: 5, retype: { ghost: int } } ]\n");
        assertThat(anyResource.message()).contains("which any resource does not declare");
    }

    @Test
    void shouldAcceptDriftOnTheIdFieldAndOnFieldsAnotherRuleMakes() {
        SpecLoader.Loaded loaded = load(GOOD + """
                drift:
                  - { resource: thing, after_calls: 1, rename: { title: heading } }
                  - { resource: thing, after_calls: 2, retype: { heading: object, id: string } }
                  - { after_calls: 3, add: { score: int } }
                  - { manual: true, remove: [score] }
                """);
        assertThat(loaded).isInstanceOf(SpecLoader.Ok.class);
    }

    @Test
    void shouldKnowTheLineOfEveryKey() {
        SpecLoader.Ok ok = (SpecLoader.Ok) load(GOOD + "base_path: /api/t\n");
        assertThat(ok.lines().of("/id")).isEqualTo(1);
        assertThat(ok.lines().of("/resources/0/fields/title")).isEqualTo(5);
        assertThat(ok.lines().of("/base_path")).isEqualTo(6);
        assertThat(ok.lines().of("/nothing")).isZero();
    }

    @Test
    void shouldRefuseARefreshTokenReuseIntervalWithoutRotation() {
        SpecError e = error("""
                id: things
                auth: { type: oauth2_client_credentials, clients: [{ id: a, secret: b }], refresh_token_reuse_interval_s: 10 }
                resources:
                  - name: thing
                """);
        assertThat(e.field()).isEqualTo("auth");
        assertThat(e.message())
                .isEqualTo("auth.refresh_token_reuse_interval_s (10) needs rotating refresh tokens; "
                        + "set auth.rotate_refresh_tokens: true or remove it");
        assertThat(error("""
                id: things
                auth: { type: oauth2_refresh_token, clients: [{ id: a, secret: b }], refresh_token_reuse_interval_s: -1 }
                resources:
                  - name: thing
                """).message()).isEqualTo("auth.refresh_token_reuse_interval_s must be ≥ 0, was -1");
    }
}
