package dev.gauntlet.farm.flavor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.TestFarm;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The Supabase flavour over real loopback HTTP: GoTrue tokens, the apikey gateway and PostgREST tables. */
class SupabaseFlavorTest extends BuiltInFarmTest {

    private static final String BASE = "/api/supabase";
    private static final String ANON = "sb-anon-gauntlet-key";

    // ---- GoTrue ----

    @Test
    void shouldIssueASignedJwtWithExpiryWhenThePasswordGrantSucceeds() throws Exception {
        HttpResponse<String> r = passwordGrant(farm, "gauntlet", "gauntlet-secret");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("token_type").asText()).isEqualTo("bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(90);
        assertThat(body.get("refresh_token").asText()).isNotBlank();
        String jwt = body.get("access_token").asText();
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = TestFarm.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = TestFarm.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(claims.get("role").asText()).isEqualTo("authenticated");
        assertThat(claims.get("sub").asText()).isEqualTo(body.at("/user/id").asText());
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(90);
        assertThat(body.get("expires_at").asLong()).isEqualTo(claims.get("exp").asLong());
        // The signature is HMAC-SHA256 of header.payload with the local Supabase stack's default secret.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec("super-secret-jwt-token-with-at-least-32-characters-long".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8)));
        assertThat(parts[2]).isEqualTo(expected);
    }

    @Test
    void shouldRefuseTheLoginWhenThePasswordIsWrong() {
        HttpResponse<String> r = passwordGrant(farm, "gauntlet", "nope");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("error_code").asText()).isEqualTo("invalid_credentials");
        assertThat(body.get("msg").asText()).isEqualTo("Invalid login credentials");
        assertThat(body.get("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void shouldRotateTheRefreshTokenAndRefuseItsReuseWhenRefreshing() {
        String first = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret")).get("refresh_token").asText();

        HttpResponse<String> once = refreshGrant(farm, first);
        assertThat(once.statusCode()).isEqualTo(200);
        String second = TestFarm.json(once).get("refresh_token").asText();
        assertThat(second).isNotEqualTo(first);

        HttpResponse<String> next = refreshGrant(farm, second);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(rest(farm, "GET", "/rest/v1/accounts?limit=1", TestFarm.json(next).get("access_token").asText(), null).statusCode())
                .isEqualTo(200);

        HttpResponse<String> reuse = refreshGrant(farm, first);
        assertThat(reuse.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(reuse);
        assertThat(body.get("code").asInt()).isEqualTo(400);
        assertThat(body.get("error_code").asText()).isEqualTo("refresh_token_already_used");
        assertThat(body.get("msg").asText()).isEqualTo("Invalid Refresh Token: Already Used");
    }

    @Test
    void shouldAnswerTheDatedErrorShapeWhenTheClientSendsTheApiVersionHeader() {
        HttpResponse<String> r = farm.postJson(BASE + "/auth/v1/token?grant_type=password",
                "{\"email\":\"gauntlet\",\"password\":\"nope\"}", "apikey", ANON, "X-Supabase-Api-Version", "2024-01-01");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("code").asText()).isEqualTo("invalid_credentials");
        assertThat(body.get("message").asText()).isEqualTo("Invalid login credentials");
    }

    @Test
    void shouldServeTheSameJwtWhenTheFarmWideTokenEndpointIsUsed() {
        String token = farm.token("supabase_mock", "gauntlet", "gauntlet-secret");

        assertThat(token.split("\\.")).hasSize(3);
        assertThat(rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null).statusCode()).isEqualTo(200);
    }

    // ---- the gateway and JWT checks ----

    @Test
    void shouldAnswer401WhenTheApikeyIsMissing() {
        String token = accessToken(farm);
        HttpResponse<String> r = farm.get(BASE + "/rest/v1/accounts", "Authorization", "Bearer " + token);

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("message").asText()).isEqualTo("No API key found in request");
        assertThat(body.get("hint").asText()).isEqualTo("No `apikey` request header or url param was found.");

        HttpResponse<String> login = farm.postJson(BASE + "/auth/v1/token?grant_type=password", "{\"email\":\"gauntlet\",\"password\":\"gauntlet-secret\"}");
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(login).get("message").asText()).isEqualTo("No API key found in request");
    }

    @Test
    void shouldAnswer401WhenTheApikeyIsWrong() {
        HttpResponse<String> r = farm.get(BASE + "/rest/v1/accounts", "apikey", "not-the-key", "Authorization", "Bearer " + accessToken(farm));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Invalid API key");
    }

    @Test
    void shouldAcceptTheApikeyAsAQueryParameter() {
        HttpResponse<String> r = farm.get(BASE + "/rest/v1/accounts?limit=1&apikey=" + ANON, "Authorization", "Bearer " + accessToken(farm));

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerJwtExpiredWhenTheAccessTokenOutlivesItsTtl() {
        farm.close();
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
        farm = TestFarm.start(FarmConfig.builder().clock(clock));
        String token = accessToken(farm);
        assertThat(rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null).statusCode()).isEqualTo(200);

        clock.advance(Duration.ofSeconds(91));
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null);

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("code").asText()).isEqualTo("PGRST301");
        assertThat(body.get("message").asText()).isEqualTo("JWT expired");
        assertThat(body.has("details")).isTrue();
        assertThat(body.has("hint")).isTrue();
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    void shouldRecoverWithARefreshWhenChaosRevokesTheAccessToken() {
        farm.close();
        TestFarm.write(dir.resolve("services"), "supabase_mock.yaml",
                builtInYaml("supabase_mock.yaml").replace("error_profile: token_rotation", "error_profile: only_auth_revoke"));
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")).chaosFile(TestFarm.chaosWithOnly(dir)));
        JsonNode session = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"));
        farm.chaos("{\"level\":\"all_errors\"}");

        HttpResponse<String> revoked = rest(farm, "GET", "/rest/v1/accounts?limit=1", session.get("access_token").asText(), null);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(revoked).get("message").asText()).isEqualTo("JWT expired");

        // The token endpoint takes no bearer, so revocation chaos cannot strike the refresh itself.
        HttpResponse<String> refreshed = refreshGrant(farm, session.get("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        farm.chaos("{\"level\":\"calm\"}");
        HttpResponse<String> again = rest(farm, "GET", "/rest/v1/accounts?limit=1", TestFarm.json(refreshed).get("access_token").asText(), null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(rest(farm, "GET", "/rest/v1/accounts?limit=1", session.get("access_token").asText(), null).statusCode()).isEqualTo(401);
    }

    // ---- PostgREST ----

    @Test
    void shouldSelectFilterOrderAndLimitWhenQueryingATable() {
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?select=id,name,revenue&revenue=gt.50000&order=revenue.desc&limit=5",
                accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("0-4/*");
        JsonNode rows = TestFarm.json(r);
        assertThat(rows).hasSize(5);
        double previous = Double.MAX_VALUE;
        for (JsonNode row : rows) {
            assertThat(row.properties()).extracting(java.util.Map.Entry::getKey).containsExactly("id", "name", "revenue");
            assertThat(row.get("revenue").asDouble()).isGreaterThan(50000).isLessThanOrEqualTo(previous);
            previous = row.get("revenue").asDouble();
        }
    }

    @Test
    void shouldFilterWithInAndEqWhenSeveralFiltersAreGiven() {
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?select=id&id=in.(2,4,6)&id=neq.4", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).findValuesAsText("id")).containsExactly("2", "6");
    }

    @Test
    void shouldMatchCaseInsensitivelyWhenFilteringWithIlike() {
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?select=name&name=ilike.*ACME*", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r)).isNotEmpty().allSatisfy(row -> assertThat(row.get("name").asText()).startsWith("Acme"));
    }

    @Test
    void shouldAnswerPartialContentWithTheTotalWhenARangeIsCountedExactly() {
        String token = accessToken(farm);
        HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/accounts?select=id").GET()
                .header("apikey", ANON).header("Authorization", "Bearer " + token)
                .header("Range", "0-9").header("Prefer", "count=exact"));

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("0-9/500");
        assertThat(TestFarm.json(r).findValuesAsText("id")).containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    }

    @Test
    void shouldWalkEveryRowExactlyOnceWhenPagingWithRanges() {
        String token = accessToken(farm);
        java.util.Set<String> seen = new java.util.HashSet<>();
        int pages = 0;
        for (int from = 0; ; from += 100) {
            HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/accounts?select=id").GET()
                    .header("apikey", ANON).header("Authorization", "Bearer " + token)
                    .header("Range", from + "-" + (from + 99)));
            JsonNode rows = TestFarm.json(r);
            if (rows.isEmpty()) break;
            pages++;
            for (JsonNode row : rows) assertThat(seen.add(row.get("id").asText())).isTrue();
        }
        assertThat(seen).hasSize(500);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void shouldReturnOneObjectWhenTheClientAsksForASingleRow() {
        HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/accounts?id=eq.7").GET()
                .header("apikey", ANON).header("Authorization", "Bearer " + accessToken(farm))
                .header("Accept", "application/vnd.pgrst.object+json"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).get("id").asInt()).isEqualTo(7);
    }

    @Test
    void shouldInsertRowsAndCommitEachToTheLedgerWhenRepresentationIsPreferred() {
        HttpResponse<String> r = rest(farm, "POST", "/rest/v1/accounts",
                accessToken(farm), "[{\"name\":\"Acme\",\"external_id\":\"op-sb-1\"},{\"name\":\"Globex\",\"external_id\":\"op-sb-2\"}]",
                "Prefer", "return=representation");

        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode rows = TestFarm.json(r);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("id").asLong()).isEqualTo(501);
        assertThat(rows.get(1).get("name").asText()).isEqualTo("Globex");
        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=supabase_mock"));
        assertThat(ledger.get("entries").findValuesAsText("op_id")).containsExactlyInAnyOrder("op-sb-1", "op-sb-2");
        assertThat(ledger.get("entries").findValues("commits")).allSatisfy(c -> assertThat(c.asInt()).isEqualTo(1));
    }

    @Test
    void shouldInsertWithAnEmptyAnswerWhenNoRepresentationIsPreferred() {
        HttpResponse<String> r = rest(farm, "POST", "/rest/v1/accounts", accessToken(farm), "{\"name\":\"Initech\",\"external_id\":\"op-sb-3\"}");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEmpty();
        assertThat(farm.farm().ledger().entries("supabase_mock", false)).extracting(e -> e.opId).containsExactly("op-sb-3");
    }

    @Test
    void shouldUpdateAndDeleteTheFilteredRows() {
        String token = accessToken(farm);
        HttpResponse<String> patched = rest(farm, "PATCH", "/rest/v1/accounts?id=eq.3", token, "{\"industry\":\"Energy\"}", "Prefer", "return=representation");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(patched).get(0).get("industry").asText()).isEqualTo("Energy");

        assertThat(rest(farm, "DELETE", "/rest/v1/accounts?id=eq.3", token, null).statusCode()).isEqualTo(204);
        assertThat(TestFarm.json(rest(farm, "GET", "/rest/v1/accounts?id=eq.3", token, null))).isEmpty();
    }

    @Test
    void shouldRefuseADeleteWithoutFiltersAsSupabaseSafeUpdateDoes() {
        HttpResponse<String> r = rest(farm, "DELETE", "/rest/v1/accounts", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("code").asText()).isEqualTo("21000");
        assertThat(farm.farm().ledger().entries("supabase_mock", false)).isEmpty();
    }

    @Test
    void shouldAnswerPgrst102WhenTheBodyIsMalformedJson() {
        HttpResponse<String> r = rest(farm, "POST", "/rest/v1/accounts", accessToken(farm), "{\"name\": ");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("code").asText()).isEqualTo("PGRST102");
        assertThat(body.get("message").asText()).isEqualTo("Empty or invalid json");
        assertThat(body.has("details")).isTrue();
        assertThat(body.has("hint")).isTrue();
    }

    @Test
    void shouldAnswer42703WhenAColumnDoesNotExist() {
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?select=id,nope", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("code").asText()).isEqualTo("42703");
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("column accounts.nope does not exist");
    }

    @Test
    void shouldAnswerPgrst204WhenAnInsertNamesAnUnknownColumn() {
        HttpResponse<String> r = rest(farm, "POST", "/rest/v1/accounts", accessToken(farm), "{\"nope\":1}");

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("code").asText()).isEqualTo("PGRST204");
    }

    @Test
    void shouldAnswer404WhenTheTableDoesNotExist() {
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/nowhere", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(r).get("code").asText()).isEqualTo("42P01");
    }

    @Test
    void shouldAnswerInThePostgrestEnvelopeWhenChaosInjectsAServerError() {
        farm.close();
        TestFarm.write(dir.resolve("services"), "supabase_mock.yaml",
                builtInYaml("supabase_mock.yaml").replace("error_profile: token_rotation", "error_profile: only_server_error"));
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")).chaosFile(TestFarm.chaosWithOnly(dir)));
        String token = accessToken(farm);
        farm.chaos("{\"level\":\"all_errors\"}");

        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null);

        assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
        JsonNode body = TestFarm.json(r);
        assertThat(body.has("message")).isTrue();
    }

    // ---- helpers ----

    private static HttpResponse<String> passwordGrant(TestFarm farm, String email, String password) {
        return farm.postJson(BASE + "/auth/v1/token?grant_type=password",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}", "apikey", ANON);
    }

    private static HttpResponse<String> refreshGrant(TestFarm farm, String refreshToken) {
        return farm.postJson(BASE + "/auth/v1/token?grant_type=refresh_token", "{\"refresh_token\":\"" + refreshToken + "\"}", "apikey", ANON);
    }

    private static String accessToken(TestFarm farm) {
        HttpResponse<String> r = passwordGrant(farm, "gauntlet", "gauntlet-secret");
        if (r.statusCode() != 200) throw new AssertionError("sign-in failed: " + r.statusCode() + " " + r.body());
        return TestFarm.json(r).get("access_token").asText();
    }

    private static HttpResponse<String> rest(TestFarm farm, String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder b = farm.request(BASE + path)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("apikey", ANON).header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return farm.send(b);
    }

    static String builtInYaml(String name) {
        try (InputStream in = SupabaseFlavorTest.class.getResourceAsStream("/services/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A clock the test moves by hand. */
    static final class FakeClock implements InstantSource {
        private final AtomicReference<Instant> now;

        FakeClock(Instant start) {
            now = new AtomicReference<>(start);
        }

        void advance(Duration d) {
            now.updateAndGet(t -> t.plus(d));
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
