package dev.gauntlet.harness.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The checker against the real farm's ledger, with losses and duplicates planted on purpose. */
class CheckerTest {

    FarmServer farm;
    HttpClient http = HttpClient.newHttpClient();
    Checker checker;

    @BeforeEach
    void start() {
        farm = FarmServer.start(FarmConfig.builder().host("127.0.0.1").port(0).build());
        checker = new Checker(
                new FarmLedger(farm.url(), http),
                service -> service.equals("stripe_mock") ? Set.of("op-parked") : Set.of());
    }

    @AfterEach
    void stop() {
        farm.close();
        http.close();
    }

    /** A Stripe customer create without an idempotency key: sending it twice commits it twice. */
    private void createCustomer(String opId) throws Exception {
        HttpResponse<String> r = http.send(
                HttpRequest.newBuilder(URI.create(farm.url() + "/api/stripe/v1/customers"))
                        .header("Authorization", "Bearer sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Ada&metadata[op_id]=" + opId))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void shouldBeCleanWhenEveryWriteWasCommittedOnceOrIsPending() throws Exception {
        createCustomer("op-1");
        createCustomer("op-2");
        CheckResult r = checker.check(List.of(
                new IntendedWrite("stripe_mock", "op-1"),
                new IntendedWrite("stripe_mock", "op-2"),
                new IntendedWrite("stripe_mock", "op-parked")));
        assertThat(r.clean()).isTrue();
        assertThat(r.committed()).isEqualTo(2);
        assertThat(r.pending()).isEqualTo(1);
        assertThat(r.intended()).isEqualTo(3);
    }

    @Test
    void shouldFindAPlantedDuplicate() throws Exception {
        createCustomer("op-1");
        createCustomer("op-dup");
        createCustomer("op-dup");
        CheckResult r = checker.check(
                List.of(new IntendedWrite("stripe_mock", "op-1"), new IntendedWrite("stripe_mock", "op-dup")));
        assertThat(r.clean()).isFalse();
        assertThat(r.duplicates()).isEqualTo(1);
        assertThat(r.lost()).isZero();
        assertThat(r.samples().get("duplicate")).containsExactly("stripe_mock/op-dup ×2");
    }

    @Test
    void shouldFindAPlantedLoss() throws Exception {
        createCustomer("op-1");
        CheckResult r = checker.check(
                List.of(new IntendedWrite("stripe_mock", "op-1"), new IntendedWrite("stripe_mock", "op-never-sent")));
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.services().get("stripe_mock").lost()).isEqualTo(1);
        assertThat(r.samples().get("lost")).containsExactly("stripe_mock/op-never-sent");
    }

    @Test
    void shouldNotCountAWriteReplayedBetweenItsTwoReadsAsLost() {
        // The replay commits the parked write at the moment of the checker's first read: whatever it reads first sees
        // the write parked, whatever it reads next sees it committed and no longer parked.
        var replayed = new AtomicBoolean();
        GroundTruth ledger = service -> replayed.getAndSet(true)
                ? List.of(new LedgerEntry(service, "customers", "op-replayed", "k-1", 1))
                : List.of();
        PendingWrites dlq = service -> replayed.getAndSet(true) ? Set.of() : Set.of("op-replayed");
        CheckResult r = new Checker(ledger, dlq).check(List.of(new IntendedWrite("stripe_mock", "op-replayed")));
        assertThat(r.lost()).as(r.samples().toString()).isZero();
        assertThat(r.services().get("stripe_mock").committed()
                        + r.services().get("stripe_mock").pending())
                .isEqualTo(1);
    }
}
