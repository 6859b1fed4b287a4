package dev.gauntlet.mesh.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.CredentialVault;
import dev.gauntlet.mesh.auth.SharedToken;
import dev.gauntlet.mesh.auth.SharedTokens;
import dev.gauntlet.mesh.auth.TokenState;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.TokenRefreshFailed;
import dev.gauntlet.mesh.event.TokenRefreshed;
import dev.gauntlet.mesh.internal.store.WriteBehind;
import dev.gauntlet.mesh.internal.store.postgres.PostgresStore;
import dev.gauntlet.mesh.internal.store.postgres.PostgresTestDatabase;
import dev.gauntlet.mesh.limit.LimitConfig;
import dev.gauntlet.mesh.store.PostgresUrl;
import dev.gauntlet.mesh.store.Retention;
import dev.gauntlet.mesh.store.StoreUnavailable;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 item 3: token refresh single-flight across nodes with a fence. Several meshes (nodes) on one PostgreSQL
 * database (a database of the class's own, a schema per test) against the real farm's Supabase, whose GoTrue rotates
 * refresh tokens and revokes the whole session on a reuse outside its 10 s interval. Farm and meshes share one fake
 * clock, so many TTLs pass in a few seconds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SharedTokenFenceTest {

    static final long TTL_S = 4;
    static final Duration MARGIN = Duration.ofSeconds(1);
    static final String PATH = "/rest/v1/accounts?limit=1";

    final FakeTime time = new FakeTime();
    PostgresTestDatabase database;
    FarmFixture farm;

    @BeforeAll
    void start(@TempDir Path dir) {
        database = new PostgresTestDatabase("gauntlet_tokens");
        farm = AuthFarm.start(dir.resolve("services"), time, TTL_S, null);
    }

    @AfterAll
    void stop() {
        if (farm != null) farm.close();
        if (database != null) database.close();
    }

    PostgresStore store(PostgresUrl url) {
        return PostgresStore.open(url, Retention.DEFAULT, InstantSource.system(), WriteBehind.Settings.DEFAULT);
    }

    AuthConfig.OAuth2 gotrue() {
        return AuthConfig.OAuth2.gotrue(
                        AuthFarm.supabaseTokenUrl(farm), "gauntlet", "gauntlet-secret", AuthIntegrationTest.ANON)
                .withRefreshMargin(MARGIN);
    }

    Connector supabase(Mesh mesh) {
        return mesh.register(ConnectorSpec.builder("supa", farm.serviceUrl("supabase_mock"))
                .flavor("supabase")
                .header("apikey", AuthIntegrationTest.ANON)
                .auth(gotrue())
                // Room for every caller at once: a throttled caller's wait would move the shared fake clock.
                .limit(LimitConfig.builder()
                        .initialRps(10_000)
                        .maxRps(10_000)
                        .burst(10_000)
                        .build())
                .build());
    }

    long tokensIssued() {
        return AuthFarm.tokensIssued(farm, "supabase_mock");
    }

    @Test
    void threeNodesHitTheTokenEndpointOncePerTokenLifetimeWithNoReuseRefused() throws Exception {
        PostgresUrl url = database.freshSchema();
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        List<PostgresStore> stores = new ArrayList<>();
        List<Mesh> meshes = new ArrayList<>();
        List<Connector> nodes = new ArrayList<>();
        long before = tokensIssued();
        long refreshedBefore = AuthFarm.tokensRefreshed(farm, "supabase_mock");
        int steps = 96;
        Duration step = Duration.ofMillis(250); // 24 s of farm time: six TTLs of 4 s, eight lifetimes of 3 s
        try {
            for (int n = 0; n < 3; n++) {
                PostgresStore s = store(url);
                stores.add(s);
                Mesh m = Mesh.builder().time(time).store(s).build();
                m.events().subscribe(events::add);
                meshes.add(m);
                nodes.add(supabase(m));
            }
            List<Integer> statuses = new ArrayList<>();
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < steps; i++) {
                    List<Future<Integer>> calls = new ArrayList<>();
                    var go = new CountDownLatch(1);
                    for (Connector node : nodes) {
                        for (int c = 0; c < 8; c++) {
                            calls.add(pool.submit(() -> {
                                go.await();
                                return node.get(PATH).status();
                            }));
                        }
                    }
                    go.countDown();
                    for (Future<Integer> f : calls) statuses.add(f.get(30, TimeUnit.SECONDS));
                    // A call within the margin starts the refresh (or the adoption) in the background and goes on with
                    // the token that still works; it ends in milliseconds, against a second of margin. The fake clock
                    // waits for it, as the real one would in effect, so the clock never runs past a refresh in flight.
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(20))
                            .until(() -> nodes.stream().allMatch(this::refreshNotDue));
                    time.advance(step);
                }
            }
            // A refresh started within the margin runs in the background: the last one may still be landing.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> events.stream()
                                    .filter(TokenRefreshed.class::isInstance)
                                    .count()
                            == tokensIssued() - before);
            long hits = tokensIssued() - before;
            double lifetimes = steps * step.toMillis() / 1_000.0 / (TTL_S - MARGIN.toSeconds());
            long adopted = sum(nodes, "tokens_adopted");
            System.out.printf(
                    "[shared tokens] 3 nodes, %d calls over %.0f s of farm time (TTL %d s, refresh every %d s: %.1f "
                            + "token lifetimes): token endpoint hit %d times (%d refresh grants), %d tokens adopted "
                            + "from the store, per node refreshes %s%n",
                    statuses.size(),
                    steps * step.toMillis() / 1_000.0,
                    TTL_S,
                    TTL_S - MARGIN.toSeconds(),
                    lifetimes,
                    hits,
                    AuthFarm.tokensRefreshed(farm, "supabase_mock") - refreshedBefore,
                    adopted,
                    nodes.stream()
                            .map(n -> AuthIntegrationTest.<Long>status(n, "refreshes"))
                            .toList());
            assertThat(statuses).hasSize(steps * 24).containsOnly(200);
            // One sign-in, then one refresh per token lifetime for the three nodes together (not one per node).
            assertThat(hits).isBetween((long) lifetimes, (long) lifetimes + 2);
            assertThat(adopted)
                    .as("the other nodes took the token from the store")
                    .isGreaterThanOrEqualTo(2 * hits - 2);
            assertThat(events.stream().filter(TokenRefreshFailed.class::isInstance))
                    .as("no refresh token reuse refused, no failed refresh")
                    .isEmpty();
            assertThat(sum(nodes, "refresh_tokens_refused")).isZero();
            assertThat(sum(nodes, "token_store_fallbacks")).isZero();
            assertThat(events.stream().filter(TokenRefreshed.class::isInstance).count())
                    .isEqualTo(hits);
        } finally {
            meshes.forEach(Mesh::close);
            stores.forEach(PostgresStore::close);
        }
    }

    @Test
    void aNodePausedPastTheFenceCannotOverwriteTheNewerTokenAndAdoptsIt() throws Exception {
        PostgresUrl url = database.freshSchema();
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        EventBus bus = new EventBus();
        bus.subscribe(events::add);
        HttpClient http = HttpClient.newHttpClient();
        try (PostgresStore storeA = store(url);
                PostgresStore storeB = store(url);
                var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Pausing vaultA = new Pausing(storeA.credentials());
            var a = new OAuthTokens("supa", gotrue(), http, time, bus, vaultA, Duration.ofSeconds(2));
            var b = new OAuthTokens("supa", gotrue(), http, time, bus, storeB.credentials(), Duration.ofSeconds(2));
            long before = tokensIssued();

            // Node A signs in; node B, started after, takes A's token from the store instead of signing in too.
            var a1 = (TokenState.Token) a.acquire("default", deadline());
            var b1 = (TokenState.Token) b.acquire("default", deadline());
            assertThat(b1.value()).isEqualTo(a1.value());
            assertThat(tokensIssued() - before).isEqualTo(1);

            // The token is refused on both. A refreshes first: it sends the stored refresh token, gets a new token,
            // then freezes (GC, SIGSTOP) before its commit, longer than its 500 ms hold of the fence.
            vaultA.pauseNextRefresh(Duration.ofMillis(500));
            Future<TokenState> frozen =
                    pool.submit(() -> a.refreshAfterRejection("default", a1.generation(), deadline()));
            assertThat(vaultA.paused.await(10, TimeUnit.SECONDS)).isTrue();
            // B waits for the fence until the server ends A's session, then refreshes from the record A never changed
            // and commits first.
            var b2 = (TokenState.Token) b.refreshAfterRejection("default", b1.generation(), deadline());
            assertThat(b2.value()).isNotEqualTo(b1.value());
            vaultA.resume.countDown();

            // A wakes up: its commit fails with its session, its compare-and-set on the version it read is refused,
            // and it adopts B's token rather than overwrite it.
            var a2 = (TokenState.Token) frozen.get(30, TimeUnit.SECONDS);
            assertThat(a2.value()).as("A uses B's token").isEqualTo(b2.value());
            assertThat(((SharedTokens) storeB.credentials()).loadToken("supa", "default"))
                    .map(SharedToken::accessToken)
                    .contains(b2.value());
            assertThat(a.metrics().commitsRefused()).isEqualTo(1);
            assertThat(a.metrics().storeFallbacks()).isEqualTo(1);
            assertThat(tokensIssued() - before).isEqualTo(3);
            System.out.printf(
                    "[shared tokens] paused node: %d token requests (A's sign-in, A's refresh, B's refresh), A's "
                            + "commit refused %d time(s), A adopted B's token%n",
                    tokensIssued() - before, a.metrics().commitsRefused());

            // The refresh token chain is intact: the next refresh, by A, sends the stored one and is answered.
            var a3 = (TokenState.Token) a.refreshAfterRejection("default", a2.generation(), deadline());
            assertThat(a3.value()).isNotEqualTo(a2.value());
            assertThat(events.stream().filter(TokenRefreshFailed.class::isInstance))
                    .as("no refresh token refused as reused")
                    .isEmpty();
            assertThat(a.metrics().refreshTokenRefused() + b.metrics().refreshTokenRefused())
                    .isZero();
        }
    }

    @Test
    void aNodeWhoseStoreIsBrieflyUnavailableWaitsForTheFenceRatherThanRefreshAlone() throws Exception {
        PostgresUrl url = database.freshSchema();
        HttpClient http = HttpClient.newHttpClient();
        try (PostgresStore storeA = store(url);
                PostgresStore storeB = store(url)) {
            Pausing vaultA = new Pausing(storeA.credentials());
            EventBus bus = new EventBus();
            var a = new OAuthTokens("supa", gotrue(), http, time, bus, vaultA, Duration.ofSeconds(2));
            var b = new OAuthTokens("supa", gotrue(), http, time, bus, storeB.credentials(), Duration.ofSeconds(2));
            var a1 = (TokenState.Token) a.acquire("default", deadline());
            var b1 = (TokenState.Token) b.acquire("default", deadline());
            assertThat(b1.value()).isEqualTo(a1.value());

            // A's token is refused while A's store answers "unavailable" twice (its pool's connections died in a
            // pause): A waits for it and refreshes under the fence, so B adopts A's token instead of minting one.
            vaultA.unavailable.set(2);
            var a2 = (TokenState.Token) a.refreshAfterRejection("default", a1.generation(), deadline());
            assertThat(a.metrics().storeFallbacks()).as("refreshed alone").isZero();
            assertThat(a.metrics().storeWaits()).isEqualTo(2);
            assertThat(((SharedTokens) storeB.credentials()).loadToken("supa", "default"))
                    .map(SharedToken::accessToken)
                    .contains(a2.value());
            long before = tokensIssued();
            var b2 = (TokenState.Token) b.refreshAfterRejection("default", b1.generation(), deadline());
            assertThat(b2.value()).as("B adopts A's committed token").isEqualTo(a2.value());
            assertThat(tokensIssued() - before).isZero();
        }
    }

    java.time.Instant deadline() {
        return time.instant().plusSeconds(30);
    }

    /**
     * A node's vault that can freeze the node inside its next fenced refresh, after its token request and before its
     * commit, holding the fence for at most a short hold.
     */
    static final class Pausing implements CredentialVault, SharedTokens {
        final CredentialVault vault;
        final SharedTokens shared;
        final CountDownLatch paused = new CountDownLatch(1);
        final CountDownLatch resume = new CountDownLatch(1);
        volatile Duration pauseWithHold;
        /** Refreshes still to be refused as "store unavailable" (a node's pool dead after a pause). */
        final java.util.concurrent.atomic.AtomicInteger unavailable = new java.util.concurrent.atomic.AtomicInteger();

        Pausing(CredentialVault vault) {
            this.vault = vault;
            this.shared = (SharedTokens) vault;
        }

        void pauseNextRefresh(Duration hold) {
            pauseWithHold = hold;
        }

        @Override
        public Optional<String> loadCredential(String connector, String tenant, String name) {
            return vault.loadCredential(connector, tenant, name);
        }

        @Override
        public void saveCredential(String connector, String tenant, String name, String value) {
            vault.saveCredential(connector, tenant, name, value);
        }

        @Override
        public Optional<SharedToken> loadToken(String connector, String tenant) {
            return shared.loadToken(connector, tenant);
        }

        @Override
        public Optional<SharedToken> refreshToken(
                String connector, String tenant, Duration hold, Function<Optional<SharedToken>, SharedToken> mint) {
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0)
                throw new StoreUnavailable(
                        StoreUnavailable.Reason.io, Duration.ofSeconds(2), "pool exhausted (test)", null);
            Duration pause = pauseWithHold;
            if (pause == null) return shared.refreshToken(connector, tenant, hold, mint);
            pauseWithHold = null;
            return shared.refreshToken(connector, tenant, pause, now -> {
                SharedToken minted = mint.apply(now);
                paused.countDown();
                try {
                    resume.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return minted;
            });
        }

        @Override
        public boolean compareAndSetToken(String connector, String tenant, long expectedVersion, SharedToken token) {
            return shared.compareAndSetToken(connector, tenant, expectedVersion, token);
        }
    }

    /** Whether the node's token is before its refresh time (nothing for it to refresh, or the refresh landed). */
    boolean refreshNotDue(Connector node) {
        String at = AuthIntegrationTest.status(node, "token_refresh_at");
        return at != null && java.time.Instant.parse(at).isAfter(time.instant());
    }

    static long sum(List<Connector> nodes, String key) {
        return nodes.stream()
                .mapToLong(n -> AuthIntegrationTest.<Long>status(n, key))
                .sum();
    }
}
