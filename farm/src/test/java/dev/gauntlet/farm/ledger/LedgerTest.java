package dev.gauntlet.farm.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LedgerTest {

    private static final Instant T = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void shouldCountASecondPlainCreateOfOneOperationAsADuplicate() {
        Ledger ledger = new Ledger();
        ledger.commit("svc", "accounts", "create", "op-1", null, "a1", T);
        ledger.commit("svc", "accounts", "create", "op-1", null, "a2", T);
        assertThat(ledger.entries("svc", true))
                .singleElement()
                .satisfies(e -> assertThat(e.commits()).isEqualTo(2));
    }

    @Test
    void shouldCountAnUpsertThatFindsItsOwnRecordAsReappliedNotAsACommit() {
        Ledger ledger = new Ledger();
        ledger.commit("svc", "accounts", "create", "op-1", null, "a1", T);
        ledger.reapply("svc", "accounts", "upsert", "op-1", null, "a1", T.plusSeconds(1));
        ledger.reapply("svc", "accounts", "upsert", "op-1", null, "a1", T.plusSeconds(2));
        assertThat(ledger.entries("svc", false)).singleElement().satisfies(e -> {
            assertThat(e.commits()).isEqualTo(1);
            assertThat(e.reapplied()).isEqualTo(2);
            assertThat(e.lastAt()).isEqualTo(T.plusSeconds(2));
        });
        assertThat(ledger.entries("svc", true)).isEmpty();
        assertThat(ledger.totalCommits()).isEqualTo(1);
    }

    @Test
    void shouldCommitAnUpsertOfARecordNoEarlierCommitOfItsOperationMade() {
        Ledger ledger = new Ledger();
        ledger.reapply("svc", "accounts", "upsert", "op-9", null, "seeded-1", T);
        assertThat(ledger.entries("svc", false)).singleElement().satisfies(e -> {
            assertThat(e.commits()).isEqualTo(1);
            assertThat(e.operation).isEqualTo("upsert");
        });
    }

    @Test
    void shouldKeepOperationsOfOtherResourcesApart() {
        Ledger ledger = new Ledger();
        ledger.commit("svc", "accounts", "create", "op-1", null, "a1", T);
        ledger.reapply("svc", "contacts", "upsert", "op-1", null, "c1", T);
        assertThat(ledger.entries("svc", false))
                .hasSize(2)
                .allSatisfy(e -> assertThat(e.reapplied()).isZero());
    }
}
