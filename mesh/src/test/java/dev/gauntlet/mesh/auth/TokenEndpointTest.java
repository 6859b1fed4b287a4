package dev.gauntlet.mesh.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.FakeTime;
import dev.gauntlet.mesh.call.ErrorClass;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token answers in the shapes vendors send, read without HTTP. */
class TokenEndpointTest {

    final TokenEndpoint endpoint = new TokenEndpoint(
            AuthConfig.OAuth2.clientCredentials("http://auth.test/oauth2/token", "client", "s3cret"),
            null,
            new FakeTime());

    TokenEndpoint.Answer read(int status, String body, Map<String, String> headers) {
        return endpoint.read("client_credentials", status, body.getBytes(StandardCharsets.UTF_8), headers::get);
    }

    @Test
    void shouldLeaveTheTtlUnsaidWhenSalesforceSendsNoExpiresIn() {
        assertThat(read(
                        200,
                        "{\"access_token\":\"00D!x\",\"instance_url\":\"http://x\",\"token_type\":\"Bearer\",\"issued_at\":\"1\"}",
                        Map.of()))
                .isEqualTo(new TokenEndpoint.Granted("00D!x", null, null));
    }

    @Test
    void shouldReadExpiresInAndTheRefreshTokenWhenGoTrueSendsThem() {
        assertThat(read(200, "{\"access_token\":\"jwt\",\"expires_in\":90,\"refresh_token\":\"rt1\"}", Map.of()))
                .isEqualTo(new TokenEndpoint.Granted("jwt", "rt1", Duration.ofSeconds(90)));
        assertThat(read(200, "{\"access_token\":\"t\",\"expires_in\":\"3600\"}", Map.of()))
                .isEqualTo(new TokenEndpoint.Granted("t", null, Duration.ofHours(1)));
        assertThat(read(200, "{\"access_token\":\"t\",\"expires_in\":0}", Map.of()))
                .as("a zero TTL is no TTL")
                .isEqualTo(new TokenEndpoint.Granted("t", null, null));
    }

    @Test
    void shouldClassifyTokenEndpointFailuresWhenItRefusesOrBreaks() {
        assertThat(read(
                        400,
                        "{\"error\":\"invalid_client\",\"error_description\":\"invalid client credentials\"}",
                        Map.of()))
                .isInstanceOfSatisfying(TokenState.Failed.class, f -> {
                    assertThat(f.errorClass()).isEqualTo(ErrorClass.invalid_creds);
                    assertThat(f.message()).contains("invalid_client").doesNotContain("s3cret");
                });
        assertThat(read(
                        400,
                        "{\"code\":400,\"error_code\":\"refresh_token_already_used\",\"msg\":\"Invalid Refresh Token: Already Used\"}",
                        Map.of()))
                .isInstanceOfSatisfying(
                        TokenState.Failed.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.invalid_creds));
        assertThat(read(503, "<html>down</html>", Map.of()))
                .isInstanceOfSatisfying(
                        TokenState.Failed.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.server_error));
        assertThat(read(429, "{}", Map.of("Retry-After", "3")))
                .isEqualTo(new TokenState.Failed(
                        ErrorClass.rate_limit,
                        429,
                        "token endpoint (client_credentials) HTTP 429",
                        Duration.ofSeconds(3)));
        assertThat(read(200, "{\"token_type\":\"Bearer\"}", Map.of()))
                .isInstanceOfSatisfying(
                        TokenState.Failed.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.server_error));
    }

    @Test
    void shouldTakeAVendorsRateLimitOnTheTokenEndpointForRateLimitNotRefusedCredentials() {
        var salesforce = new TokenEndpoint(
                AuthConfig.OAuth2.clientCredentials("http://sf.test/services/oauth2/token", "client", "s3cret"),
                null,
                new FakeTime(),
                dev.gauntlet.mesh.vendor.Vendors.get("salesforce").classifier());
        var limited = salesforce.read(
                "client_credentials",
                403,
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]"
                        .getBytes(StandardCharsets.UTF_8),
                Map.of("Retry-After", "2")::get);
        assertThat(limited).isInstanceOfSatisfying(TokenState.Failed.class, f -> {
            assertThat(f.errorClass()).isEqualTo(ErrorClass.rate_limit);
            assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        });
        var refused = salesforce.read(
                "client_credentials",
                400,
                "{\"error\":\"invalid_client\"}".getBytes(StandardCharsets.UTF_8),
                Map.<String, String>of()::get);
        assertThat(refused)
                .isInstanceOfSatisfying(
                        TokenState.Failed.class, f -> assertThat(f.errorClass()).isEqualTo(ErrorClass.invalid_creds));
    }

    @Test
    void shouldKeepSecretsOutOfToStringWhenConfigsAndTokensAreLogged() {
        assertThat(AuthConfig.OAuth2.clientCredentials("http://auth.test/t", "client", "s3cret")
                        .toString())
                .doesNotContain("s3cret");
        assertThat(new TokenEndpoint.Granted("access-value", "refresh-value", null).toString())
                .doesNotContain("access-value", "refresh-value");
    }
}
