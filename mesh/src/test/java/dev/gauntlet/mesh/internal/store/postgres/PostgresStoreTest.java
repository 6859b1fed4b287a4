package dev.gauntlet.mesh.internal.store.postgres;

import static dev.gauntlet.mesh.store.StoreContract.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.gauntlet.mesh.call.Attempt;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqState;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.StoreException;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What only the shared store does: several nodes (stores on one database) claim DLQ entries exactly once, a claim
 * that outlived its lease cannot record its result over the next node's claim, the server going away degrades the
 * store and its return heals it without a restart; URLs and migrations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresStoreTest {
    PostgresTestDatabase database;

    @BeforeAll
    void createDatabase() {
        database = new PostgresTestDatabase("gauntlet_pgstore");
    }

    @AfterAll
    void dropDatabase() {
        if (database != null) database.close();
    }

    static PostgresStore open(PostgresUrl url) {
        return PostgresStore.open(url, Retention.DEFAULT, InstantSource.system(), WriteBehind.Settings.DEFAULT);
    }

    static DlqEntry entry(String id) {
        return new DlqEntry(
                id,
                "shop",
                "default",
                "POST",
                "/v1/customers",
                Map.of("X-Trace", "t"),
                "name=a".getBytes(),
                "application/x-www-form-urlencoded",
                "key-" + id,
                "op-" + id,
                List.of(new Attempt(1, T0, 12, 503, ErrorClass.server_error, "HTTP 503")),
                ErrorClass.server_error,
                "HTTP 503",
                DlqEntry.SCHEMA_VERSION,
                DlqState.pending,
                false,
                0,
                T0,
                T0,
                T0);
    }

    @Test
    void shouldClaimEachEntryOnceWhenThreeNodesClaimAtOnce() throws Exception {
        PostgresUrl url = database.freshSchema();
        try (var a = open(url);
                var b = open(url);
                var c = open(url)) {
            int n = 300;
            for (int i = 0; i < n; i++) a.dlq().insertEntry(entry("e" + i));
            List<Future<List<String>>> claims = new ArrayList<>();
            try (var pool = Executors.newFixedThreadPool(6)) {
                for (var node : List.of(a, b, c, a, b, c)) {
                    claims.add(pool.submit((Callable<List<String>>) () -> {
                        var mine = new ArrayList<String>();
                        while (true) {
                            var got = node.dlq().claimDue("shop", T0.plusSeconds(1), 7);
                            if (got.isEmpty()) return mine;
                            for (DlqEntry e : got) mine.add(e.id());
                        }
                    }));
                }
            }
            var all = new ArrayList<String>();
            for (var f : claims) all.addAll(f.get());
            assertThat(all).as("every entry claimed").hasSize(n);
            assertThat(new HashSet<>(all)).as("none claimed twice").hasSize(n);
            assertThat(a.dlq().countEntries())
                    .containsEntry(DlqState.replaying, (long) n)
                    .containsEntry(DlqState.pending, 0L);
        }
    }

    @Test
    void shouldNotRecordAReplayThatOutlivedItsLeaseOverTheNextNodesClaim() {
        PostgresUrl url = database.freshSchema();
        try (var dying = open(url);
                var next = open(url)) {
            dying.dlq().insertEntry(entry("e1"));
            DlqEntry claimed =
                    dying.dlq().claimDue("shop", T0.plusSeconds(1), 10).getFirst();

            // The lease ran out (the node froze): any node releases the claim, the next node claims the entry.
            assertThat(next.dlq().releaseClaims(T0.plusSeconds(120), T0.plusSeconds(120)))
                    .isEqualTo(1);
            DlqEntry reclaimed =
                    next.dlq().claimDue("shop", T0.plusSeconds(121), 10).getFirst();
            assertThat(reclaimed.id()).isEqualTo("e1");

            // The frozen node wakes up and tries to record its replay's result: refused, the row is the next node's.
            DlqEntry late = claimed.with(
                    claimed.attempts(), null, "late", DlqState.succeeded, false, 1, null, T0.plusSeconds(130));
            assertThatThrownBy(() -> dying.dlq().updateEntry(late))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("claim");
            assertThat(dying.dlq().transition("e1", Set.of(DlqState.replaying), DlqState.pending, T0.plusSeconds(130)))
                    .isFalse();
            assertThat(next.dlq().entry("e1").orElseThrow().state())
                    .as("still the next node's claim")
                    .isEqualTo(DlqState.replaying);

            // The next node records its own result.
            next.dlq()
                    .updateEntry(reclaimed.with(
                            reclaimed.attempts(),
                            null,
                            "done",
                            DlqState.succeeded,
                            false,
                            1,
                            null,
                            T0.plusSeconds(131)));
            assertThat(next.dlq().entry("e1").orElseThrow()).satisfies(e -> {
                assertThat(e.state()).isEqualTo(DlqState.succeeded);
                assertThat(e.lastError()).isEqualTo("done");
            });
        }
    }

    @Test
    void shouldClaimADeadNodesEntryAfterTheLeaseAndNotBefore() {
        PostgresUrl url = database.freshSchema();
        try (var survivor = open(url)) {
            try (var dead = open(url)) {
                dead.dlq().insertEntry(entry("e1"));
                assertThat(dead.dlq().claimDue("shop", T0.plusSeconds(1), 10)).hasSize(1);
            } // the node is gone with its claim
            assertThat(survivor.dlq().claimDue("shop", T0.plusSeconds(2), 10))
                    .as("claimed by another")
                    .isEmpty();
            assertThat(survivor.dlq().releaseClaims(T0, T0.plusSeconds(3)))
                    .as("within the lease")
                    .isZero();
            assertThat(survivor.dlq().releaseClaims(T0.plusSeconds(60), T0.plusSeconds(60)))
                    .as("after the lease")
                    .isEqualTo(1);
            assertThat(survivor.dlq().claimDue("shop", T0.plusSeconds(61), 10))
                    .extracting(DlqEntry::id)
                    .containsExactly("e1");
        }
    }

    @Test
    void shouldRefuseWritesWhileTheServerIsUnreachableAndRecoverWhenItIsBack() throws Exception {
        PostgresUrl direct = database.freshSchema();
        try (var cut = new TcpCut(direct.host(), direct.port());
                var s = open(new PostgresUrl("127.0.0.1", cut.port(), direct.database(), direct.params()))) {
            s.connectors().saveConnector("a", "{}");
            cut.cut();

            long t0 = System.nanoTime();
            assertThatThrownBy(() -> s.connectors().saveConnector("b", "{}"))
                    .isInstanceOfSatisfying(StoreUnavailable.class, u -> {
                        assertThat(u.reason()).isEqualTo(StoreUnavailable.Reason.io);
                        assertThat(u.getMessage()).contains("cannot be reached").doesNotContain("password");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - t0))
                    .as("noticed within the connect timeout")
                    .isLessThan(Duration.ofSeconds(5));
            assertThat(s.health().ok()).isFalse();
            long t1 = System.nanoTime();
            assertThatThrownBy(() -> s.dlq().insertEntry(entry("e1")))
                    .as("refused at once while degraded")
                    .isInstanceOf(StoreUnavailable.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t1)).isLessThan(Duration.ofSeconds(2));

            cut.resume();
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> s.health().ok());
            s.dlq().insertEntry(entry("e1"));
            assertThat(s.connectors().loadConnectors().keySet()).containsExactly("a");
            assertThat(s.dlq().entry("e1")).isPresent();
        }
    }

    @Test
    void shouldMigrateOnceAndReopenAtTheLatestVersion() {
        PostgresUrl url = database.freshSchema();
        try (var a = open(url)) {
            assertThat(a.schemaVersion()).isEqualTo(PostgresStore.latestVersion());
            a.connectors().saveConnector("shop", "{\"id\":\"shop\"}");
        }
        try (var b = open(url)) {
            assertThat(b.schemaVersion()).isEqualTo(PostgresStore.latestVersion());
            assertThat(b.connectors().loadConnector("shop")).contains("{\"id\":\"shop\"}");
        }
    }

    @Test
    void shouldFailToOpenWhenTheServerCannotBeReachedNamingTheUrlWithoutItsPassword() throws Exception {
        int closedPort;
        try (var s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        var params = new LinkedHashMap<String, String>(Map.of("user", "postgres", "password", "s3cret"));
        assertThatThrownBy(() -> open(new PostgresUrl("127.0.0.1", closedPort, "nope", params)))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("127.0.0.1:" + closedPort + "/nope")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void shouldReadTheUrlFormsOfTheCommandLine() {
        var u = PostgresUrl.parse("postgresql://127.0.0.1:5432/gauntlet?user=postgres");
        assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/gauntlet?user=postgres");
        assertThat(PostgresUrl.parse("postgres://bob:p%40ss@db.example/g").params())
                .containsEntry("user", "bob")
                .containsEntry("password", "p@ss");
        assertThat(PostgresUrl.parse("postgres://bob:p%40ss@db.example/g").safe())
                .isEqualTo("postgresql://db.example:5432/g?user=bob");
        assertThat(PostgresUrl.parse("jdbc:postgresql://[::1]:6543/g").host()).isEqualTo("::1");
        assertThatThrownBy(() -> PostgresUrl.parse("postgresql://127.0.0.1:5432/"))
                .hasMessageContaining("database name is required");
        assertThatThrownBy(() -> PostgresUrl.parse("mysql://x/y")).hasMessageContaining("postgresql://");
    }
}
