package dev.gauntlet.mesh.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.idempotency.Intent;
import dev.gauntlet.mesh.idempotency.IntentState;
import dev.gauntlet.mesh.metrics.MetricRollup;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The store contract: what every store does alike, slice by slice (round trips, claims, open entries, retention).
 * One subclass per store opens a fresh, empty store for each test: SQLite, memory, PostgreSQL.
 */
public abstract class StoreContract {
    public static final Instant T0 = Instant.parse("2025-06-01T12:00:00Z");

    /** A fresh, empty store with the default retention. */
    protected abstract Store open();

    /** A fresh, empty store with this retention. */
    protected abstract Store open(Retention retention);

    /** Whether finished intents are pruned beyond their row cap (the memory store keeps its own bounded generations instead). */
    protected boolean prunesIntentsByCap() {
        return true;
    }

    public static DlqEntry entry(String id, String connector, Instant created, Instant next) {
        return new DlqEntry(
                id,
                connector,
                "default",
                "POST",
                "/v1/customers",
                Map.of("X-Trace", "t"),
                "name=a".getBytes(),
                "application/x-www-form-urlencoded",
                "key-" + id,
                "op-" + id,
                List.of(new dev.gauntlet.mesh.call.Attempt(
                        1, created, 12, 503, dev.gauntlet.mesh.call.ErrorClass.server_error, "HTTP 503")),
                dev.gauntlet.mesh.call.ErrorClass.server_error,
                "HTTP 503",
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                false,
                0,
                next,
                created,
                created);
    }

    /** The n-th event of a connector: a replay that succeeded after n replays (n shows in its JSON as "replays"). */
    public static dev.gauntlet.mesh.event.MeshEvent happened(Instant at, String connector, int n) {
        return new dev.gauntlet.mesh.event.ReplaySucceeded(at, connector, "dlq-" + n, n, 200);
    }

    static final java.time.Duration HOLD = java.time.Duration.ofSeconds(5);

    static SharedToken token(String access, long issuedAfterT0, String refresh) {
        return new SharedToken(access, T0.plusSeconds(issuedAfterT0), T0.plusSeconds(issuedAfterT0 + 60), refresh, 0);
    }

    @Test
    void shouldRefreshASharedTokenUnderItsFenceAndRefuseAStaleCommit() {
        try (Store s = open()) {
            SharedTokens tokens = (SharedTokens) s.credentials();
            assertThat(tokens.loadToken("gotrue", "default")).isEmpty();
            SharedToken first = token("a1", 0, "r1");
            // The first refresh finds no record, mints, and the commit makes version 1.
            assertThat(tokens.refreshToken("gotrue", "default", HOLD, now -> {
                        assertThat(now).isEmpty();
                        return first;
                    }))
                    .contains(first.withVersion(1));
            assertThat(tokens.loadToken("gotrue", "default")).contains(first.withVersion(1));
            // Mint answers null (another node's token is fresh): the record stays as it is.
            assertThat(tokens.refreshToken("gotrue", "default", HOLD, now -> null))
                    .contains(first.withVersion(1));
            SharedToken second = token("a2", 50, "r2");
            assertThat(tokens.refreshToken("gotrue", "default", HOLD, now -> {
                        assertThat(now).contains(first.withVersion(1));
                        return second;
                    }))
                    .contains(second.withVersion(2));
            // A node that read version 1 (then paused) cannot overwrite version 2 ...
            assertThat(tokens.compareAndSetToken("gotrue", "default", 1, token("stale", 40, "r-stale")))
                    .isFalse();
            assertThat(tokens.loadToken("gotrue", "default")).contains(second.withVersion(2));
            // ... and with the version it reads now, it may.
            assertThat(tokens.compareAndSetToken("gotrue", "default", 2, token("a3", 100, null)))
                    .isTrue();
            assertThat(tokens.loadToken("gotrue", "default"))
                    .contains(token("a3", 100, null).withVersion(3));
            // The first write of a tenant's record is a compare-and-set too, and tenants do not meet.
            assertThat(tokens.compareAndSetToken("gotrue", "other", 0, first)).isTrue();
            assertThat(tokens.compareAndSetToken("gotrue", "other", 0, second)).isFalse();
            assertThat(tokens.loadToken("gotrue", "other")).contains(first.withVersion(1));
            // The plain credentials of the vault are apart from the records.
            assertThat(s.credentials().loadCredential("gotrue", "default", "refresh_token"))
                    .isEmpty();
        }
    }

    @Test
    void shouldMintASharedTokenOnceWhenEightCallersRefreshAtOnce() throws Exception {
        try (Store s = open();
                var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            SharedTokens tokens = (SharedTokens) s.credentials();
            assertThat(tokens.compareAndSetToken("gotrue", "default", 0, token("a1", 0, "r1")))
                    .isTrue();
            var minted = new java.util.concurrent.atomic.AtomicInteger();
            var go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<java.util.Optional<SharedToken>>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    // Each caller saw a1 due; under the fence, one mints and the others find a2 already there.
                    return tokens.refreshToken("gotrue", "default", HOLD, now -> {
                        if (!now.orElseThrow().accessToken().equals("a1")) return null;
                        minted.incrementAndGet();
                        return token("a2", 30, "r2");
                    });
                }));
            }
            go.countDown();
            for (var r : results)
                assertThat(r.get()).contains(token("a2", 30, "r2").withVersion(2));
            assertThat(minted).hasValue(1);
        }
    }

    @Test
    void shouldRoundTripCredentialsSchemasAndConnectors() throws Exception {
        try (Store s = open()) {
            s.credentials().saveCredential("sf", "default", "refresh_token", "r1");
            s.credentials().saveCredential("sf", "default", "refresh_token", "r2");
            var schema = new ObjectMapper().readTree("{\"type\":\"object\",\"fields\":{\"id\":\"string\"}}");
            s.schemas().saveSchema("sf", "GET /accounts", schema);
            s.connectors().saveConnector("b", "{\"id\":\"b\"}");
            s.connectors().saveConnector("a", "{\"id\":\"a\"}");

            assertThat(s.credentials().loadCredential("sf", "default", "refresh_token"))
                    .contains("r2");
            assertThat(s.credentials().loadCredential("sf", "other", "refresh_token"))
                    .isEmpty();
            assertThat(s.schemas().loadSchemas("sf")).containsExactly(Map.entry("GET /accounts", schema));
            assertThat(s.connectors().loadConnectors().keySet()).containsExactly("a", "b");
            assertThat(s.connectors().deleteConnector("a")).isTrue();
            assertThat(s.connectors().deleteConnector("a")).isFalse();
            assertThat(s.connectors().loadConnector("a")).isEmpty();
        }
    }

    @Test
    void shouldCountEveryConnectorChange() {
        try (Store s = open()) {
            long before = s.connectors().changes();
            s.connectors().saveConnector("a", "{\"id\":\"a\"}");
            long created = s.connectors().changes();
            assertThat(created).as("a create moves the counter").isGreaterThan(before);
            s.connectors().saveConnector("a", "{\"id\":\"a\",\"v\":2}");
            long updated = s.connectors().changes();
            assertThat(updated).as("an update moves it").isGreaterThan(created);
            assertThat(s.connectors().changes()).as("reading does not").isEqualTo(updated);
            assertThat(s.connectors().deleteConnector("a")).isTrue();
            long deleted = s.connectors().changes();
            assertThat(deleted).as("a delete moves it").isGreaterThan(updated);
            assertThat(s.connectors().deleteConnector("a")).isFalse();
            assertThat(s.connectors().changes())
                    .as("a delete of nothing does not")
                    .isEqualTo(deleted);
        }
    }

    static NodeInfo node(String id, Instant seen) {
        return new NodeInfo(id, "http://" + id, T0, "dev", "postgresql", "redis", seen);
    }

    @Test
    void shouldKeepEachNodeLatestBeatAndDropTheSilentOnes() {
        try (Store s = open()) {
            assertThat(s.nodes().nodes()).isEmpty();
            s.nodes().beat(node("n2:8012", T0));
            s.nodes().beat(node("n1:8002", T0));
            s.nodes().beat(node("n1:8002", T0.plusSeconds(2)));
            assertThat(s.nodes().nodes())
                    .as("one row per node, by id, the latest beat")
                    .containsExactly(node("n1:8002", T0.plusSeconds(2)), node("n2:8012", T0));

            assertThat(s.nodes().dropSilent(T0))
                    .as("last seen at the bound: kept")
                    .isZero();
            assertThat(s.nodes().dropSilent(T0.plusSeconds(1))).isEqualTo(1);
            assertThat(s.nodes().nodes()).extracting(NodeInfo::id).containsExactly("n1:8002");

            assertThat(s.nodes().leave("n1:8002")).isTrue();
            assertThat(s.nodes().leave("n1:8002")).isFalse();
            assertThat(s.nodes().nodes()).isEmpty();
        }
    }

    @Test
    void shouldRoundTripEventsAndRollups() {
        try (Store s = open()) {
            s.events().appendEvent(happened(T0, "a", 1));
            s.events().appendEvent(happened(T0.plusSeconds(1), "b", 2));
            s.events().appendEvent(happened(T0.plusSeconds(2), "a", 3));
            var r1 = new MetricRollup("a", T0, 10, 12, 9, 1, 2, 1, 1.5, 4.0, 9.0, 12.0);
            var r2 = new MetricRollup("a", T0.plusSeconds(1), 5, 5, 5, 0, 0, 0, 1, 2, 3, 4);
            s.rollups().saveRollups(List.of(r2, r1));

            assertThat(s.events().recentEvents(null, 10))
                    .extracting(e -> e.json())
                    .first()
                    .asString()
                    .contains("\"replays\":3");
            assertThat(s.events().recentEvents("a", 10)).hasSize(2).first().satisfies(e -> {
                assertThat(e.type()).isEqualTo("replay_succeeded");
                assertThat(e.at()).isEqualTo(T0.plusSeconds(2));
            });
            assertThat(s.events().recentEvents(null, 1)).hasSize(1);
            assertThat(s.rollups().rollups("a", T0, T0.plusSeconds(2))).containsExactly(r1, r2);
            assertThat(s.rollups().rollups(null, T0.plusSeconds(1), T0.plusSeconds(2)))
                    .containsExactly(r2);
        }
    }

    @Test
    void shouldRoundTripIntentsAndFindTheStaleOnes() {
        try (Store s = open()) {
            var i = new Intent(
                    "k1",
                    "shop",
                    "default",
                    "POST",
                    "/v1/customers",
                    Map.of("X-Trace", "t"),
                    "a=1".getBytes(),
                    "text/plain",
                    "op-1",
                    IntentState.in_flight,
                    T0,
                    T0);
            s.intents().recordIntent(i);
            s.intents()
                    .recordIntent(new Intent(
                            "k2",
                            "shop",
                            "default",
                            "POST",
                            "/x",
                            null,
                            null,
                            null,
                            null,
                            IntentState.in_flight,
                            T0.plusSeconds(60),
                            T0.plusSeconds(60)));

            assertThat(s.intents().intent("k1")).get().satisfies(r -> {
                assertThat(r.body()).isEqualTo("a=1".getBytes());
                assertThat(r.headers()).containsEntry("X-Trace", "t");
                assertThat(r.opId()).isEqualTo("op-1");
                assertThat(r.state()).isEqualTo(IntentState.in_flight);
            });
            assertThat(s.intents().staleIntents(T0.plusSeconds(30), 10))
                    .extracting(Intent::key)
                    .containsExactly("k1");
            assertThat(s.intents().completeIntent("k1", IntentState.succeeded, T0.plusSeconds(1)))
                    .isTrue();
            assertThat(s.intents().completeIntent("nope", IntentState.succeeded, T0))
                    .isFalse();
            assertThat(s.intents().staleIntents(T0.plusSeconds(30), 10)).isEmpty();
            // A replay records the same key again: back in flight, first creation time kept.
            s.intents()
                    .recordIntent(new Intent(
                            "k1",
                            "shop",
                            "default",
                            "POST",
                            "/v1/customers",
                            null,
                            null,
                            null,
                            null,
                            IntentState.in_flight,
                            T0.plusSeconds(90),
                            T0.plusSeconds(90)));
            assertThat(s.intents().intent("k1")).get().satisfies(r -> {
                assertThat(r.state()).isEqualTo(IntentState.in_flight);
                assertThat(r.createdAt()).isEqualTo(T0);
                assertThat(r.updatedAt()).isEqualTo(T0.plusSeconds(90));
            });
        }
    }

    @Test
    void shouldMoveAnIntentOnlyWhileItIsAsTheCallerLastSawIt() {
        try (Store s = open()) {
            Instant sent = T0.plusMillis(1_234); // whole milliseconds, as the mesh writes them
            s.intents().recordIntent(intent("k1", sent));

            // Renewed by its sender: a compare-and-set on the time it last wrote.
            Instant renewed = sent.plusSeconds(10);
            assertThat(s.intents().moveIntent("k1", sent, IntentState.in_flight, renewed))
                    .isTrue();
            assertThat(s.intents().intent("k1").orElseThrow().updatedAt()).isEqualTo(renewed);
            // The old lease no longer matches: a recovery that read it before the renewal does not take it.
            assertThat(s.intents().moveIntent("k1", sent, IntentState.parked, renewed.plusSeconds(1)))
                    .isFalse();
            assertThat(s.intents().intent("k1").orElseThrow().state()).isEqualTo(IntentState.in_flight);

            // Another send recorded the same write: the first sender's renewal fails.
            Instant other = renewed.plusSeconds(5);
            s.intents().recordIntent(intent("k1", other));
            assertThat(s.intents().moveIntent("k1", renewed, IntentState.in_flight, other.plusSeconds(1)))
                    .isFalse();

            // Recovery takes it as read; once parked, nobody renews it.
            assertThat(s.intents().moveIntent("k1", other, IntentState.parked, other.plusSeconds(2)))
                    .isTrue();
            assertThat(s.intents().intent("k1").orElseThrow().state()).isEqualTo(IntentState.parked);
            assertThat(s.intents().moveIntent("k1", other.plusSeconds(2), IntentState.in_flight, other.plusSeconds(3)))
                    .isFalse();
            assertThat(s.intents().moveIntent("nope", T0, IntentState.parked, T0))
                    .isFalse();
        }
    }

    private static Intent intent(String key, Instant at) {
        return new Intent(
                key,
                "shop",
                "default",
                "POST",
                "/repos/o/r/issues",
                null,
                null,
                null,
                "op-" + key,
                IntentState.in_flight,
                at,
                at);
    }

    @Test
    void shouldFindTheOpenEntryOfAKeyAndNoSettledOne() {
        try (Store s = open()) {
            s.dlq().insertEntry(entry("a", "shop", T0, T0));
            DlqEntry done = entry("b", "shop", T0, T0);
            s.dlq()
                    .insertEntry(new DlqEntry(
                            "b",
                            "shop",
                            "default",
                            "POST",
                            "/v1/customers",
                            Map.of(),
                            new byte[0],
                            null,
                            "key-x",
                            "op-x",
                            List.of(),
                            ErrorClass.server_error,
                            "503",
                            DlqEntry.SCHEMA_VERSION,
                            DlqState.succeeded,
                            false,
                            1,
                            null,
                            T0,
                            T0));
            s.dlq().insertEntry(entry("c", "crm", T0, T0));

            assertThat(s.dlq().openEntry("shop", "key-a"))
                    .get()
                    .extracting(DlqEntry::id)
                    .isEqualTo("a");
            assertThat(s.dlq().openEntry("crm", "key-a"))
                    .as("another connector's key")
                    .isEmpty();
            assertThat(s.dlq().openEntry("shop", "key-x"))
                    .as("succeeded: settled, not open")
                    .isEmpty();
            s.dlq().transition("a", Set.of(DlqState.pending), DlqState.replaying, T0);
            assertThat(s.dlq().openEntry("shop", "key-a"))
                    .as("being replayed is still open")
                    .isPresent();
            assertThat(done.id()).isEqualTo("b");
        }
    }

    @Test
    void shouldClaimDueEntriesOfUnknownOutcomeApartFromTheOthers() {
        try (Store s = open()) {
            s.dlq().insertEntry(entry("plain", "shop", T0, T0));
            for (String id : List.of("unknown-due", "unknown-later")) {
                DlqEntry e = entry(id, "shop", T0, id.endsWith("later") ? T0.plusSeconds(30) : T0);
                s.dlq()
                        .insertEntry(e.with(
                                e.attempts(),
                                ErrorClass.network_error,
                                "reset",
                                DlqState.pending,
                                true,
                                0,
                                e.nextReplayAt(),
                                T0));
            }
            DlqEntry elsewhere = entry("unknown-crm", "crm", T0, T0);
            s.dlq()
                    .insertEntry(elsewhere.with(
                            elsewhere.attempts(), ErrorClass.timeout, "slow", DlqState.pending, true, 0, T0, T0));

            assertThat(s.dlq().claimDue("shop", T0.plusSeconds(1), 10, true))
                    .as("due, of this connector, of unknown outcome")
                    .extracting(DlqEntry::id)
                    .containsExactly("unknown-due");
            assertThat(s.dlq().claimDue("shop", T0.plusSeconds(1), 10, true))
                    .as("claimed once")
                    .isEmpty();
            assertThat(s.dlq().claimDue("shop", T0.plusSeconds(1), 10))
                    .extracting(DlqEntry::id)
                    .containsExactly("plain");
            assertThat(s.dlq().entry("unknown-due").orElseThrow().state()).isEqualTo(DlqState.replaying);
            assertThat(s.dlq().entry("unknown-later").orElseThrow().state()).isEqualTo(DlqState.pending);
        }
    }

    @Test
    void shouldRoundTripDlqEntriesAndClaimOnlyTheDueOnes() {
        try (Store s = open()) {
            s.dlq().insertEntry(entry("e1", "shop", T0, T0.plusSeconds(1)));
            s.dlq().insertEntry(entry("e2", "shop", T0.plusSeconds(1), T0.plusSeconds(5)));
            s.dlq().insertEntry(entry("e3", "crm", T0.plusSeconds(2), T0.plusSeconds(1)));
            DlqEntry unknown = entry("e4", "shop", T0.plusSeconds(3), T0);
            s.dlq()
                    .insertEntry(unknown.with(
                            unknown.attempts(),
                            ErrorClass.network_error,
                            "reset",
                            DlqState.pending,
                            true,
                            0,
                            T0,
                            T0.plusSeconds(3)));

            assertThat(s.dlq().entry("e1"))
                    .get()
                    .usingRecursiveComparison()
                    .isEqualTo(entry("e1", "shop", T0, T0.plusSeconds(1)));
            assertThat(s.dlq().entries(DlqFilter.ALL)).extracting(DlqEntry::id).containsExactly("e4", "e3", "e2", "e1");
            assertThat(s.dlq().entries(new DlqFilter("shop", null, 2)))
                    .extracting(DlqEntry::id)
                    .containsExactly("e4", "e2");
            assertThat(s.dlq().entries(new DlqFilter(null, null, ErrorClass.network_error, 10)))
                    .extracting(DlqEntry::id)
                    .containsExactly("e4");
            assertThat(s.dlq().entries(new DlqFilter("shop", DlqState.pending, ErrorClass.server_error, 10)))
                    .extracting(DlqEntry::id)
                    .containsExactly("e2", "e1");
            assertThat(s.dlq().oldestPending()).contains(T0);

            List<DlqEntry> claimed = s.dlq().claimDue("shop", T0.plusSeconds(2), 10);
            assertThat(claimed)
                    .as("due, of this connector, not of unknown outcome")
                    .extracting(DlqEntry::id)
                    .containsExactly("e1");
            assertThat(claimed.getFirst().state()).isEqualTo(DlqState.replaying);
            assertThat(s.dlq().claimDue("shop", T0.plusSeconds(2), 10))
                    .as("a claimed entry is not claimed twice")
                    .isEmpty();
            assertThat(s.dlq().claimDue(null, T0.plusSeconds(10), 1))
                    .extracting(DlqEntry::id)
                    .containsExactly("e3");
            assertThat(s.dlq().countEntries())
                    .containsEntry(DlqState.pending, 2L)
                    .containsEntry(DlqState.replaying, 2L)
                    .containsEntry(DlqState.dead, 0L);

            DlqEntry e1 = s.dlq().entry("e1").orElseThrow();
            s.dlq()
                    .updateEntry(e1.with(
                            List.of(), ErrorClass.timeout, "slow", DlqState.dead, false, 3, null, T0.plusSeconds(9)));
            assertThat(s.dlq().entry("e1")).get().satisfies(e -> {
                assertThat(e.state()).isEqualTo(DlqState.dead);
                assertThat(e.replays()).isEqualTo(3);
                assertThat(e.nextReplayAt()).isNull();
                assertThat(e.errorClass()).isEqualTo(ErrorClass.timeout);
            });
            assertThat(s.dlq().transition("e1", Set.of(DlqState.pending), DlqState.discarded, T0))
                    .as("not pending")
                    .isFalse();
            assertThat(s.dlq().transition("e1", Set.of(DlqState.pending, DlqState.dead), DlqState.discarded, T0))
                    .isTrue();
            assertThat(s.dlq().releaseClaims(T0.plusSeconds(60), T0.plusSeconds(60)))
                    .as("e3's claim")
                    .isEqualTo(1);
            assertThat(s.dlq().entry("e3")).get().extracting(DlqEntry::state).isEqualTo(DlqState.pending);
        }
    }

    @Test
    void shouldKeepEachAttemptsReplayNumberAndCountTheOmittedOnes() {
        try (Store s = open()) {
            s.dlq().insertEntry(entry("e1", "shop", T0, T0));
            // 40 replays of 6 attempts each: 241 attempts, more than an entry keeps.
            for (int r = 1; r <= 40; r++) {
                DlqEntry e = s.dlq().entry("e1").orElseThrow();
                var tries = new java.util.ArrayList<dev.gauntlet.mesh.call.Attempt>();
                for (int n = 1; n <= 6; n++) {
                    tries.add(new dev.gauntlet.mesh.call.Attempt(
                            n, T0.plusSeconds(r * 60L + n), 3, 503, ErrorClass.server_error, "HTTP 503"));
                }
                DlqEntry grown = e.withReplayAttempts(tries);
                s.dlq()
                        .updateEntry(grown.with(
                                grown.attempts(),
                                ErrorClass.server_error,
                                "HTTP 503",
                                DlqState.pending,
                                false,
                                r,
                                T0,
                                T0.plusSeconds(r * 60L)));
            }
            DlqEntry e = s.dlq().entry("e1").orElseThrow();
            assertThat(e.attempts()).hasSize(DlqEntry.MAX_ATTEMPTS_KEPT);
            assertThat(e.attemptsOmitted()).isEqualTo(241 - DlqEntry.MAX_ATTEMPTS_KEPT);
            assertThat(e.attemptCount()).isEqualTo(241);
            assertThat(e.attempts().getFirst())
                    .as("the original call's attempt is kept")
                    .extracting(a -> a.replay() + "." + a.number())
                    .isEqualTo("0.1");
            assertThat(e.attempts().get(1).replay()).as("then replay 1's").isEqualTo(1);
            assertThat(e.attempts().getLast())
                    .as("and the newest: replay 40's last attempt")
                    .extracting(a -> a.replay() + "." + a.number())
                    .isEqualTo("40.6");
            assertThat(e.nextReplay()).isEqualTo(41);
        }
    }

    @Test
    void shouldPruneOldAndSurplusHistoryWhenRetentionSaysSo() {
        var retention = Retention.builder()
                .eventAge(Duration.ofHours(1))
                .eventRows(3)
                .rollupAge(Duration.ofMinutes(10))
                .rollupRows(1000)
                .finishedAge(Duration.ofDays(1))
                .build();
        Store s = open(retention);
        try (s) {
            Instant now = T0.plus(Duration.ofDays(2));
            s.events().appendEvent(happened(now.minus(Duration.ofHours(2)), "a", 0)); // too old
            for (int i = 1; i <= 4; i++)
                s.events().appendEvent(happened(now.minusSeconds(10 - i), "a", i)); // one beyond the cap
            s.rollups()
                    .saveRollups(List.of(
                            new MetricRollup("a", now.minus(Duration.ofMinutes(11)), 1, 1, 1, 0, 0, 0, 1, 1, 1, 1),
                            new MetricRollup("a", now.minus(Duration.ofMinutes(1)), 1, 1, 1, 0, 0, 0, 1, 1, 1, 1)));
            DlqEntry old = entry("old", "a", T0, T0);
            s.dlq().insertEntry(old.with(old.attempts(), null, null, DlqState.succeeded, false, 1, null, T0));
            s.dlq().insertEntry(entry("pending", "a", T0, T0));

            long removed = s.prune(now);

            assertThat(s.events().recentEvents(null, 100))
                    .extracting(e -> e.json())
                    .hasSize(3)
                    .allSatisfy(
                            j -> assertThat(j).doesNotContain("\"replays\":0").doesNotContain("\"replays\":1"));
            assertThat(s.rollups().rollups(null, T0, now.plusSeconds(1))).hasSize(1);
            assertThat(s.dlq().entries(DlqFilter.ALL))
                    .as("pending entries are never pruned")
                    .extracting(DlqEntry::id)
                    .containsExactly("pending");
            assertThat(removed).isEqualTo(2 + 1 + 1);
        }
    }

    @Test
    void shouldKeepTheNewestFinishedEntriesAndIntentsWithinTheirRowCaps() {
        var retention = Retention.builder().finishedRows(3).intentRows(4).build();
        Store s = open(retention);
        try (s) {
            for (int i = 0; i < 6; i++) {
                DlqEntry e = entry("done" + i, "a", T0, T0);
                s.dlq()
                        .insertEntry(e.with(
                                e.attempts(),
                                null,
                                null,
                                i % 2 == 0 ? DlqState.succeeded : DlqState.discarded,
                                false,
                                1,
                                null,
                                T0.plusSeconds(i)));
            }
            s.dlq().insertEntry(entry("pending", "a", T0, T0));
            DlqEntry dead = entry("dead", "a", T0, T0);
            s.dlq().insertEntry(dead.with(dead.attempts(), null, null, DlqState.dead, false, 10, null, T0));
            for (int i = 0; i < 7; i++) {
                s.intents()
                        .recordIntent(new Intent(
                                "k" + i,
                                "a",
                                "default",
                                "POST",
                                "/x",
                                Map.of(),
                                new byte[0],
                                null,
                                "op" + i,
                                IntentState.in_flight,
                                T0,
                                T0));
                s.intents().completeIntent("k" + i, IntentState.succeeded, T0.plusSeconds(i));
            }
            s.intents()
                    .recordIntent(new Intent(
                            "flying",
                            "a",
                            "default",
                            "POST",
                            "/x",
                            Map.of(),
                            new byte[0],
                            null,
                            "opf",
                            IntentState.in_flight,
                            T0,
                            T0));

            s.prune(T0.plusSeconds(60));

            assertThat(s.dlq().entries(DlqFilter.ALL))
                    .extracting(DlqEntry::id)
                    .as("the 3 newest finished, and work not done")
                    .containsExactlyInAnyOrder("done5", "done4", "done3", "pending", "dead");
            if (prunesIntentsByCap()) { // the memory store keeps its own bounded generations of intents
                for (int i = 0; i < 3; i++)
                    assertThat(s.intents().intent("k" + i)).as("k" + i).isEmpty();
                for (int i = 3; i < 7; i++)
                    assertThat(s.intents().intent("k" + i)).as("k" + i).isPresent();
            }
            assertThat(s.intents().intent("flying"))
                    .as("an intent in flight is never pruned")
                    .isPresent();
        }
    }

    @Test
    void shouldFindTheOpenEntryOfAKeyAfterItWasGivenAFreshKey() {
        try (Store s = open()) {
            DlqEntry e = entry("e1", "shop", T0, T0).withKey("key-1~r2", T0);
            s.dlq().insertEntry(e);
            assertThat(s.dlq().openEntry("shop", "key-1"))
                    .get()
                    .extracting(DlqEntry::id)
                    .isEqualTo("e1");
            assertThat(s.dlq().openEntry("shop", "key-1~r2"))
                    .get()
                    .extracting(DlqEntry::id)
                    .isEqualTo("e1");
            assertThat(s.dlq().openEntry("shop", "key-10")).isEmpty();
            assertThat(s.dlq().openEntry("shop", "key")).isEmpty();
        }
        assertThat(dev.gauntlet.mesh.idempotency.IdempotencyKeys.original("k~r12"))
                .isEqualTo("k");
        assertThat(dev.gauntlet.mesh.idempotency.IdempotencyKeys.original("k~rx"))
                .isEqualTo("k~rx");
        assertThat(dev.gauntlet.mesh.idempotency.IdempotencyKeys.original("k")).isEqualTo("k");
    }
}
