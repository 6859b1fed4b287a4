package dev.gauntlet.farm.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.spec.ServiceSpec;
import dev.gauntlet.farm.spec.SpecLoader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The reload rule as a value: what a change to a service file keeps and what it resets. */
class ServiceReloadPlanTest {

    private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
    private static final String BASE = """
            id: shop
            flavor: rest
            description: v1
            auth: { type: api_key, api_keys: [k-1] }
            idempotency: { header: Idempotency-Key }
            error_profile: mostly_ok
            resources:
              - { name: item, path: /items, fields: { title: sentence }, count: 3 }
              - { name: note, path: /notes, fields: { text: sentence }, count: 2 }
            """;

    private static ServiceSpec spec(String yaml) {
        var loader = new SpecLoader(f -> Set.of("rest", "stripe").contains(f), Set.of("mostly_ok", "server_errors"));
        return switch (loader.load("shop.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)))) {
            case SpecLoader.Ok ok -> ok.spec();
            case SpecLoader.Failed f -> throw new AssertionError(f.error().toString());
        };
    }

    private static ServiceReload plan(String after) {
        return ServiceReload.between(spec(BASE), spec(after), AT);
    }

    @Test
    void shouldKeepEverythingWhenOnlyWireSettingsChange() {
        ServiceReload r = plan(BASE.replace("description: v1", "description: v2")
                        .replace(
                                "error_profile: mostly_ok",
                                "error_profile: server_errors\nrate_limit: { max_rps: 5 }\nbase_path: /api/shop2\nmax_body_bytes: 10")
                + "drift: [ { resource: item, manual: true, remove: [title] } ]\noptions: { write_latency_ms: '5' }\n");
        assertThat(r.kept()).containsExactly("item", "note");
        assertThat(r.reset()).isEmpty();
        assertThat(r.keepsKeys()).isTrue();
        assertThat(r.keepsTokens()).isTrue();
        assertThat(r.keepsLimits()).as("a new rate means new buckets").isFalse();
        assertThat(r.keepsDrift()).as("new rules start over").isFalse();
    }

    @Test
    void shouldResetOnlyTheResourceWhoseSpecChangedNamingWhatChanged() {
        ServiceReload r = plan(BASE.replace(
                "fields: { title: sentence }, count: 3", "fields: { title: word }, count: 4, operations: [list, get]"));
        assertThat(r.kept()).containsExactly("note");
        assertThat(r.reset())
                .containsExactly(new ServiceReload.Reset("item", "schema changed: operations, fields, count"));
        assertThat(r.keepsKeys())
                .as("the store stays; the reset resource's keys are taken out of it")
                .isTrue();
    }

    @Test
    void shouldCountPaginationAndIdFieldAsSchema() {
        assertThat(plan(BASE.replace("count: 2 }", "count: 2, id_field: key }")).reset())
                .containsExactly(new ServiceReload.Reset("note", "schema changed: id_field"));
        assertThat(plan(BASE.replace("count: 2 }", "count: 2, pagination: { page_size: 5 } }"))
                        .reset())
                .containsExactly(new ServiceReload.Reset("note", "schema changed: pagination"));
    }

    @Test
    void shouldResetEveryResourceWhenTheFlavorOrLedgerChangesAndSayWhichAreNewOrGone() {
        ServiceReload flavor = plan(BASE.replace("flavor: rest", "flavor: stripe"));
        assertThat(flavor.kept()).isEmpty();
        assertThat(flavor.reset())
                .extracting(ServiceReload.Reset::reason)
                .containsOnly("flavor changed: rest → stripe");
        assertThat(flavor.keepsKeys()).isFalse();
        assertThat(flavor.keepsTokens()).isFalse();

        assertThat(plan(BASE + "ledger: { op_id_field: ref }\n").reset())
                .extracting(ServiceReload.Reset::reason)
                .containsOnly("ledger changed");

        ServiceReload renamed = plan(BASE.replace("name: note, path: /notes", "name: memo, path: /memos"));
        assertThat(renamed.kept()).containsExactly("item");
        assertThat(renamed.added()).containsExactly("memo");
        assertThat(renamed.reset()).containsExactly(new ServiceReload.Reset("note", "removed from the file"));
    }

    @Test
    void shouldRenewTokensWhenAuthChanges() {
        ServiceReload r = plan(BASE.replace("api_keys: [k-1]", "api_keys: [k-2]"));
        assertThat(r.keepsTokens()).isFalse();
        assertThat(r.kept()).containsExactly("item", "note");
    }
}
