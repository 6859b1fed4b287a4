package dev.gauntlet.mesh.internal.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.FarmFixture;
import dev.gauntlet.mesh.MeshContext;
import dev.gauntlet.mesh.TestStages;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.TokenState;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.MeshResponse;
import dev.gauntlet.mesh.event.EventBus;
import dev.gauntlet.mesh.event.MeshEvent;
import dev.gauntlet.mesh.event.RefreshTrigger;
import dev.gauntlet.mesh.event.TokenRefreshFailed;
import dev.gauntlet.mesh.event.TokenRefreshed;
import dev.gauntlet.mesh.internal.dlq.MemoryDeadLetters;
import dev.gauntlet.mesh.internal.store.MemoryStore;
import dev.gauntlet.mesh.pipeline.Chain;
import dev.gauntlet.mesh.pipeline.Exchange;
import dev.gauntlet.mesh.pipeline.Outcome;
import dev.gauntlet.mesh.pipeline.Pipeline;
import dev.gauntlet.mesh.pipeline.Stage;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The auth stage on a fake clock shared with the real farm (its token endpoint judges expiry by the same clock), in
 * front of a scripted stage that plays the upstream and remembers the credential each attempt carried.
 */
class AuthStageTest {

    static final FakeTime time = new FakeTime();

    @TempDir
    static Path dir;

    static FarmFixture farm;

    final EventBus events = new EventBus();
    final List<MeshEvent> published = new CopyOnWriteArrayList<>();
    final MemoryStore store = new MemoryStore();
    final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    final MeshContext context = new MeshContext(time, events, store, http, new MemoryDeadLetters(time));

    {
        events.subscribe(published::add);
    }

    @BeforeAll
    static void start() {
        farm = AuthFarm.start(dir, time, 120, null);
    }

    @AfterAll
    static void stop() {
        farm.close();
    }

    @AfterEach
    void closeClient() {
        http.close();
    }

    static final Outcome OK = new Outcome.Success(new MeshResponse(200, null, null, null, null, false));
    static final Outcome EXPIRED =
            new Outcome.Failure(ErrorClass.auth_expired, 401, "HTTP 401 (salesforce INVALID_SESSION_ID)", null, null);

    /** Plays the upstream: the outcome of its n-th attempt (1-based); remembers each attempt's Authorization header. */
    static final class Upstream implements Stage {
        final IntFunction<Outcome> script;
        final List<String> credentials = new CopyOnWriteArrayList<>();

        Upstream(IntFunction<Outcome> script) {
            this.script = script;
        }

        @Override
        public String name() {
            return "upstream";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            credentials.add(String.valueOf(exchange.request().header("Authorization")) + "|"
                    + exchange.request().header("X-API-Key"));
            return script.apply(credentials.size());
        }
    }

    /** Sits above auth, like the retry stage: remembers what request it holds after each pass down the chain. */
    static final class Above implements Stage {
        final List<MeshRequest> seen = new ArrayList<>();

        @Override
        public String name() {
            return "above";
        }

        @Override
        public Outcome handle(Exchange exchange, Chain next) {
            Outcome o = next.proceed(exchange);
            seen.add(exchange.request());
            return o;
        }
    }

    AuthConfig.OAuth2 salesforce(Duration defaultTtl, Duration margin) {
        return AuthConfig.OAuth2.clientCredentials(AuthFarm.salesforceTokenUrl(farm), "gauntlet", "gauntlet-secret")
                .withDefaultTtl(defaultTtl)
                .withRefreshMargin(margin);
    }

    ConnectorSpec spec(AuthConfig auth) {
        return ConnectorSpec.builder("sf", farm.serviceUrl("salesforce_mock"))
                .flavor("salesforce")
                .auth(auth)
                .build();
    }

    record Run(Outcome outcome, Exchange exchange) {}

    Run call(ConnectorSpec spec, AuthStage auth, Above above, Upstream upstream, MeshRequest request) {
        Exchange ex = TestStages.exchange(spec, context, request);
        // As the idempotency stage leaves it: a write carries its vendor's write form (a Salesforce POST is plain).
        if (ex.isWrite())
            ex.writeForm(spec.vendor().writeForm(request, spec.idempotency().enabled()));
        Outcome o = new Pipeline(List.of(TestStages.deadline(spec, context), above, auth, upstream)).run(ex);
        return new Run(o, ex);
    }

    Run get(ConnectorSpec spec, AuthStage auth, Upstream upstream) {
        return call(spec, auth, new Above(), upstream, MeshRequest.get("/services/data/v59.0/sobjects/Account"));
    }

    OAuthTokens tokens(AuthStage stage) {
        return ((Authenticator.OAuth) stage.authenticator()).tokens();
    }

    <T> List<T> events(Class<T> type) {
        return published.stream().filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void shouldClampTheMarginBelowTheTtlWhenTheIssuedTtlIsShort() {
        // Salesforce's answer has no expires_in: the default TTL (4 s) is used, and a 30 s margin would refresh on
        // every call.
        var spec = spec(salesforce(Duration.ofSeconds(4), Duration.ofSeconds(30)));
        var stage = TestStages.auth(spec, context);
        var upstream = new Upstream(n -> OK);

        for (int i = 0; i < 5; i++)
            assertThat(get(spec, stage, upstream).outcome().isSuccess()).isTrue();

        TokenState.Token t = tokens(stage).current("default");
        assertThat(Duration.between(t.issuedAt(), t.expiresAt())).isEqualTo(Duration.ofSeconds(4));
        assertThat(Duration.between(t.refreshAt(), t.expiresAt())).isEqualTo(Duration.ofSeconds(2));
        assertThat(events(TokenRefreshed.class)).singleElement().satisfies(e -> {
            assertThat(e.ttlMs()).isEqualTo(4000);
            assertThat(e.marginMs()).isEqualTo(2000);
            assertThat(e.trigger()).isEqualTo(RefreshTrigger.initial);
            assertThat(e.grant()).isEqualTo("client_credentials");
        });
        assertThat(OAuthTokens.effectiveMargin(Duration.ofSeconds(10), Duration.ofSeconds(90)))
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(OAuthTokens.effectiveMargin(Duration.ofSeconds(10), Duration.ofSeconds(1)))
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void shouldRefreshProactivelyAtExpiryMinusTheMarginWhenTimePasses() {
        var spec = spec(salesforce(Duration.ofSeconds(60), Duration.ofSeconds(10)));
        var stage = TestStages.auth(spec, context);
        var upstream = new Upstream(n -> OK);

        get(spec, stage, upstream);
        time.advance(Duration.ofMillis(49_999));
        get(spec, stage, upstream);
        assertThat(events(TokenRefreshed.class))
                .as("before expiry − margin the cached token is used")
                .hasSize(1);

        time.advance(Duration.ofMillis(1));
        get(spec, stage, upstream);
        // The refresh runs in the background: the call that started it went on with the token that still works.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> events(TokenRefreshed.class).size() == 2);
        get(spec, stage, upstream);

        assertThat(events(TokenRefreshed.class))
                .extracting(TokenRefreshed::trigger)
                .containsExactly(RefreshTrigger.initial, RefreshTrigger.proactive);
        assertThat(upstream.credentials).hasSize(4);
        assertThat(upstream.credentials.get(0)).isEqualTo(upstream.credentials.get(1));
        assertThat(upstream.credentials.get(2))
                .as("no call waits for the refresh: the one that starts it uses the valid token")
                .isEqualTo(upstream.credentials.get(1));
        assertThat(upstream.credentials.get(3))
                .as("later calls use the new token")
                .isNotEqualTo(upstream.credentials.get(2));
        assertThat(stage.status())
                .containsEntry("refreshes", 2L)
                .containsEntry("proactive_refreshes", 1L)
                .containsEntry("auth_expired_seen", 0L);
    }

    @Test
    void shouldRefreshOnceAndRetryAtOnceWhenTheUpstreamSaysAuthExpired() {
        var spec = spec(salesforce(Duration.ofMinutes(10), Duration.ofSeconds(10)));
        var stage = TestStages.auth(spec, context);
        var upstream = new Upstream(n -> n == 1 ? EXPIRED : OK);
        long before = AuthFarm.tokensIssued(farm, "salesforce_mock");

        Run r = get(spec, stage, upstream);

        assertThat(r.outcome().isSuccess()).isTrue();
        assertThat(upstream.credentials).hasSize(2).doesNotHaveDuplicates();
        assertThat(time.sleeps).as("retried at once").isEmpty();
        assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - before).isEqualTo(2);
        assertThat(events(TokenRefreshed.class))
                .extracting(TokenRefreshed::trigger)
                .containsExactly(RefreshTrigger.initial, RefreshTrigger.reactive);
        assertThat(stage.status()).containsEntry("auth_expired_seen", 1L).containsEntry("reactive_refreshes", 1L);
    }

    @Test
    void shouldAnswerAuthExpiredWithoutLoopingWhenTheFreshTokenIsRefusedToo() {
        var spec = spec(salesforce(Duration.ofMinutes(10), Duration.ofSeconds(10)));
        var stage = TestStages.auth(spec, context);
        var upstream = new Upstream(n -> EXPIRED);
        long before = AuthFarm.tokensIssued(farm, "salesforce_mock");

        Run r = get(spec, stage, upstream);

        assertThat(r.outcome()).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
            assertThat(f.errorClass())
                    .as("the token endpoint accepted the credentials: the token was revoked again")
                    .isEqualTo(ErrorClass.auth_expired);
            assertThat(f.status()).isEqualTo(401);
            assertThat(f.message()).contains("refused again with a freshly refreshed token");
        });
        assertThat(upstream.credentials).as("one attempt, one retry, no loop").hasSize(2);
        assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - before)
                .as("the initial token and one refresh")
                .isEqualTo(2);
        assertThat(stage.status()).containsEntry("refused_after_refresh", 1L);
    }

    @Test
    void shouldNotRefreshAgainWhenTheRefusedTokenIsNoLongerTheNewest() {
        var spec = spec(salesforce(Duration.ofMinutes(10), Duration.ofSeconds(10)));
        var stage = TestStages.auth(spec, context);
        OAuthTokens tokens = tokens(stage);
        TokenState.Token first = (TokenState.Token) tokens.acquire("default", null);
        long before = AuthFarm.tokensIssued(farm, "salesforce_mock");

        TokenState.Token second = (TokenState.Token) tokens.refreshAfterRejection("default", first.generation(), null);
        // A caller that sent the same old token and got its 401 later finds the newer one: nothing is sent.
        TokenState late = tokens.refreshAfterRejection("default", first.generation(), null);

        assertThat(second.generation()).isGreaterThan(first.generation());
        assertThat(late).isSameAs(second);
        assertThat(AuthFarm.tokensIssued(farm, "salesforce_mock") - before).isEqualTo(1);
    }

    @Test
    void shouldLeaveNoSecretOnTheExchangeWhenTheAttemptsAreOver() {
        var spec = spec(salesforce(Duration.ofMinutes(10), Duration.ofSeconds(10)));
        var stage = TestStages.auth(spec, context);
        var above = new Above();
        var upstream = new Upstream(n -> n == 1 ? EXPIRED : n == 2 ? OK : EXPIRED);
        MeshRequest write = new MeshRequest(
                "POST",
                "/services/data/v59.0/sobjects/Account",
                Map.of("X-Trace", "t1"),
                "{}".getBytes(),
                "application/json",
                "op-1",
                null);

        Run ok = call(spec, stage, above, upstream, write);
        Run failed = call(spec, stage, above, upstream, write);

        assertThat(ok.outcome().isSuccess()).isTrue();
        assertThat(failed.outcome())
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.auth_expired));
        assertThat(upstream.credentials).allSatisfy(c -> assertThat(c).startsWith("Bearer "));
        assertThat(above.seen).hasSize(2).allSatisfy(r -> {
            assertThat(r).isSameAs(write);
            assertThat(r.header("Authorization")).isNull();
        });
        assertThat(ok.exchange().request().headers()).containsOnlyKeys("X-Trace");
    }

    @Test
    void shouldInjectTheApiKeyOnEveryAttemptAndTakeItOffAfterwards() {
        var spec = spec(AuthConfig.ApiKey.builder()
                .header("X-API-Key")
                .prefix("Key ")
                .key("k-123")
                .build());
        var stage = TestStages.auth(spec, context);
        var above = new Above();
        var upstream = new Upstream(n -> OK);

        call(spec, stage, above, upstream, MeshRequest.get("/a"));
        call(spec, stage, above, upstream, MeshRequest.get("/b"));

        assertThat(upstream.credentials).containsExactly("null|Key k-123", "null|Key k-123");
        assertThat(above.seen).allSatisfy(r -> assertThat(r.headers()).isEmpty());
        assertThat(stage.status()).containsEntry("type", "api_key").doesNotContainValue("k-123");
        assertThat(spec.auth().toString()).doesNotContain("k-123");
    }

    @Test
    void shouldAnswerInvalidCredsAndNeverCallUpstreamWhenTheTokenEndpointRefusesTheClient() {
        var spec = spec(
                AuthConfig.OAuth2.clientCredentials(AuthFarm.salesforceTokenUrl(farm), "gauntlet", "wrong-secret"));
        var stage = TestStages.auth(spec, context);
        var upstream = new Upstream(n -> OK);

        Run r = get(spec, stage, upstream);

        assertThat(r.outcome()).isInstanceOfSatisfying(Outcome.Failure.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.invalid_creds);
            assertThat(f.message()).contains("invalid_client").doesNotContain("wrong-secret");
        });
        assertThat(upstream.credentials).isEmpty();
        assertThat(events(TokenRefreshFailed.class))
                .singleElement()
                .satisfies(e -> assertThat(e.errorClass()).isEqualTo(ErrorClass.invalid_creds));
        assertThat(stage.status()).containsEntry("refresh_failures", 1L);
    }

    @Test
    void shouldFailClassifiedNotThrowWhenTheTokenEndpointIsUnreachable() {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var spec = spec(
                AuthConfig.OAuth2.clientCredentials("http://127.0.0.1:1/oauth2/token", "gauntlet", "gauntlet-secret"));
        var stage = TestStages.auth(spec, context);
        var upstream = new Upstream(n -> OK);

        Run read = get(spec, stage, upstream);
        Run write = call(
                spec,
                stage,
                new Above(),
                upstream,
                new MeshRequest("POST", "/x", null, "{}".getBytes(), "application/json", "op", null));

        assertThat(read.outcome())
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.network_error));
        // The write was never sent: it must not look ambiguous (that would park it as "outcome unknown").
        assertThat(write.outcome())
                .isInstanceOfSatisfying(
                        Outcome.Failure.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.auth_expired));
        assertThat(upstream.credentials).isEmpty();
    }
}
