package dev.gauntlet.farm.vendor.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The Supabase flavour over real loopback HTTP: the apikey gateway and role keys, GoTrue tokens and PostgREST tables. */
class SupabaseVendorTest extends BuiltInFarmTest {

    private static final String BASE = "/api/supabase";
    /** The built-in project's anon key (docs/farm.md prints it). */
    static final String ANON = TestFarm.SUPABASE_ANON;
    /** The built-in project's service_role key. */
    static final String SERVICE_ROLE =
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImdhdW50bGV0ZmFybXN1cGFiYXNlIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTczNTY4OTYwMCwiZXhwIjoyMDUxMjY1NjAwfQ.fpnY-ncCwFmlTbFN2BJ9V8k_lfQPp6OSsYa4EYdqYAg";

    private static final String SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

    // ---- the project's keys and roles (what supabase-js sends) ----

    @Test
    void shouldListTheRoleKeysSignedWithTheProjectSecretWhenTheBuiltInStarts() throws Exception {
        SupabaseJwt jwt = new SupabaseJwt(SECRET);

        assertThat(jwt.roleKey("gauntletfarmsupabase", "anon")).isEqualTo(ANON);
        assertThat(jwt.roleKey("gauntletfarmsupabase", "service_role")).isEqualTo(SERVICE_ROLE);
        assertThat(farm.farm().service("supabase_mock").spec().auth().apiKeys()).containsExactly(ANON, SERVICE_ROLE);
        JsonNode claims = TestFarm.JSON.readTree(Base64.getUrlDecoder().decode(ANON.split("\\.")[1]));
        assertThat(claims.toString())
                .isEqualTo(
                        "{\"iss\":\"supabase\",\"ref\":\"gauntletfarmsupabase\",\"role\":\"anon\",\"iat\":1735689600,\"exp\":2051265600}");
    }

    @Test
    void shouldSelectInsertAndUpsertAsAnonWhenTheAnonKeyIsBothApikeyAndBearer() {
        HttpResponse<String> select = rest(farm, "GET", "/rest/v1/accounts?select=id&limit=2", ANON, null);
        HttpResponse<String> insert =
                rest(farm, "POST", "/rest/v1/accounts", ANON, "{\"name\":\"Anon Inc\",\"external_id\":\"op-anon-1\"}");
        HttpResponse<String> upsert = rest(
                farm,
                "POST",
                "/rest/v1/accounts?on_conflict=external_id",
                ANON,
                "{\"name\":\"Anon Upsert\",\"external_id\":\"op-anon-2\"}",
                "Prefer",
                "resolution=merge-duplicates");

        assertThat(select.statusCode()).as(select.body()).isEqualTo(200);
        assertThat(TestFarm.json(select)).hasSize(2);
        assertThat(insert.statusCode()).as(insert.body()).isEqualTo(201);
        assertThat(upsert.statusCode()).as(upsert.body()).isEqualTo(201);
        assertThat(upsert.headers().firstValue("Preference-Applied")).hasValue("resolution=merge-duplicates");
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .extracting(e -> e.opId)
                .containsExactlyInAnyOrder("op-anon-1", "op-anon-2");
    }

    @Test
    void shouldRunAsTheKeysRoleWhenOnlyTheApikeyIsSent() {
        HttpResponse<String> r = farm.get(BASE + "/rest/v1/accounts?select=id&limit=1", "apikey", ANON);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void shouldServeTheServiceRoleKeyWhenItIsTheApikeyAndBearer() {
        HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/events?select=id&limit=1")
                .GET()
                .header("apikey", SERVICE_ROLE)
                .header("Authorization", "Bearer " + SERVICE_ROLE));

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void shouldAnswerPgrst301WhenTheBearerIsSignedWithAnotherSecret() {
        String forged = new SupabaseJwt("another-secret-that-is-at-least-32-characters")
                .roleKey("gauntletfarmsupabase", "service_role");

        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?limit=1", forged, null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(r).get("code").asText()).isEqualTo("PGRST301");
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("JWSError JWSInvalidSignature");
    }

    @Test
    void shouldAcceptAJwtSignedWithTheProjectSecretThatGoTrueDidNotIssue() {
        com.fasterxml.jackson.databind.node.ObjectNode claims = TestFarm.JSON
                .createObjectNode()
                .put("role", "authenticated")
                .put("sub", "8d0a6f8e-0000-4000-8000-000000000001")
                .put("exp", 4_102_444_800L);

        HttpResponse<String> r =
                rest(farm, "GET", "/rest/v1/accounts?select=id&limit=1", new SupabaseJwt(SECRET).sign(claims), null);

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void shouldNeverRevokeTheAnonKeyWhenChaosRevokesTokens() {
        farm.close();
        TestFarm.write(
                dir.resolve("services"),
                "supabase_mock.yaml",
                TestFarm.builtInYaml("supabase_mock.yaml")
                        .replace("error_profile: token_rotation", "error_profile: only_auth_revoke"));
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        farm.chaos("{\"level\":\"all_errors\"}");

        for (int i = 0; i < 5; i++) {
            assertThat(rest(farm, "GET", "/rest/v1/accounts?select=id&limit=1", ANON, null)
                            .statusCode())
                    .isEqualTo(200);
        }
        assertThat(TestFarm.json(farm.get("/admin/faults?service=supabase_mock"))
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void shouldRefuseTheServiceWhenAnApiKeyIsNotSignedWithTheProjectSecret() {
        farm.close();
        TestFarm.write(
                dir.resolve("services"),
                "supabase_mock.yaml",
                TestFarm.builtInYaml("supabase_mock.yaml")
                        .replace(
                                "jwt_secret: super-secret-jwt-token-with-at-least-32-characters-long",
                                "jwt_secret: a-different-secret-of-at-least-32-characters"));
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")));

        JsonNode status = TestFarm.json(farm.get("/admin/status"));

        assertThat(status.get("services").findValuesAsText("id")).doesNotContain("supabase_mock");
        String message = status.get("errors").get(0).get("message").asText();
        assertThat(message)
                .contains("auth.api_keys[0] is not a JWT signed with options.jwt_secret")
                .contains(new SupabaseJwt("a-different-secret-of-at-least-32-characters")
                        .roleKey("gauntletfarmsupabase", "anon"));
    }

    @Test
    void shouldAnswerGoTruesBadJwtWhenTheUserEndpointGetsTheAnonKey() {
        HttpResponse<String> anon = farm.get(BASE + "/auth/v1/user", "apikey", ANON, "Authorization", "Bearer " + ANON);
        HttpResponse<String> user =
                farm.get(BASE + "/auth/v1/user", "apikey", ANON, "Authorization", "Bearer " + accessToken(farm));

        assertThat(anon.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(anon).get("error_code").asText()).isEqualTo("bad_jwt");
        assertThat(TestFarm.json(anon).get("msg").asText()).isEqualTo("invalid claim: missing sub claim");
        assertThat(user.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(user).get("email").asText()).isEqualTo("gauntlet");
    }

    // ---- GoTrue ----

    @Test
    void shouldIssueASignedJwtWithExpiryWhenThePasswordGrantSucceeds() throws Exception {
        HttpResponse<String> r = passwordGrant(farm, "gauntlet", "gauntlet-secret");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("token_type").asText()).isEqualTo("bearer");
        assertThat(body.get("expires_in").asLong())
                .as("Supabase's default JWT expiry")
                .isEqualTo(3600);
        assertThat(body.get("refresh_token").asText()).isNotBlank();
        String jwt = body.get("access_token").asText();
        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        JsonNode header = TestFarm.JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = TestFarm.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.get("alg").asText()).isEqualTo("HS256");
        assertThat(claims.get("role").asText()).isEqualTo("authenticated");
        assertThat(claims.get("sub").asText()).isEqualTo(body.at("/user/id").asText());
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(3600);
        assertThat(body.get("expires_at").asLong()).isEqualTo(claims.get("exp").asLong());
        // The signature is HMAC-SHA256 of header.payload with the local Supabase stack's default secret.
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.UTF_8)));
        assertThat(parts[2]).isEqualTo(expected);
    }

    @Test
    void shouldRefuseTheLoginWhenThePasswordIsWrong() {
        HttpResponse<String> r = passwordGrant(farm, "gauntlet", "nope");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("error_code").asText()).isEqualTo("invalid_credentials");
        assertThat(body.get("code").asInt()).isEqualTo(400);
        assertThat(body.get("msg").asText()).isEqualTo("Invalid login credentials");
        assertThat(body.has("error"))
                .as("GoTrue v2 sends code, error_code and msg only")
                .isFalse();
        assertThat(r.headers().firstValue("x-sb-error-code")).hasValue("invalid_credentials");
    }

    @Test
    void shouldIssueTokensForTheTtlTheYamlSetsWhenTokenTtlIsConfigured() {
        farm.close();
        TestFarm.write(
                dir.resolve("services"),
                "supabase_mock.yaml",
                TestFarm.builtInYaml("supabase_mock.yaml").replace("token_ttl_s: 3600", "token_ttl_s: 600"));
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")));

        JsonNode session = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"));

        assertThat(session.get("expires_in").asLong()).isEqualTo(600);
        assertThat(session.get("expires_at").asLong()
                        - farm.farm().clock().instant().getEpochSecond())
                .isBetween(599L, 600L);
    }

    @Test
    void shouldAnswerTheActiveRefreshTokenWhenItsParentIsReused() {
        FakeClock clock = fakeClockFarm();
        String first = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"))
                .get("refresh_token")
                .asText();
        JsonNode rotated = TestFarm.json(refreshGrant(farm, first));
        String active = rotated.get("refresh_token").asText();
        assertThat(active).isNotEqualTo(first);

        clock.advance(Duration.ofSeconds(5));
        HttpResponse<String> within = refreshGrant(farm, first);
        clock.advance(Duration.ofMinutes(10));
        HttpResponse<String> later = refreshGrant(farm, first);

        // The client never saw the answer to its refresh: it gets the active token back, the session lives on.
        for (HttpResponse<String> r : List.of(within, later)) {
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(TestFarm.json(r).get("refresh_token").asText()).isEqualTo(active);
            assertThat(TestFarm.json(r).get("access_token").asText())
                    .isNotEqualTo(rotated.get("access_token").asText());
        }
        assertThat(refreshGrant(farm, active).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefreshAnOlderSpentTokenWhenItIsReusedWithinTheInterval() {
        FakeClock clock = fakeClockFarm();
        String first = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"))
                .get("refresh_token")
                .asText();
        String second =
                TestFarm.json(refreshGrant(farm, first)).get("refresh_token").asText();
        String third =
                TestFarm.json(refreshGrant(farm, second)).get("refresh_token").asText();

        clock.advance(Duration.ofSeconds(10));
        HttpResponse<String> reuse = refreshGrant(farm, first);

        assertThat(reuse.statusCode()).as(reuse.body()).isEqualTo(200);
        assertThat(TestFarm.json(reuse).get("refresh_token").asText()).isNotIn(first, second, third);
        assertThat(refreshGrant(farm, third).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRevokeTheWholeSessionWhenASpentTokenIsReusedAfterTheInterval() {
        FakeClock clock = fakeClockFarm();
        JsonNode login = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"));
        String first = login.get("refresh_token").asText();
        String second =
                TestFarm.json(refreshGrant(farm, first)).get("refresh_token").asText();
        JsonNode latest = TestFarm.json(refreshGrant(farm, second));

        clock.advance(Duration.ofSeconds(11));
        HttpResponse<String> reuse = refreshGrant(farm, first);

        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(reuse.body())
                .isEqualTo(
                        "{\"code\":400,\"error_code\":\"refresh_token_already_used\",\"msg\":\"Invalid Refresh Token: Already Used\"}");
        assertThat(reuse.headers().firstValue("x-sb-error-code")).hasValue("refresh_token_already_used");
        // Every refresh token of the session is revoked, the active one too; the access tokens live on until they
        // expire.
        HttpResponse<String> active =
                refreshGrant(farm, latest.get("refresh_token").asText());
        assertThat(active.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(active).get("error_code").asText()).isEqualTo("refresh_token_already_used");
        assertThat(rest(
                                farm,
                                "GET",
                                "/rest/v1/accounts?limit=1",
                                latest.get("access_token").asText(),
                                null)
                        .statusCode())
                .isEqualTo(200);
        // Another sign-in is another session.
        String other = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"))
                .get("refresh_token")
                .asText();
        assertThat(refreshGrant(farm, other).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerTheDatedErrorShapeWhenTheClientSendsTheApiVersionHeader() {
        HttpResponse<String> r = farm.postJson(
                BASE + "/auth/v1/token?grant_type=password",
                "{\"email\":\"gauntlet\",\"password\":\"nope\"}",
                "apikey",
                ANON,
                "X-Supabase-Api-Version",
                "2024-01-01");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("code").asText()).isEqualTo("invalid_credentials");
        assertThat(body.get("message").asText()).isEqualTo("Invalid login credentials");
    }

    @Test
    void shouldServeTheSameJwtWhenTheFarmWideTokenEndpointIsUsed() {
        String token = farm.token("supabase_mock", "gauntlet", "gauntlet-secret");

        assertThat(token.split("\\.")).hasSize(3);
        assertThat(rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null).statusCode())
                .isEqualTo(200);
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

        HttpResponse<String> login = farm.postJson(
                BASE + "/auth/v1/token?grant_type=password",
                "{\"email\":\"gauntlet\",\"password\":\"gauntlet-secret\"}");
        assertThat(login.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(login).get("message").asText()).isEqualTo("No API key found in request");
    }

    @Test
    void shouldAnswer401WhenTheApikeyIsWrong() {
        HttpResponse<String> r = farm.get(
                BASE + "/rest/v1/accounts", "apikey", "not-the-key", "Authorization", "Bearer " + accessToken(farm));

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Invalid API key");
    }

    @Test
    void shouldAcceptTheApikeyAsAQueryParameter() {
        HttpResponse<String> r = farm.get(
                BASE + "/rest/v1/accounts?limit=1&apikey=" + ANON, "Authorization", "Bearer " + accessToken(farm));

        assertThat(r.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerJwtExpiredWhenTheAccessTokenOutlivesItsTtl() {
        FakeClock clock = fakeClockFarm();
        String token = accessToken(farm);
        clock.advance(Duration.ofSeconds(3599));
        assertThat(rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null).statusCode())
                .isEqualTo(200);

        clock.advance(Duration.ofSeconds(1));
        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null);

        assertThat(r.statusCode()).isEqualTo(401);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("code").asText()).isEqualTo("PGRST301");
        assertThat(body.get("message").asText()).isEqualTo("JWT expired");
        assertThat(body.has("details")).isTrue();
        assertThat(body.has("hint")).isTrue();
        assertThat(r.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).contains("invalid_token"));
    }

    @Test
    void shouldRecoverWithARefreshWhenChaosRevokesTheAccessToken() {
        farm.close();
        TestFarm.write(
                dir.resolve("services"),
                "supabase_mock.yaml",
                TestFarm.builtInYaml("supabase_mock.yaml")
                        .replace("error_profile: token_rotation", "error_profile: only_auth_revoke"));
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        JsonNode session = TestFarm.json(passwordGrant(farm, "gauntlet", "gauntlet-secret"));
        farm.chaos("{\"level\":\"all_errors\"}");

        HttpResponse<String> revoked = rest(
                farm,
                "GET",
                "/rest/v1/accounts?limit=1",
                session.get("access_token").asText(),
                null);
        assertThat(revoked.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(revoked).get("message").asText()).isEqualTo("JWT expired");

        // The token endpoint takes no bearer, so revocation chaos cannot strike the refresh itself.
        HttpResponse<String> refreshed =
                refreshGrant(farm, session.get("refresh_token").asText());
        assertThat(refreshed.statusCode()).isEqualTo(200);
        farm.chaos("{\"level\":\"calm\"}");
        HttpResponse<String> again = rest(
                farm,
                "GET",
                "/rest/v1/accounts?limit=1",
                TestFarm.json(refreshed).get("access_token").asText(),
                null);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(rest(
                                farm,
                                "GET",
                                "/rest/v1/accounts?limit=1",
                                session.get("access_token").asText(),
                                null)
                        .statusCode())
                .isEqualTo(401);
    }

    // ---- PostgREST ----

    @Test
    void shouldOrderOneColumnFromTheIndexExactlyAsTheFilteredPathSorts() {
        String token = accessToken(farm);
        // A row without a name: NULLs go last ascending and first descending.
        assertThat(rest(farm, "POST", "/rest/v1/accounts", token, "{\"industry\":\"x\",\"external_id\":\"no-name\"}")
                        .statusCode())
                .isEqualTo(201);
        for (String order : List.of("id", "name", "name.desc", "industry", "industry.desc", "revenue.desc")) {
            HttpResponse<String> indexed = rest(
                    farm, "GET", "/rest/v1/accounts?select=id&order=" + order + "&limit=200&offset=50", token, null);
            // id=not.is.null keeps every row but takes the filtering path: a scan and a stable sort.
            String scanned = rest(
                            farm,
                            "GET",
                            "/rest/v1/accounts?select=id&id=not.is.null&order=" + order + "&limit=200&offset=50",
                            token,
                            null)
                    .body();
            assertThat(TestFarm.json(indexed)).as(order).hasSize(200);
            assertThat(indexed.body()).as(order).isEqualTo(scanned);
        }
    }

    @Test
    void shouldSelectFilterOrderAndLimitWhenQueryingATable() {
        HttpResponse<String> r = rest(
                farm,
                "GET",
                "/rest/v1/accounts?select=id,name,revenue&revenue=gt.50000&order=revenue.desc&limit=5",
                accessToken(farm),
                null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("0-4/*");
        JsonNode rows = TestFarm.json(r);
        assertThat(rows).hasSize(5);
        double previous = Double.MAX_VALUE;
        for (JsonNode row : rows) {
            assertThat(row.properties()).extracting(Map.Entry::getKey).containsExactly("id", "name", "revenue");
            assertThat(row.get("revenue").asDouble()).isGreaterThan(50000).isLessThanOrEqualTo(previous);
            previous = row.get("revenue").asDouble();
        }
    }

    @Test
    void shouldFilterWithInAndEqWhenSeveralFiltersAreGiven() {
        HttpResponse<String> r =
                rest(farm, "GET", "/rest/v1/accounts?select=id&id=in.(2,4,6)&id=neq.4", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).findValuesAsText("id")).containsExactly("2", "6");
    }

    @Test
    void shouldMatchCaseInsensitivelyWhenFilteringWithIlike() {
        HttpResponse<String> r =
                rest(farm, "GET", "/rest/v1/accounts?select=name&name=ilike.*ACME*", accessToken(farm), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r))
                .isNotEmpty()
                .allSatisfy(row -> assertThat(row.get("name").asText()).startsWith("Acme"));
    }

    @Test
    void shouldAnswerPartialContentWithTheTotalWhenARangeIsCountedExactly() {
        String token = accessToken(farm);
        HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/accounts?select=id")
                .GET()
                .header("apikey", ANON)
                .header("Authorization", "Bearer " + token)
                .header("Range", "0-9")
                .header("Prefer", "count=exact"));

        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.headers().firstValue("Content-Range")).hasValue("0-9/500");
        assertThat(TestFarm.json(r).findValuesAsText("id"))
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    }

    @Test
    void shouldWalkEveryRowExactlyOnceWhenPagingWithRanges() {
        String token = accessToken(farm);
        Set<String> seen = new HashSet<>();
        int pages = 0;
        for (int from = 0; ; from += 100) {
            HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/accounts?select=id")
                    .GET()
                    .header("apikey", ANON)
                    .header("Authorization", "Bearer " + token)
                    .header("Range", from + "-" + (from + 99)));
            JsonNode rows = TestFarm.json(r);
            if (rows.isEmpty()) break;
            pages++;
            for (JsonNode row : rows)
                assertThat(seen.add(row.get("id").asText())).isTrue();
        }
        assertThat(seen).hasSize(500);
        assertThat(pages).isEqualTo(5);
    }

    @Test
    void shouldReturnOneObjectWhenTheClientAsksForASingleRow() {
        HttpResponse<String> r = farm.send(farm.request(BASE + "/rest/v1/accounts?id=eq.7")
                .GET()
                .header("apikey", ANON)
                .header("Authorization", "Bearer " + accessToken(farm))
                .header("Accept", "application/vnd.pgrst.object+json"));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).get("id").asInt()).isEqualTo(7);
    }

    @Test
    void shouldInsertRowsAndCommitEachToTheLedgerWhenRepresentationIsPreferred() {
        HttpResponse<String> r = rest(
                farm,
                "POST",
                "/rest/v1/accounts",
                accessToken(farm),
                "[{\"name\":\"Acme\",\"external_id\":\"op-sb-1\"},{\"name\":\"Globex\",\"external_id\":\"op-sb-2\"}]",
                "Prefer",
                "return=representation");

        assertThat(r.statusCode()).isEqualTo(201);
        JsonNode rows = TestFarm.json(r);
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("id").asLong()).isEqualTo(501);
        assertThat(rows.get(1).get("name").asText()).isEqualTo("Globex");
        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=supabase_mock"));
        assertThat(ledger.get("entries").findValuesAsText("op_id")).containsExactlyInAnyOrder("op-sb-1", "op-sb-2");
        assertThat(ledger.get("entries").findValues("commits"))
                .allSatisfy(c -> assertThat(c.asInt()).isEqualTo(1));
    }

    @Test
    void shouldInsertWithAnEmptyAnswerWhenNoRepresentationIsPreferred() {
        HttpResponse<String> r = rest(
                farm,
                "POST",
                "/rest/v1/accounts",
                accessToken(farm),
                "{\"name\":\"Initech\",\"external_id\":\"op-sb-3\"}");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEmpty();
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .extracting(e -> e.opId)
                .containsExactly("op-sb-3");
    }

    @Test
    void shouldUpdateAndDeleteTheFilteredRows() {
        String token = accessToken(farm);
        HttpResponse<String> patched = rest(
                farm,
                "PATCH",
                "/rest/v1/accounts?id=eq.3",
                token,
                "{\"industry\":\"Energy\"}",
                "Prefer",
                "return=representation");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(patched).get(0).get("industry").asText()).isEqualTo("Energy");

        assertThat(rest(farm, "DELETE", "/rest/v1/accounts?id=eq.3", token, null)
                        .statusCode())
                .isEqualTo(204);
        assertThat(TestFarm.json(rest(farm, "GET", "/rest/v1/accounts?id=eq.3", token, null)))
                .isEmpty();
    }

    // ---- PostgREST writes: the unique column, upserts, no idempotency keys ----

    @Test
    void shouldAnswer23505AndStoreNothingWhenAPlainInsertRepeatsAUniqueValue() {
        String token = accessToken(farm);
        assertThat(rest(farm, "POST", "/rest/v1/accounts", token, "{\"name\":\"Acme\",\"external_id\":\"op-dup\"}")
                        .statusCode())
                .isEqualTo(201);
        int rows = farm.farm().service("supabase_mock").store("accounts").size();

        HttpResponse<String> again =
                rest(farm, "POST", "/rest/v1/accounts", token, "{\"name\":\"Acme again\",\"external_id\":\"op-dup\"}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body())
                .isEqualTo(
                        "{\"code\":\"23505\",\"details\":\"Key (external_id)=(op-dup) already exists.\",\"hint\":null,"
                                + "\"message\":\"duplicate key value violates unique constraint \\\"accounts_external_id_key\\\"\"}");
        assertThat(farm.farm().service("supabase_mock").store("accounts").size())
                .isEqualTo(rows);
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .singleElement()
                .satisfies(e -> assertThat(e.commits()).isEqualTo(1));
    }

    @Test
    void shouldStoreNoRowOfABulkInsertWhenOneOfItsValuesIsTaken() {
        String token = accessToken(farm);
        rest(farm, "POST", "/rest/v1/accounts", token, "{\"name\":\"Taken\",\"external_id\":\"op-bulk-2\"}");
        int rows = farm.farm().service("supabase_mock").store("accounts").size();

        HttpResponse<String> r = rest(
                farm,
                "POST",
                "/rest/v1/accounts",
                token,
                "[{\"name\":\"A\",\"external_id\":\"op-bulk-1\"},{\"name\":\"B\",\"external_id\":\"op-bulk-2\"}]");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(TestFarm.json(r).get("details").asText()).isEqualTo("Key (external_id)=(op-bulk-2) already exists.");
        assertThat(farm.farm().service("supabase_mock").store("accounts").size())
                .isEqualTo(rows);
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .extracting(e -> e.opId)
                .containsExactly("op-bulk-2");
    }

    @Test
    void shouldCreateThenMergeWhenTheSameUpsertIsSentTwice() {
        String token = accessToken(farm);
        String path = "/rest/v1/accounts?on_conflict=external_id&select=id,name,external_id";
        String prefer = "resolution=merge-duplicates,return=representation";

        HttpResponse<String> created =
                rest(farm, "POST", path, token, "{\"name\":\"Initech\",\"external_id\":\"op-up-1\"}", "Prefer", prefer);
        HttpResponse<String> merged = rest(
                farm, "POST", path, token, "{\"name\":\"Initech 2\",\"external_id\":\"op-up-1\"}", "Prefer", prefer);

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Preference-Applied"))
                .hasValue("resolution=merge-duplicates, return=representation");
        // PostgREST answers 200 when the upsert created nothing.
        assertThat(merged.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(merged).get(0).get("id"))
                .isEqualTo(TestFarm.json(created).get(0).get("id"));
        assertThat(TestFarm.json(merged).get(0).get("name").asText()).isEqualTo("Initech 2");
        assertThat(TestFarm.json(rest(farm, "GET", "/rest/v1/accounts?external_id=eq.op-up-1", token, null)))
                .hasSize(1);
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.opId).isEqualTo("op-up-1");
                    assertThat(e.commits()).isEqualTo(1);
                    assertThat(e.reapplied()).isEqualTo(1);
                });
    }

    @Test
    void shouldUpsertEveryRowWhenSupabaseJsSendsABulkUpsertWithColumns() {
        String token = accessToken(farm);
        rest(
                farm,
                "POST",
                "/rest/v1/accounts",
                token,
                "{\"name\":\"Old\",\"industry\":\"Mining\",\"external_id\":\"op-js-1\"}");

        HttpResponse<String> r = rest(
                farm,
                "POST",
                "/rest/v1/accounts?on_conflict=external_id&columns=%22name%22,%22external_id%22&select=name,industry,external_id",
                token,
                "[{\"name\":\"New\",\"external_id\":\"op-js-1\"},{\"external_id\":\"op-js-2\"}]",
                "Prefer",
                "resolution=merge-duplicates,return=representation");

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body())
                .isEqualTo("[{\"name\":\"New\",\"industry\":\"Mining\",\"external_id\":\"op-js-1\"},"
                        + "{\"name\":null,\"industry\":null,\"external_id\":\"op-js-2\"}]");
    }

    @Test
    void shouldLeaveTheRowAndLeaveItOutWhenDuplicatesAreIgnored() {
        String token = accessToken(farm);
        rest(farm, "POST", "/rest/v1/accounts", token, "{\"name\":\"Original\",\"external_id\":\"op-ign\"}");

        HttpResponse<String> r = rest(
                farm,
                "POST",
                "/rest/v1/accounts?on_conflict=external_id",
                token,
                "[{\"name\":\"Changed\",\"external_id\":\"op-ign\"},{\"name\":\"Fresh\",\"external_id\":\"op-ign-2\"}]",
                "Prefer",
                "resolution=ignore-duplicates,return=representation");

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(TestFarm.json(r).findValuesAsText("external_id")).containsExactly("op-ign-2");
        assertThat(TestFarm.json(rest(farm, "GET", "/rest/v1/accounts?external_id=eq.op-ign&select=name", token, null))
                        .get(0)
                        .get("name")
                        .asText())
                .isEqualTo("Original");
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .allSatisfy(e -> assertThat(e.commits()).isEqualTo(1));
    }

    @Test
    void shouldMergeByThePrimaryKeyWhenNoOnConflictIsGiven() {
        String token = accessToken(farm);

        HttpResponse<String> r = rest(
                farm,
                "POST",
                "/rest/v1/accounts?select=id,industry",
                token,
                "{\"id\":5,\"industry\":\"Fishing\"}",
                "Prefer",
                "resolution=merge-duplicates,return=representation");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("[{\"id\":5,\"industry\":\"Fishing\"}]");
    }

    @Test
    void shouldAnswer42P10WhenOnConflictNamesAColumnWithoutAUniqueConstraint() {
        String token = accessToken(farm);

        HttpResponse<String> name = rest(
                farm,
                "POST",
                "/rest/v1/accounts?on_conflict=name",
                token,
                "{\"name\":\"X\"}",
                "Prefer",
                "resolution=merge-duplicates");
        HttpResponse<String> events = rest(
                farm,
                "POST",
                "/rest/v1/events?on_conflict=external_id",
                token,
                "{\"kind\":\"x\",\"external_id\":\"e\"}",
                "Prefer",
                "resolution=merge-duplicates");
        HttpResponse<String> nope = rest(
                farm,
                "POST",
                "/rest/v1/accounts?on_conflict=nope",
                token,
                "{\"name\":\"X\"}",
                "Prefer",
                "resolution=merge-duplicates");

        for (HttpResponse<String> r : List.of(name, events)) {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body())
                    .isEqualTo(
                            "{\"code\":\"42P10\",\"details\":null,\"hint\":null,"
                                    + "\"message\":\"there is no unique or exclusion constraint matching the ON CONFLICT specification\"}");
        }
        assertThat(nope.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(nope).get("code").asText()).isEqualTo("42703");
        assertThat(farm.farm().ledger().entries("supabase_mock", false)).isEmpty();
    }

    @Test
    void shouldMakeTwoRowsWhenAnInsertIntoATableWithoutAUniqueColumnIsRetried() {
        String token = accessToken(farm);
        String body = "{\"kind\":\"signup\",\"value\":1,\"external_id\":\"op-ev-1\"}";

        // PostgREST has no idempotency keys: the header changes nothing.
        assertThat(rest(farm, "POST", "/rest/v1/events", token, body, "Idempotency-Key", "k-1")
                        .statusCode())
                .isEqualTo(201);
        assertThat(rest(farm, "POST", "/rest/v1/events", token, body, "Idempotency-Key", "k-1")
                        .statusCode())
                .isEqualTo(201);

        assertThat(TestFarm.json(rest(farm, "GET", "/rest/v1/events?external_id=eq.op-ev-1", token, null)))
                .hasSize(2);
        assertThat(farm.farm().ledger().entries("supabase_mock", false))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.resource).isEqualTo("events");
                    assertThat(e.commits()).isEqualTo(2);
                });
    }

    @Test
    void shouldAnswer23505WhenAnAccountInsertIsRetriedWithTheSameIdempotencyKey() {
        String token = accessToken(farm);
        String body = "{\"name\":\"Retry\",\"external_id\":\"op-retry\"}";

        assertThat(rest(farm, "POST", "/rest/v1/accounts", token, body, "Idempotency-Key", "k-2")
                        .statusCode())
                .isEqualTo(201);
        HttpResponse<String> retry = rest(farm, "POST", "/rest/v1/accounts", token, body, "Idempotency-Key", "k-2");

        assertThat(retry.statusCode()).isEqualTo(409);
        assertThat(retry.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(TestFarm.json(retry).get("code").asText()).isEqualTo("23505");
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
        TestFarm.write(
                dir.resolve("services"),
                "supabase_mock.yaml",
                TestFarm.builtInYaml("supabase_mock.yaml")
                        .replace("error_profile: token_rotation", "error_profile: only_server_error"));
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        String token = accessToken(farm);
        farm.chaos("{\"level\":\"all_errors\"}");

        HttpResponse<String> r = rest(farm, "GET", "/rest/v1/accounts?limit=1", token, null);

        assertThat(r.statusCode()).isGreaterThanOrEqualTo(500);
        JsonNode body = TestFarm.json(r);
        assertThat(body.has("message")).isTrue();
    }

    // ---- helpers ----

    /** Restarts the farm with a clock the test moves, and returns the clock. */
    private FakeClock fakeClockFarm() {
        farm.close();
        FakeClock clock = new FakeClock(Instant.parse("2026-03-01T12:00:00Z"));
        farm = TestFarm.start(FarmConfig.builder().clock(clock));
        return clock;
    }

    private static HttpResponse<String> passwordGrant(TestFarm farm, String email, String password) {
        return farm.postJson(
                BASE + "/auth/v1/token?grant_type=password",
                "{\"email\":\"" + email + "\",\"password\":\"" + password + "\"}",
                "apikey",
                ANON);
    }

    private static HttpResponse<String> refreshGrant(TestFarm farm, String refreshToken) {
        return farm.postJson(
                BASE + "/auth/v1/token?grant_type=refresh_token",
                "{\"refresh_token\":\"" + refreshToken + "\"}",
                "apikey",
                ANON);
    }

    private static String accessToken(TestFarm farm) {
        HttpResponse<String> r = passwordGrant(farm, "gauntlet", "gauntlet-secret");
        if (r.statusCode() != 200) throw new AssertionError("sign-in failed: " + r.statusCode() + " " + r.body());
        return TestFarm.json(r).get("access_token").asText();
    }

    private static HttpResponse<String> rest(
            TestFarm farm, String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder b = farm.request(BASE + path)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("apikey", ANON)
                .header("Authorization", "Bearer " + token);
        if (body != null) b.header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return farm.send(b);
    }
}
