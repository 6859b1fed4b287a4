package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A parked write's attempt history: replay numbers across replays, the first and newest kept past the cap. */
class DlqEntryTest {
    static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    static Attempt attempt(int number, int second) {
        return new Attempt(number, T0.plusSeconds(second), 4, 503, ErrorClass.server_error, "HTTP 503");
    }

    static DlqEntry entry(List<Attempt> attempts, int schemaVersion) {
        return new DlqEntry(
                "dlq_1",
                "shop",
                "default",
                "POST",
                "/v1/customers",
                Map.of(),
                new byte[0],
                null,
                "k",
                "op",
                attempts,
                ErrorClass.server_error,
                "HTTP 503",
                schemaVersion,
                DlqState.pending,
                false,
                0,
                T0,
                T0,
                T0);
    }

    @Test
    void shouldNumberEachReplaysAttemptsWithItsReplayWhileTheirOwnNumbersStartAgain() {
        DlqEntry e = entry(List.of(attempt(1, 0), attempt(2, 1)), DlqEntry.SCHEMA_VERSION);
        e = e.withReplayAttempts(List.of(attempt(1, 10), attempt(2, 11), attempt(3, 12)));
        e = e.withReplayAttempts(List.of());
        e = e.withReplayAttempts(List.of(attempt(1, 20)));

        assertThat(e.attempts())
                .extracting(a -> a.replay() + "." + a.number())
                .containsExactly("0.1", "0.2", "1.1", "1.2", "1.3", "2.1");
        assertThat(e.nextReplay()).isEqualTo(3);
        assertThat(e.attemptsOmitted()).isZero();
    }

    @Test
    void shouldKeepTheFirstAndTheNewestAttemptsAndCountTheOnesLeftOut() {
        DlqEntry e = entry(List.of(attempt(1, 0), attempt(2, 1), attempt(3, 2)), DlqEntry.SCHEMA_VERSION);
        for (int r = 1; r <= 50; r++) {
            var tries = new ArrayList<Attempt>();
            for (int n = 1; n <= 5; n++) tries.add(attempt(n, r * 100 + n));
            e = e.withReplayAttempts(tries);
        }

        assertThat(e.attempts()).hasSize(DlqEntry.MAX_ATTEMPTS_KEPT);
        assertThat(e.attemptsOmitted()).isEqualTo(3 + 250 - DlqEntry.MAX_ATTEMPTS_KEPT);
        assertThat(e.attemptCount()).isEqualTo(253);
        assertThat(e.attempts().subList(0, DlqEntry.FIRST_ATTEMPTS_KEPT))
                .as("the first ones: the original call's three, then replays 1 to 3 and the first two of replay 4")
                .extracting(a -> a.replay() + "." + a.number())
                .startsWith("0.1", "0.2", "0.3", "1.1")
                .endsWith("3.5", "4.1", "4.2");
        assertThat(e.attempts().subList(DlqEntry.FIRST_ATTEMPTS_KEPT, DlqEntry.MAX_ATTEMPTS_KEPT))
                .as("then the newest, in order, up to replay 50's last")
                .extracting(a -> a.replay() + "." + a.number())
                .startsWith("15.1")
                .endsWith("50.4", "50.5");
        assertThat(e.nextReplay()).isEqualTo(51);
    }

    @Test
    void shouldTellTheReplaysOfAnEntryStoredBeforeAttemptsCarriedThem() {
        List<Attempt> old = List.of(attempt(1, 0), attempt(2, 1), attempt(1, 10), attempt(1, 20), attempt(2, 21));

        assertThat(entry(old, 1).attempts())
                .extracting(a -> a.replay() + "." + a.number())
                .containsExactly("0.1", "0.2", "1.1", "2.1", "2.2");
        assertThat(entry(old, 1)
                        .withReplayAttempts(List.of(attempt(1, 30)))
                        .attempts()
                        .getLast()
                        .replay())
                .isEqualTo(3);
        assertThat(entry(old, DlqEntry.SCHEMA_VERSION).attempts())
                .as("a current entry is taken as it is")
                .allSatisfy(a -> assertThat(a.replay()).isZero());
    }

    @Test
    void shouldRefuseANegativeOmittedCountNamingTheField() {
        DlqEntry e = entry(List.of(), DlqEntry.SCHEMA_VERSION);
        assertThatThrownBy(() -> new DlqEntry(
                        e.id(),
                        e.connector(),
                        e.tenant(),
                        e.method(),
                        e.path(),
                        e.headers(),
                        e.body(),
                        e.contentType(),
                        e.idempotencyKey(),
                        e.opId(),
                        e.attempts(),
                        -1,
                        e.errorClass(),
                        e.lastError(),
                        e.schemaVersion(),
                        e.state(),
                        e.unknownOutcome(),
                        e.replays(),
                        e.nextReplayAt(),
                        e.createdAt(),
                        e.updatedAt()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("attemptsOmitted");
    }
}
