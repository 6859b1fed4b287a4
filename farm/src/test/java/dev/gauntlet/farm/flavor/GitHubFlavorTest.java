package dev.gauntlet.farm.flavor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GitHub flavour over real loopback HTTP: OAuth, Link pagination, rate-limit headers and limits, errors. */
class GitHubFlavorTest {

    private static final String BASE = "/api/github";
    private static final String ISSUES = BASE + "/repos/gauntlet/demo/issues";
    private static final Pattern LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"(\\w+)\"");

    @TempDir
    Path dir;

    private TestFarm farm;

    @AfterEach
    void stop() {
        if (farm != null) farm.close();
    }

    private TestFarm builtIns() {
        return farm = TestFarm.builtIns();
    }

    private String token() {
        return farm.token("github_mock", "gauntlet", "gauntlet-secret");
    }

    private HttpResponse<String> get(String pathOrUrl, String token) {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : farm.url(pathOrUrl));
        return farm.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).GET());
    }

    private static Map<String, String> links(HttpResponse<String> r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.headers().firstValue("Link").ifPresent(h -> {
            Matcher m = LINK.matcher(h);
            while (m.find()) out.put(m.group(2), m.group(1));
        });
        return out;
    }

    /** A service like github_mock with another limit or error profile, in a folder of its own. */
    private TestFarm tinyGitHub(String extra, boolean chaosFile) {
        TestFarm.write(dir.resolve("services"), "gh_tiny.yaml", """
                id: gh_tiny
                flavor: github
                base_path: /api/ghtiny
                auth: { type: oauth2_client_credentials, clients: [{ id: tiny, secret: tiny-secret }] }
                %s
                resources:
                  - { name: issues, path: /repos/o/r/issues, id_field: number, fields: { title: sentence }, count: 5 }
                """.formatted(extra));
        // A frozen clock, so the bucket never refills between requests however slow the machine is.
        var config = FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")).clock(InstantSource.fixed(Instant.now()));
        if (chaosFile) config.chaosFile(TestFarm.chaosWithOnly(dir));
        return farm = TestFarm.start(config);
    }

    @Test
    void shouldVisitEveryIssueExactlyOnceWhenFollowingLinkHeaders() {
        builtIns();
        String token = token();
        Set<Long> numbers = new HashSet<>();
        int pages = 0;
        String next = ISSUES + "?per_page=100";
        HttpResponse<String> first = null;
        HttpResponse<String> last = null;
        while (next != null) {
            var r = get(next, token);
            assertThat(r.statusCode()).isEqualTo(200);
            if (first == null) first = r;
            last = r;
            pages++;
            for (JsonNode issue : TestFarm.json(r)) {
                assertThat(numbers.add(issue.get("number").asLong())).as("issue seen twice").isTrue();
                assertThat(issue.get("state").asText()).isEqualTo("open");
                assertThat(issue.get("url").asText()).isEqualTo(farm.url(ISSUES + "/" + issue.get("number").asLong()));
            }
            next = links(r).get("next");
        }

        assertThat(numbers).hasSize(farm.farm().service("github_mock").store("issues").size()).hasSize(500);
        assertThat(pages).isEqualTo(5);
        assertThat(links(first)).containsOnlyKeys("next", "last");
        assertThat(links(first).get("last")).isEqualTo(farm.url(ISSUES + "?per_page=100&page=5"));
        assertThat(links(last)).containsOnlyKeys("prev", "first");
    }

    @Test
    void shouldUseThirtyPerPageAndAllFourRelationsWhenOnAMiddlePage() {
        builtIns();
        var r = get(ISSUES + "?page=2", token());

        assertThat(TestFarm.json(r)).hasSize(30);
        assertThat(links(r).keySet()).containsExactly("prev", "next", "last", "first");
        assertThat(links(r).get("last")).endsWith("page=17");
    }

    @Test
    void shouldSendDecreasingRateLimitHeadersWhenRequestsAreMade() {
        // A frozen clock: at 80 requests/s the bucket would otherwise refill between two real requests.
        farm = TestFarm.start(FarmConfig.builder().clock(InstantSource.fixed(Instant.now())));
        String token = token();
        var a = get(ISSUES + "/1", token);
        var b = get(ISSUES + "/1", token);

        for (var r : new HttpResponse<?>[] {a, b}) {
            assertThat(r.headers().firstValue("x-ratelimit-limit")).hasValue("700");
            assertThat(r.headers().firstValue("x-ratelimit-resource")).hasValue("core");
            assertThat(r.headers().firstValue("x-ratelimit-reset").map(Long::parseLong))
                    .hasValueSatisfying(s -> assertThat(s).isGreaterThanOrEqualTo(System.currentTimeMillis() / 1000));
        }
        long remainingA = Long.parseLong(a.headers().firstValue("x-ratelimit-remaining").orElseThrow());
        long remainingB = Long.parseLong(b.headers().firstValue("x-ratelimit-remaining").orElseThrow());
        long usedA = Long.parseLong(a.headers().firstValue("x-ratelimit-used").orElseThrow());
        long usedB = Long.parseLong(b.headers().firstValue("x-ratelimit-used").orElseThrow());
        assertThat(remainingB).isLessThan(remainingA);
        assertThat(usedB).isGreaterThan(usedA);
        assertThat(usedA + remainingA).isEqualTo(700);
    }

    @Test
    void shouldAnswerPrimaryLimitWith403AndResetWhenTheBucketIsExhausted() {
        tinyGitHub("rate_limit: { max_rps: 2, burst: 2, per: client }", false);
        String token = farm.token("gh_tiny", "tiny", "tiny-secret");
        String path = "/api/ghtiny/repos/o/r/issues";
        assertThat(get(path, token).statusCode()).isEqualTo(200);
        assertThat(get(path, token).statusCode()).isEqualTo(200);

        var r = get(path, token);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(r).get("message").asText()).startsWith("API rate limit exceeded for");
        assertThat(TestFarm.json(r).get("documentation_url").asText()).contains("rate-limits-for-the-rest-api");
        assertThat(r.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
        assertThat(r.headers().firstValue("x-ratelimit-reset").map(Long::parseLong))
                .hasValueSatisfying(s -> assertThat(s).isGreaterThanOrEqualTo(System.currentTimeMillis() / 1000));
        assertThat(r.headers().firstValue("retry-after")).isEmpty();
    }

    @Test
    void shouldAnswerSecondaryLimitWithRetryAfterWhenChaosInjectsARateLimit() {
        tinyGitHub("error_profile: only_rate_limit", true);
        String token = farm.token("gh_tiny", "tiny", "tiny-secret");
        farm.chaos("{\"level\":\"all_errors\"}");

        var r = get("/api/ghtiny/repos/o/r/issues", token);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(r).get("message").asText()).startsWith("You have exceeded a secondary rate limit");
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.headers().firstValue("x-ratelimit-resource")).hasValue("core");
        assertThat(r.headers().firstValue("x-ratelimit-remaining").map(Long::parseLong))
                .as("a secondary limit leaves the primary count as it is").hasValueSatisfying(n -> assertThat(n).isPositive());
    }

    @Test
    void shouldAnswer422ValidationFailedWhenTheTitleIsMissing() {
        builtIns();
        var r = farm.postJson(ISSUES, "{\"body\":\"no title\"}", "Authorization", "Bearer " + token());

        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode body = TestFarm.json(r);
        assertThat(body.get("message").asText()).isEqualTo("Validation Failed");
        JsonNode error = body.get("errors").get(0);
        assertThat(error.get("resource").asText()).isEqualTo("Issue");
        assertThat(error.get("code").asText()).isEqualTo("missing_field");
        assertThat(error.get("field").asText()).isEqualTo("title");
        assertThat(body.get("documentation_url").asText()).startsWith("https://docs.github.com/rest");
    }

    @Test
    void shouldCreateCloseAndLedgerAnIssueWhenItIsPostedAndPatched() {
        builtIns();
        String token = token();
        var created = farm.postJson(ISSUES, "{\"title\":\"Found a bug\",\"external_id\":\"op-gh-1\"}", "Authorization", "Bearer " + token);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode issue = TestFarm.json(created);
        long number = issue.get("number").asLong();
        assertThat(number).isEqualTo(501);
        assertThat(issue.get("state").asText()).isEqualTo("open");
        assertThat(issue.get("node_id").asText()).startsWith("I_");
        assertThat(created.headers().firstValue("Location")).hasValue(farm.url(ISSUES + "/501"));

        var patched = farm.send(farm.request(ISSUES + "/" + number).header("Authorization", "Bearer " + token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"state\":\"closed\"}")));
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(patched).get("state").asText()).isEqualTo("closed");
        assertThat(TestFarm.json(patched).get("closed_at").isNull()).isFalse();

        JsonNode closed = TestFarm.json(get(ISSUES + "?state=closed", token));
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).get("number").asLong()).isEqualTo(number);

        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=github_mock"));
        assertThat(ledger.get("total").asInt()).isEqualTo(2);
        assertThat(ledger.get("entries").findValuesAsText("op_id")).contains("op-gh-1");
    }

    @Test
    void shouldAnswerBadCredentialsWhenTheTokenIsUnknown() {
        builtIns();
        var r = farm.get(ISSUES, "Authorization", "token gho_notarealtoken");

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Bad credentials");
        assertThat(TestFarm.json(r).get("status").asText()).isEqualTo("401");
    }

    @Test
    void shouldAnswerNotFoundWhenTheIssueDoesNotExist() {
        builtIns();
        var r = get(ISSUES + "/99999", token());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Not Found");
    }

    @Test
    void shouldAnswerNotFoundWhenAnIssueIsDeletedSinceGitHubCannotDeleteIssues() {
        builtIns();
        var r = farm.send(farm.request(ISSUES + "/1").header("Authorization", "Bearer " + token()).DELETE());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Not Found");
    }

    @Test
    void shouldAnswerProblemsParsingJsonWhenTheBodyIsMalformed() {
        builtIns();
        var r = farm.postJson(ISSUES, "{\"title\":", "Authorization", "Bearer " + token());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Problems parsing JSON");
    }

    @Test
    void shouldAnswerFormEncodedTokenByDefaultAndJsonWhenAcceptAsksForIt() {
        builtIns();
        String params = "client_id=gauntlet&client_secret=gauntlet-secret&code=abc";

        var form = farm.postForm(BASE + "/login/oauth/access_token", params);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/x-www-form-urlencoded"));
        assertThat(form.body()).matches("access_token=gho_[A-Za-z0-9]{36}&expires_in=300&scope=repo&token_type=bearer");

        var json = farm.postForm(BASE + "/login/oauth/access_token", params, "Accept", "application/json");
        assertThat(json.statusCode()).isEqualTo(200);
        String token = TestFarm.json(json).get("access_token").asText();
        assertThat(token).matches("gho_[A-Za-z0-9]{36}");
        assertThat(TestFarm.json(json).get("token_type").asText()).isEqualTo("bearer");
        assertThat(get(ISSUES + "/1", token).statusCode()).isEqualTo(200);
    }

    @Test
    void shouldAnswerIncorrectClientCredentialsWith200WhenTheSecretIsWrong() {
        builtIns();
        var r = farm.postJson(BASE + "/login/oauth/access_token", "{\"client_id\":\"gauntlet\",\"client_secret\":\"nope\"}", "Accept", "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).get("error").asText()).isEqualTo("incorrect_client_credentials");
    }
}
