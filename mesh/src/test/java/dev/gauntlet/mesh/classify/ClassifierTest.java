package dev.gauntlet.mesh.classify;

import static dev.gauntlet.mesh.call.ErrorClass.auth_expired;
import static dev.gauntlet.mesh.call.ErrorClass.client_error;
import static dev.gauntlet.mesh.call.ErrorClass.invalid_creds;
import static dev.gauntlet.mesh.call.ErrorClass.network_error;
import static dev.gauntlet.mesh.call.ErrorClass.rate_limit;
import static dev.gauntlet.mesh.call.ErrorClass.server_error;
import static dev.gauntlet.mesh.call.ErrorClass.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshResponse;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class ClassifierTest {

    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    static MeshResponse answer(int status, String body, String... headers) {
        Map<String, List<String>> h = new LinkedHashMap<>();
        for (int i = 0; i < headers.length; i += 2) h.put(headers[i], List.of(headers[i + 1]));
        return new MeshResponse(status, h, body.getBytes(StandardCharsets.UTF_8), null, null, false);
    }

    static ErrorClass classify(String flavor, MeshResponse r) {
        return dev.gauntlet.mesh.vendor.Vendors.get(flavor).classifier().classify(r);
    }

    // ---- the vendors' signals, bodies as the farm's flavours write them

    @Test
    void shouldTellSalesforceExpiredSessionsFromRequestLimitsWhenBothSayForbiddenOrUnauthorized() {
        assertThat(classify(
                        "salesforce",
                        answer(
                                401,
                                "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]")))
                .isEqualTo(auth_expired);
        assertThat(classify(
                        "salesforce",
                        answer(
                                403,
                                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]",
                                "Retry-After",
                                "2")))
                .isEqualTo(rate_limit);
        assertThat(classify(
                        "salesforce",
                        answer(403, "[{\"message\":\"no access\",\"errorCode\":\"INSUFFICIENT_ACCESS\"}]")))
                .isEqualTo(client_error);
        assertThat(
                        classify(
                                "salesforce",
                                answer(
                                        400,
                                        "{\"error\":\"invalid_grant\",\"error_description\":\"expired access/refresh token\"}")))
                .isEqualTo(invalid_creds);
        assertThat(classify(
                        "salesforce",
                        answer(
                                400,
                                "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}")))
                .isEqualTo(invalid_creds);
    }

    @Test
    void shouldSeeGitHubRateLimitsWhenA403SaysSo() {
        long reset = NOW.getEpochSecond() + 30;
        MeshResponse primary = answer(
                403,
                "{\"message\":\"API rate limit exceeded for user ID 1.\"}",
                "x-ratelimit-remaining",
                "0",
                "x-ratelimit-reset",
                Long.toString(reset));
        MeshResponse secondary = answer(
                403,
                "{\"message\":\"You have exceeded a secondary rate limit.\"}",
                "retry-after",
                "60",
                "x-ratelimit-remaining",
                "4000");
        assertThat(classify("github", primary)).isEqualTo(rate_limit);
        assertThat(classify("github", secondary)).isEqualTo(rate_limit);
        assertThat(classify(
                        "github",
                        answer(
                                403,
                                "{\"message\":\"Resource not accessible by integration\"}",
                                "x-ratelimit-remaining",
                                "4999")))
                .isEqualTo(client_error);
        assertThat(classify("github", answer(422, "{\"message\":\"Validation Failed\"}")))
                .isEqualTo(client_error);
        var c = dev.gauntlet.mesh.vendor.Vendors.get("github").classifier();
        assertThat(c.judge(primary, NOW).retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.judge(secondary, NOW).retryAfter()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldTellSupabaseExpiredJwtsFromBadApiKeysWhenBothAre401() {
        assertThat(classify(
                        "supabase",
                        answer(
                                401,
                                "{\"code\":\"PGRST301\",\"details\":null,\"hint\":null,\"message\":\"JWT expired\"}")))
                .isEqualTo(auth_expired);
        assertThat(classify("supabase", answer(401, "{\"message\":\"Invalid API key\",\"hint\":\"Double check\"}")))
                .isEqualTo(invalid_creds);
        assertThat(
                        classify(
                                "supabase",
                                answer(
                                        400,
                                        "{\"code\":400,\"error_code\":\"refresh_token_already_used\",\"error\":\"invalid_grant\"}")))
                .isEqualTo(invalid_creds);
        assertThat(classify(
                        "supabase",
                        answer(
                                400,
                                "{\"code\":400,\"error_code\":\"invalid_credentials\",\"error\":\"invalid_grant\"}")))
                .isEqualTo(invalid_creds);
        assertThat(classify("supabase", answer(400, "{\"code\":\"PGRST100\",\"message\":\"bad filter\"}")))
                .isEqualTo(client_error);
    }

    @Test
    void shouldTreatRefusedKeysAsInvalidCredsWhenTheVendorsKeysDoNotExpire() {
        assertThat(
                        classify(
                                "mongodb",
                                answer(
                                        401,
                                        "{\"error\":\"invalid session: access token expired\",\"error_code\":\"InvalidSession\"}")))
                .isEqualTo(invalid_creds);
        assertThat(classify("datadog", answer(403, "{\"status\":\"error\",\"code\":403,\"errors\":[\"Forbidden\"]}")))
                .isEqualTo(invalid_creds);
        assertThat(
                        classify(
                                "stripe",
                                answer(
                                        401,
                                        "{\"error\":{\"message\":\"Invalid API Key provided\",\"type\":\"invalid_request_error\"}}")))
                .isEqualTo(invalid_creds);
        assertThat(classify("rest", answer(401, "{\"error\":{\"code\":\"invalid_credentials\"}}")))
                .isEqualTo(invalid_creds);
        assertThat(classify("rest", answer(401, "{\"error\":{\"code\":\"token_expired\"}}")))
                .isEqualTo(auth_expired);
    }

    @Test
    void shouldClassifyByStatusWhenNoVendorRuleMatches() {
        for (String flavor : dev.gauntlet.mesh.vendor.Vendors.names()) {
            assertThat(classify(flavor, answer(200, "{}"))).isNull();
            assertThat(classify(flavor, answer(429, "{}"))).isEqualTo(rate_limit);
            for (int s : new int[] {400, 404, 409, 413, 422})
                assertThat(classify(flavor, answer(s, "{}")))
                        .as(flavor + " " + s)
                        .isEqualTo(client_error);
            for (int s : new int[] {500, 502, 503, 504})
                assertThat(classify(flavor, answer(s, "{}")))
                        .as(flavor + " " + s)
                        .isEqualTo(server_error);
        }
    }

    @Test
    void shouldRetryAConflictWhenTheIdempotencyKeyIsStillInFlight() {
        assertThat(classify(
                        "stripe",
                        answer(
                                409,
                                "{\"error\":{\"code\":\"idempotency_key_in_use\"}}",
                                "Stripe-Should-Retry",
                                "true")))
                .isEqualTo(server_error);
        assertThat(classify("salesforce", answer(409, "[{\"errorCode\":\"IDEMPOTENCY_KEY_IN_USE\"}]")))
                .isEqualTo(server_error);
        assertThat(classify("github", answer(409, "{\"message\":\"Conflict\"}")))
                .isEqualTo(client_error);
    }

    // ---- waits

    @Test
    void shouldReadTheVendorsWaitWhenRateLimited() {
        assertThat(dev.gauntlet.mesh.vendor.Vendors.get("stripe")
                        .classifier()
                        .judge(answer(429, "{}", "Retry-After", "3"), NOW)
                        .retryAfter())
                .isEqualTo(Duration.ofSeconds(3));
        assertThat(dev.gauntlet.mesh.vendor.Vendors.get("datadog")
                        .classifier()
                        .judge(answer(429, "{}", "X-RateLimit-Reset", "7"), NOW)
                        .retryAfter())
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(dev.gauntlet.mesh.vendor.Vendors.get("rest")
                        .classifier()
                        .judge(answer(429, "{}", "X-RateLimit-Reset", Long.toString(NOW.getEpochSecond() + 5)), NOW)
                        .retryAfter())
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(dev.gauntlet.mesh.vendor.Vendors.get("supabase")
                        .classifier()
                        .judge(answer(503, "{}", "Retry-After", "Sun, 01 Jun 2025 12:00:04 GMT"), NOW)
                        .retryAfter())
                .isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void shouldIgnoreResetHeadersWhenTheFailureIsNotARateLimit() {
        // The farm (like the vendors) puts the bucket's headers on a 500 too: there they mean nothing about waiting.
        var v = dev.gauntlet.mesh.vendor.Vendors.get("datadog")
                .classifier()
                .judge(answer(500, "{}", "X-RateLimit-Reset", "60"), NOW);
        assertThat(v.errorClass()).isEqualTo(server_error);
        assertThat(v.retryAfter()).isNull();
    }

    // ---- overrides

    @Test
    void shouldPreferTheConnectorsRulesWhenOverridden() {
        Classifier c = dev.gauntlet.mesh.vendor.Vendors.get("rest")
                .classifier()
                .withOverrides(
                        List.of(Rule.status("quota used up", 403, rate_limit).whenBody("quota")))
                .withWaitHeaders(List.of(new WaitHeader("X-Quota-Reset-In", WaitHeader.Format.DELTA_SECONDS, true)));
        var v = c.judge(answer(403, "{\"error\":\"daily quota exceeded\"}", "X-Quota-Reset-In", "90"), NOW);
        assertThat(v.errorClass()).isEqualTo(rate_limit);
        assertThat(v.rule()).isEqualTo("quota used up");
        assertThat(v.retryAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.classify(answer(403, "{\"error\":\"forbidden\"}"))).isEqualTo(client_error);
        assertThat(dev.gauntlet.mesh.vendor.Vendors.get("rest")
                        .classifier()
                        .classify(answer(403, "{\"error\":\"daily quota exceeded\"}")))
                .isEqualTo(client_error);
    }

    @Test
    void shouldRefuseRulesThatWouldTurnSuccessesIntoFailures() {
        assertThatThrownBy(() -> Rule.status("bad", 200, server_error))
                .hasMessageContaining("rules classify failures (status ≥ 400), was 200");
        assertThatThrownBy(() -> Rule.statuses("bad", 450, 420, server_error)).hasMessageContaining("was 450..420");
    }

    // ---- I/O failures

    @Test
    void shouldClassifyTimeoutsAsTimeoutAndOtherIoFailuresAsNetworkErrors() {
        Classifier c = dev.gauntlet.mesh.vendor.Vendors.get("rest").classifier();
        assertThat(c.classify(new HttpTimeoutException("request timed out"))).isEqualTo(timeout);
        assertThat(c.classify(new HttpConnectTimeoutException("connect timed out")))
                .isEqualTo(timeout);
        assertThat(c.classify(new IOException("wrapped", new SocketTimeoutException("read"))))
                .isEqualTo(timeout);
        assertThat(c.classify(new EOFException("EOF reached while reading"))).isEqualTo(network_error);
        assertThat(c.classify(new IOException("fixed content-length: 200, bytes received: 100")))
                .isEqualTo(network_error);
        assertThat(c.classify(new ConnectException("Connection refused"))).isEqualTo(network_error);
        assertThat(c.classify(new SocketException("Connection reset"))).isEqualTo(network_error);
    }

    // ---- totality

    @Property
    void shouldGiveEveryStatusExactlyOneClassWhateverTheFlavorHeadersAndBody(
            @ForAll @IntRange(min = 100, max = 599) int status,
            @ForAll("flavors") String flavor,
            @ForAll("bodies") String body,
            @ForAll("headerNames") String header,
            @ForAll("headerValues") String value) {
        MeshResponse r = answer(status, body, header, value);
        Classifier.Verdict v =
                dev.gauntlet.mesh.vendor.Vendors.get(flavor).classifier().judge(r, NOW);
        if (status < 400) {
            assertThat(v.errorClass()).isNull();
            assertThat(v.retryAfter()).isNull();
        } else {
            assertThat(v.errorClass())
                    .isNotNull()
                    .isEqualTo(dev.gauntlet.mesh.vendor.Vendors.get(flavor)
                            .classifier()
                            .classify(r));
            if (v.retryAfter() != null) assertThat(v.retryAfter()).isGreaterThanOrEqualTo(Duration.ZERO);
        }
    }

    @Property
    void shouldGiveEveryIoFailureExactlyOneClass(
            @ForAll("ioFailures") IOException failure, @ForAll("flavors") String flavor) {
        ErrorClass c = dev.gauntlet.mesh.vendor.Vendors.get(flavor).classifier().classify(failure);
        assertThat(c).isIn(timeout, network_error);
        boolean isTimeout = failure instanceof HttpTimeoutException
                || failure instanceof SocketTimeoutException
                || failure.getCause() instanceof HttpTimeoutException
                || failure.getCause() instanceof SocketTimeoutException;
        assertThat(c).isEqualTo(isTimeout ? timeout : network_error);
    }

    @Provide
    Arbitrary<String> flavors() {
        return Arbitraries.of(dev.gauntlet.mesh.vendor.Vendors.names());
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.of(
                        "",
                        "{}",
                        "[{\"errorCode\":\"INVALID_SESSION_ID\"}]",
                        "[{\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]",
                        "{\"code\":\"PGRST301\"}",
                        "{\"error_code\":\"InvalidSession\"}",
                        "{\"errors\":[\"Forbidden\"]}",
                        "{\"error\":\"invalid_grant\"}",
                        "{\"error\":\"invalid_client\"}",
                        "secondary rate limit",
                        "idempotency_key_in_use"));
    }

    @Provide
    Arbitrary<String> headerNames() {
        return Arbitraries.of(
                "Retry-After",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                "X-RateLimit-Reset",
                "Stripe-Should-Retry",
                "X-Other");
    }

    @Provide
    Arbitrary<String> headerValues() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.longs().map(Object::toString),
                Arbitraries.of("0", "true", "Sun, 01 Jun 2025 12:00:04 GMT", "-5", "1.5"));
    }

    @Provide
    Arbitrary<IOException> ioFailures() {
        Arbitrary<IOException> direct = Arbitraries.of(
                new IOException("x"),
                new EOFException(),
                new ConnectException(),
                new SocketException(),
                new SocketTimeoutException(),
                new HttpTimeoutException("t"),
                new HttpConnectTimeoutException("t"),
                new UnknownHostException(),
                new NoRouteToHostException(),
                new ProtocolException(),
                new ClosedChannelException(),
                new InterruptedIOException(),
                new SSLHandshakeException("h"),
                new UncheckedIOException(new IOException()).getCause(),
                new NoSuchFileException("f"));
        return Arbitraries.oneOf(direct, direct.map(cause -> new IOException("wrapped", cause)));
    }
}
