package dev.gauntlet.farm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.spec.ResourceSpec;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ResourceStoreTest {

    private static final ResourceSpec ACCOUNTS = new ResourceSpec(
            "accounts",
            "/accounts",
            null,
            Map.of("name", "company", "external_id", "uuid"),
            20,
            null,
            null,
            List.of("external_id"));

    private static ResourceStore store() {
        return new ResourceStore(ACCOUNTS, 42, (r, seq, random) -> JsonNodeFactory.instance.textNode("acc_" + seq));
    }

    private static ObjectNode fields(String name, String externalId) {
        ObjectNode n = JsonNodeFactory.instance.objectNode().put("name", name);
        if (externalId != null) n.put("external_id", externalId);
        return n;
    }

    @Test
    void shouldRefuseASecondRecordWithTheSameUniqueValueAndAddNothing() {
        ResourceStore store = store();
        ObjectNode first = store.create(fields("Ada", "op-1"));
        int size = store.size();
        assertThatThrownBy(() -> store.create(fields("Grace", "op-1")))
                .isInstanceOfSatisfying(ResourceStore.UniqueViolation.class, v -> {
                    assertThat(v.field()).isEqualTo("external_id");
                    assertThat(v.value()).isEqualTo("op-1");
                    assertThat(v.existingId()).isEqualTo(first.path("id").asText());
                });
        assertThat(store.size()).isEqualTo(size);
    }

    @Test
    void shouldIndexTheSeededRecordsSoTheirValuesAreTakenToo() {
        ResourceStore store = store();
        ObjectNode seeded = store.page(0, 1).records().getFirst();
        String taken = seeded.path("external_id").asText();
        assertThat(store.findUnique("external_id", taken)).isEqualTo(seeded);
        assertThatThrownBy(() -> store.create(fields("X", taken))).isInstanceOf(ResourceStore.UniqueViolation.class);
    }

    @Test
    void shouldAllowManyRecordsWithoutAValueSinceNullIsNotIndexed() {
        ResourceStore store = store();
        store.create(fields("A", null));
        store.create(fields("B", null));
        assertThat(store.size()).isEqualTo(22);
    }

    @Test
    void shouldRefuseAnUpdateToATakenValueAndKeepTheRecordAsItWas() {
        ResourceStore store = store();
        store.create(fields("Ada", "op-1"));
        ObjectNode other = store.create(fields("Grace", "op-2"));
        String id = other.path("id").asText();
        assertThatThrownBy(() -> store.update(id, fields("Grace", "op-1")))
                .isInstanceOf(ResourceStore.UniqueViolation.class);
        assertThat(store.get(id).path("external_id").asText()).isEqualTo("op-2");
        // Its own value is not a clash, and a changed value frees the old one.
        store.update(id, fields("Grace H.", "op-3"));
        assertThat(store.findUnique("external_id", "op-2")).isNull();
        assertThat(store.findUnique("external_id", "op-3").path("name").asText())
                .isEqualTo("Grace H.");
    }

    @Test
    void shouldFreeTheValueWhenTheRecordIsDeleted() {
        ResourceStore store = store();
        ObjectNode r = store.create(fields("Ada", "op-1"));
        store.delete(r.path("id").asText());
        assertThat(store.findUnique("external_id", "op-1")).isNull();
        assertThat(store.create(fields("Ada again", "op-1"))).isNotNull();
    }

    @Test
    void shouldCreateOnTheFirstUpsertAndUpdateTheSameRecordOnTheNext() {
        ResourceStore store = store();
        ResourceStore.Upserted first = store.upsert("external_id", "op-1", fields("Ada", null));
        ResourceStore.Upserted again = store.upsert("external_id", "op-1", fields("Ada Lovelace", null));
        assertThat(first.created()).isTrue();
        assertThat(again.created()).isFalse();
        assertThat(again.record().path("id")).isEqualTo(first.record().path("id"));
        assertThat(again.record().path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(again.record().path("external_id").asText()).isEqualTo("op-1");
        assertThat(store.size()).isEqualTo(21);
    }

    @Test
    void shouldMakeExactlyOneRecordWhenManyUpsertTheSameValueAtOnce() throws Exception {
        ResourceStore store = store();
        int threads = 16;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger created = new AtomicInteger();
        try (var pool = Executors.newFixedThreadPool(threads)) {
            for (int i = 0; i < threads; i++) {
                int n = i;
                pool.submit(() -> {
                    start.await();
                    if (store.upsert("external_id", "op-race", fields("T" + n, null))
                            .created()) created.incrementAndGet();
                    return null;
                });
            }
            start.countDown();
        }
        assertThat(created.get()).isEqualTo(1);
        assertThat(store.size()).isEqualTo(21);
    }

    @Test
    void shouldRefuseAnUpsertByAFieldThatIsNotUnique() {
        assertThatThrownBy(() -> store().upsert("name", "Ada", fields("Ada", null)))
                .hasMessageContaining("accounts.name is not a unique field");
    }

    @Test
    void shouldRefuseAUniqueFieldWhoseGeneratorRepeatsValues() {
        assertThatThrownBy(() -> new ResourceSpec(
                        "accounts", null, null, Map.of("industry", "word"), 10, null, null, List.of("industry")))
                .hasMessageContaining("resources[accounts].unique field 'industry' is generated as 'word'");
        assertThatThrownBy(() -> new ResourceSpec("accounts", null, null, Map.of(), 10, "id", null, List.of("id")))
                .hasMessageContaining("names the id field");
    }
}
