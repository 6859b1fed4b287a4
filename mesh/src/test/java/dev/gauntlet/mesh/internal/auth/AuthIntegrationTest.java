package dev.gauntlet.mesh.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.Connector;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.Mesh;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RefreshTrigger;
import dev.gauntlet.mesh.event.TokenRefreshFailed;
import dev.gauntlet.mesh.event.TokenRefreshed;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens through the whole pipeline against the real farm, whose Salesforce and Supabase copies issue tokens that
 * live 2 s. Farm and mesh share one fake clock, so many expiries pass in no time and every expiry is exact.
 */
class AuthIntegrationTest {

    static final long TTL_S = 2;
    static final String SF_PATH = "/services/data/v59.0/sobjects/Account";
    static final String SB_PATH = "/rest/v1/accounts?limit=1";
    /** The farm's built-in Supabase anon key (a JWT signed with the project's secret; docs/farm.md). */
    static final String ANON =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImdhdW50bGV0ZmFybXN1cGFiYXNlIiwicm9sZSI6ImFub24iLCJpYXQiOjE3MzU2ODk2MDAsImV4cCI6MjA1MTI2NTYwMH0.-w48Aq2RPFe7n01nPi29ChDymSPFVHkMhDJzo_0UdR4";

    /** The four standard levels plus one that revokes the presented token on a fifth of the requests. */
    static final String CHAOS = FarmFixture.chaos(
            Map.of("revoke", 0.2),
            "server_error",
            Map.of("aggressive_limits", "auth_revoke", "token_rotation", "auth_revoke"));

    static final ObjectMapper JSON = new ObjectMapper();
    static final FakeTime time = new FakeTime();

    @TempDir
    static Path dir;

    static FarmFixture farm;

    @BeforeAll
    static void start() {
        farm = AuthFarm.start(dir.resolve("services"), time, TTL_S, FarmFixture.write(dir, "chaos.yaml", CHAOS));
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    static Mesh mesh(MemoryStore store, List<MeshEvent> events) {
        Mesh m = Mesh.builder().time(time).store(store).build();
        m.events().subscribe(events::add);
        return m;
    }

    /** Salesforce's token answer has no expires_in: the mesh assumes {@code assumedTtl}. */
    static Connector salesforce(Mesh mesh, String id, Duration assumedTtl) {
        return mesh.register(ConnectorSpec.builder(id, farm.serviceUrl("salesforce_mock"))
                .flavor("salesforce")
                .auth(AuthConfig.OAuth2.clientCredentials(
                                AuthFarm.salesforceTokenUrl(farm), "gauntlet", "gauntlet-secret")
                        .withDefaultTtl(assumedTtl))
                // Room for a hundred callers at once: a throttled caller's wait would move the shared fake clock past
                // the token's expiry, and this test is about refresh, not throttling.
                .limit(dev.gauntlet.mesh.limit.LimitConfig.builder()
                        .initialRps(1_000)
                        .maxRps(10_000)
                        .burst(1_000)
                        .build())
                .build());
    }

    static Connector supabase(Mesh mesh) {
        return mesh.register(ConnectorSpec.builder("supa", farm.serviceUrl("supabase_mock"))
                .flavor("supabase")
                .header("apikey", ANON)
                .auth(AuthConfig.OAuth2.gotrue(AuthFarm.supabaseTokenUrl(farm), "gauntlet", "gauntlet-secret", ANON))
                .build());
    }

    @SuppressWarnings("unchecked")
    static <T> T status(Connector c, String key) {
        return (T) c.status().get("auth").get(key);
    }

    static <T> List<T> of(List<MeshEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void shouldSurfaceNoAuthExpiredAcrossManyExpiriesWhenTheVendorSaysNoTtl() {
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = mesh(new MemoryStore(), events)) {
            // Assumes 30 s, the farm says 2 s: every expiry is learnt from a 401 and mended inside the auth stage.
            Connector reactive = salesforce(mesh, "sf_reactive", Duration.ofSeconds(30));
            // Assumes the true 2 s: refreshed ahead of time (margin clamped to 1 s), never a 401.
            Connector proactive = salesforce(mesh, "sf_proactive", Duration.ofSeconds(TTL_S));
            long before = AuthFarm.tokensIssued(farm, "salesforce_mock");

            for (int i = 0; i < 150; i++) {
                assertThat(reactive.get(SF_PATH).status()).isEqualTo(200);
                assertThat(proactive.get(SF_PATH).status()).isEqualTo(200);
                time.advance(Duration.ofMillis(100)); // 15 s of the fake clock the farm shares: seven expiries of 2 s
            }

            long reactiveRefreshes = status(reactive, "reactive_refreshes");
            assertThat(reactiveRefreshes).isEqualTo(7);
            assertThat((long) status(reactive, "auth_expired_seen")).isEqualTo(reactiveRefreshes);
            // Refreshed a second ahead of each 2 s expiry (so once a second) over the 15 s, after the first token.
            assertThat((long) status(proactive, "proactive_refreshes")).isEqualTo(14);
            assertThat((long) status(proactive, "auth_expired_seen")).isZero();
            assertThat(of(events, TokenRefreshFailed.class)).isEmpty();
            assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - before)
                    .isEqualTo((long) status(reactive, "refreshes") + (long) status(proactive, "refreshes"));
        }
    }

    @Test
    void shouldSendOneTokenRequestPerExpiryWhenAHundredCallersMeetAnExpiredToken() throws Exception {
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = mesh(new MemoryStore(), events)) {
            Connector knowsTtl = salesforce(mesh, "sf_clock", Duration.ofSeconds(TTL_S));
            Connector learnsFrom401 = salesforce(mesh, "sf_401", Duration.ofMinutes(10));
            knowsTtl.get(SF_PATH);
            learnsFrom401.get(SF_PATH);
            time.advance(Duration.ofSeconds(TTL_S + 1));

            for (Connector c : List.of(knowsTtl, learnsFrom401)) {
                long before = AuthFarm.tokensIssued(farm, "salesforce_mock");
                assertThat(hundredAtOnce(c)).as(c.id()).containsOnly(200);
                assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - before)
                        .as(c.id() + ": token requests")
                        .isEqualTo(1);
                assertThat((long) status(c, "refreshes")).isEqualTo(2);
            }
            // Past expiry on our clock nobody is refused; on a token the farm expired first, all hundred may be.
            assertThat((long) status(knowsTtl, "auth_expired_seen")).isZero();
            assertThat((long) status(learnsFrom401, "reactive_refreshes")).isEqualTo(1);
        }
    }

    static List<Integer> hundredAtOnce(Connector c) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> calls = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 100; i++) {
                calls.add(pool.submit(() -> {
                    go.await();
                    return c.get(SF_PATH).status();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : calls) statuses.add(f.get());
            return statuses;
        }
    }

    @Test
    void shouldRotateSupabaseRefreshTokensSavingEachBeforeUseWhenTokensExpire() {
        MemoryStore store = new MemoryStore();
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        List<String> vaultAtEachRefresh = new CopyOnWriteArrayList<>();
        long refreshedBefore = AuthFarm.tokensRefreshed(farm, "supabase_mock");
        try (Mesh mesh = mesh(store, events)) {
            // What the vault holds when each new token is handed out, i.e. before the refresh token can be used.
            mesh.events().subscribe(e -> {
                if (e instanceof TokenRefreshed)
                    vaultAtEachRefresh.add(store.credentials()
                            .loadCredential("supa", "default", OAuthTokens.REFRESH_TOKEN)
                            .orElse(""));
            });
            Connector supa = supabase(mesh);
            for (int i = 0; i < 8; i++) {
                assertThat(supa.get(SB_PATH).status()).isEqualTo(200);
                // The first call fetches the token; each later one, past expiry − margin, starts a refresh in the
                // background and goes on with the token that still works: wait for that refresh to end.
                int refreshed = i + 1;
                org.awaitility.Awaitility.await()
                        .atMost(Duration.ofSeconds(5))
                        .until(() -> of(events, TokenRefreshed.class).size() == refreshed);
                time.advance(Duration.ofMillis(1_500)); // past expiry − margin (2 s − 1 s): the next call refreshes
            }
            assertThat(of(events, TokenRefreshed.class))
                    .extracting(TokenRefreshed::grant)
                    .containsExactly(
                            "password",
                            "refresh_token",
                            "refresh_token",
                            "refresh_token",
                            "refresh_token",
                            "refresh_token",
                            "refresh_token",
                            "refresh_token");
            assertThat(of(events, TokenRefreshFailed.class))
                    .as("a spent refresh token was never sent again")
                    .isEmpty();
            assertThat(AuthFarm.tokensRefreshed(farm, "supabase_mock") - refreshedBefore)
                    .isEqualTo(7);
            assertThat(vaultAtEachRefresh)
                    .hasSize(8)
                    .doesNotHaveDuplicates()
                    .allSatisfy(v -> assertThat(v).isNotBlank());
            assertThat((long) status(supa, "auth_expired_seen")).isZero();
        }
        // A restart finds the last rotated token in the vault and goes on with it (it was never used). The stored
        // access token still works but is within its margin: the first call uses it and refreshes in the background.
        List<MeshEvent> after = new CopyOnWriteArrayList<>();
        try (Mesh mesh = mesh(store, after)) {
            assertThat(supabase(mesh).get(SB_PATH).status()).isEqualTo(200);
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !of(after, TokenRefreshed.class).isEmpty());
            assertThat(of(after, TokenRefreshed.class))
                    .singleElement()
                    .satisfies(e -> assertThat(e.grant()).isEqualTo("refresh_token"));
            assertThat(of(after, TokenRefreshFailed.class)).isEmpty();
        }
    }

    @Test
    void shouldFallBackToThePasswordGrantWhenTheSavedRefreshTokenIsRefused() {
        MemoryStore store = new MemoryStore();
        store.credentials().saveCredential("supa", "default", OAuthTokens.REFRESH_TOKEN, "spent-or-unknown");
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = mesh(store, events)) {
            assertThat(supabase(mesh).get(SB_PATH).status()).isEqualTo(200);
        }
        assertThat(of(events, TokenRefreshFailed.class)).singleElement().satisfies(e -> {
            assertThat(e.grant()).isEqualTo("refresh_token");
            assertThat(e.errorClass()).isEqualTo(ErrorClass.invalid_creds);
        });
        assertThat(of(events, TokenRefreshed.class))
                .singleElement()
                .satisfies(e -> assertThat(e.grant()).isEqualTo("password"));
        assertThat(store.credentials().loadCredential("supa", "default", OAuthTokens.REFRESH_TOKEN))
                .get()
                .isNotEqualTo("spent-or-unknown");
    }

    @Test
    void shouldRecoverFromChaosRevocationWithOneReactiveRefreshEach() throws Exception {
        farm.chaos("{\"level\":\"revoke\",\"services\":[\"salesforce_mock\"]}");
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = mesh(new MemoryStore(), events)) {
            Connector sf = salesforce(mesh, "sf_chaos", Duration.ofMinutes(10));
            long faultsBefore = revocations();
            long issuedBefore = AuthFarm.tokensIssued(farm, "salesforce_mock");
            int ok = 0;
            for (int i = 0; i < 100; i++) {
                // A retry whose fresh token was revoked too comes back auth_expired, and the retry stage tries again:
                // no call fails and no auth_expired reaches the caller.
                sf.get(SF_PATH);
                ok++;
            }
            long revoked = revocations() - faultsBefore;
            long reactive = status(sf, "reactive_refreshes");
            long refusedTwice = status(sf, "refused_after_refresh");
            assertThat(revoked).as("the farm did revoke tokens").isGreaterThan(10);
            assertThat(ok).isEqualTo(100);
            // Each revoked token costs exactly one refresh: met on a first attempt, or (when the retry's fresh token
            // was
            // revoked too) on the retry stage's next attempt. Only the very last revoked token may go unrefreshed.
            assertThat(reactive).as("one reactive refresh per revoked token").isBetween(revoked - 1, revoked);
            assertThat((long) status(sf, "auth_expired_seen"))
                    .as("no 401 refreshed twice")
                    .isEqualTo(reactive);
            assertThat(refusedTwice)
                    .as("a second 401 in a row is handed to the retry stage, not looped on")
                    .isLessThan(revoked / 3 + 1);
            assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - issuedBefore)
                    .isEqualTo(1 + reactive);
        } finally {
            farm.chaos("{\"level\":\"calm\",\"services\":[\"salesforce_mock\"]}");
        }
    }

    @Test
    void shouldGiveEachSessionItsOwnTokenSoARevocationRefreshesOnlyThatSession() throws Exception {
        farm.chaos("{\"level\":\"revoke\",\"services\":[\"salesforce_mock\"]}");
        List<MeshEvent> events = new CopyOnWriteArrayList<>();
        try (Mesh mesh = mesh(new MemoryStore(), events)) {
            Connector sf = mesh.register(ConnectorSpec.builder("sf_sessions", farm.serviceUrl("salesforce_mock"))
                    .flavor("salesforce")
                    .auth(AuthConfig.OAuth2.clientCredentials(
                                    AuthFarm.salesforceTokenUrl(farm), "gauntlet", "gauntlet-secret")
                            .withDefaultTtl(Duration.ofMinutes(10))
                            .withSessions(3))
                    .build());
            long issuedBefore = AuthFarm.tokensIssued(farm, "salesforce_mock");
            for (int i = 0; i < 60; i++) sf.get(SF_PATH);

            List<TokenRefreshed> refreshes = of(events, TokenRefreshed.class);
            // One login per session, each under its own credential key, taken in turn.
            assertThat(refreshes.stream()
                            .filter(e -> e.trigger() == RefreshTrigger.initial)
                            .map(TokenRefreshed::tenant))
                    .containsExactlyInAnyOrder("default", "default#1", "default#2");
            // A revoked token is refreshed for its own session only: each reactive refresh names one session, and the
            // farm issued exactly one token per login and per revocation - no other session was refreshed with it.
            List<TokenRefreshed> reactive = refreshes.stream()
                    .filter(e -> e.trigger() == RefreshTrigger.reactive)
                    .toList();
            assertThat(reactive).as("the farm revoked some tokens").hasSizeGreaterThan(3);
            assertThat(reactive.stream().map(TokenRefreshed::tenant).distinct())
                    .hasSizeGreaterThan(1)
                    .allSatisfy(t -> assertThat(t).isIn("default", "default#1", "default#2"));
            assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - issuedBefore)
                    .isEqualTo(3 + reactive.size());
            assertThat((int) status(sf, "sessions")).isEqualTo(3);
        } finally {
            farm.chaos("{\"level\":\"calm\",\"services\":[\"salesforce_mock\"]}");
        }
    }

    @Test
    void shouldRefuseASessionCountOutOfRange() {
        var base = AuthConfig.OAuth2.clientCredentials("http://127.0.0.1:1/token", "a", "b");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.withSessions(0))
                .hasMessageContaining("auth.sessions must be 1 to 64, was 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> base.withSessions(65))
                .hasMessageContaining("was 65");
    }

    static long revocations() throws Exception {
        return JSON.readTree(farm.get("/admin/faults?service=salesforce_mock&type=auth_revoke&limit=1"))
                .get("total")
                .asLong();
    }

    @Test
    void shouldShowTheTokenStateInTheConnectorsStatus() {
        try (Mesh mesh = mesh(new MemoryStore(), new ArrayList<>())) {
            Connector sf = salesforce(mesh, "sf_status", Duration.ofSeconds(TTL_S));
            sf.get(SF_PATH);
            Map<String, Object> auth = sf.status().get("auth");
            assertThat(auth)
                    .containsKeys(
                            "token_expires_at",
                            "refreshes",
                            "refresh_failures",
                            "refresh_p50_ms",
                            "refresh_p99_ms",
                            "auth_expired_seen");
            assertThat(auth.get("token_expires_at"))
                    .isEqualTo(time.instant().plusSeconds(TTL_S).toString());
            // Timed on the mesh's time source: the fake clock did not move while the one refresh was in flight.
            assertThat(auth.get("refreshes")).hasToString("1");
            assertThat(auth).containsEntry("refresh_p50_ms", 0.0).containsEntry("refresh_p99_ms", 0.0);
            assertThat(auth.values()).noneMatch(v -> String.valueOf(v).contains("gauntlet-secret"));
        }
    }
}
