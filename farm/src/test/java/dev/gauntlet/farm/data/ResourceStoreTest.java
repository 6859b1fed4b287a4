package dev.gauntlet.farm.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.spec.ResourceSpec;
import java.util.ArrayList;
import java.util.Comparator;
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

    private static List<String> ids(List<ObjectNode> records) {
        return records.stream().map(n -> n.path("id").asText()).toList();
    }

    @Test
    void shouldPageByOffsetPastDeletedRecordsAndKeepTheCount() {
        ResourceStore store = store();
        for (int i = 0; i < 3000; i++) store.create(fields("n" + i, null));
        for (int i = 1; i <= 3020; i += 2) store.delete("acc_" + i);
        assertThat(store.size()).isEqualTo(1510);
        ResourceStore.Page page = store.page(1000, 3);
        assertThat(ids(page.records())).containsExactly("acc_2002", "acc_2004", "acc_2006");
        assertThat(page.total()).isEqualTo(1510);
        assertThat(store.page(1509, 5).records()).hasSize(1);
        assertThat(store.page(1510, 5).records()).isEmpty();
        store.reset();
        assertThat(store.size()).isEqualTo(20);
        assertThat(ids(store.page(19, 5).records())).containsExactly("acc_20");
    }

    @Test
    void shouldWalkAnOrderedIndexAsAStableSortWouldAndFollowWrites() {
        ResourceStore store = store();
        var byName = new ResourceStore.Ordering(
                "name", n -> n.path("name"), Comparator.comparing(com.fasterxml.jackson.databind.JsonNode::asText));
        store.create(fields("b", null));
        store.create(fields("a", null));
        store.create(fields("b", null));
        List<ObjectNode> expected = new ArrayList<>(store.page(0, 100).records());
        expected.sort(Comparator.comparing(n -> n.path("name").asText()));
        assertThat(ids(store.ordered(byName, 0, 100))).isEqualTo(ids(expected));
        // Written after the index was built: a rename moves the record, a delete takes it out.
        store.update("acc_22", fields("0-first", null));
        store.delete("acc_21");
        List<ObjectNode> walked = store.ordered(byName, 0, 2);
        assertThat(ids(walked).getFirst()).isEqualTo("acc_22");
        assertThat(ids(store.ordered(byName, 0, 100))).doesNotContain("acc_21").hasSize(22);
        // From a position, descending: the two records named b, newest first.
        var it = store.walk(byName, JsonNodeFactory.instance.textNode("b"), Long.MAX_VALUE, true, true);
        assertThat(it.next().path("id").asText()).isEqualTo("acc_23");
    }

    @Test
    void shouldKeepAPartialIndexToTheRecordsItIncludesThroughWrites() {
        ResourceStore store = store();
        var xByName = new ResourceStore.Ordering(
                "x-by-name",
                n -> n.path("name"),
                Comparator.comparing(com.fasterxml.jackson.databind.JsonNode::asText),
                n -> n.path("tag").asText().equals("x"));
        ObjectNode a = store.create(fields("a", null).put("tag", "x"));
        ObjectNode b = store.create(fields("b", null).put("tag", "y"));
        assertThat(ids(store.ordered(xByName, 0, 100)))
                .containsExactly(a.path("id").asText());
        // Written after the index was built: b joins it, a leaves it, a record rewritten in place stays once.
        store.update(b.path("id").asText(), fields("b", null).put("tag", "x"));
        store.update(a.path("id").asText(), fields("a", null).put("tag", "y"));
        ObjectNode c = store.create(fields("c", null).put("tag", "x"));
        store.update(c.path("id").asText(), fields("c", null).put("note", "same key, same slot"));
        assertThat(ids(store.ordered(xByName, 0, 100)))
                .containsExactly(b.path("id").asText(), c.path("id").asText());
        assertThat(store.ordered(xByName, 1, 1).getFirst().path("note").asText())
                .isEqualTo("same key, same slot");
        store.delete(b.path("id").asText());
        assertThat(ids(store.ordered(xByName, 0, 100)))
                .containsExactly(c.path("id").asText());
    }

    @Test
    void shouldKeepTalliesThroughCreatesUpdatesAndDeletes() {
        ResourceStore store = store();
        var byName = new ResourceStore.Tally(
                "by-name", n -> n.hasNonNull("name") ? n.get("name").asText() : null);
        store.create(fields("x", null));
        assertThat(store.count(byName, "x")).isEqualTo(1);
        store.create(fields("x", null));
        ObjectNode noName = store.create(JsonNodeFactory.instance.objectNode());
        assertThat(store.count(byName, "x")).isEqualTo(2);
        assertThat(store.count(byName, null)).isEqualTo(1);
        store.update(noName.path("id").asText(), fields("x", null));
        store.delete("acc_21");
        assertThat(store.count(byName, "x")).isEqualTo(2);
        assertThat(store.count(byName, null)).isZero();
    }
}
