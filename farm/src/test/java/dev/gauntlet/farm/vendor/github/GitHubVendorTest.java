package dev.gauntlet.farm.vendor.github;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import dev.gauntlet.farm.spec.SecondaryLimitSpec;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GitHub flavour over real loopback HTTP: OAuth, issues without idempotency keys (the op id marker in the body),
 * the issue listing's parameters and Link pagination, the primary and secondary rate limits, errors.
 */
class GitHubVendorTest {

    private static final String BASE = "/api/github";
    private static final String ISSUES = BASE + "/repos/gauntlet/demo/issues";
    private static final String TINY_ISSUES = "/api/ghtiny/repos/o/r/issues";
    private static final Pattern LINK = Pattern.compile("<([^>]+)>;\\s*rel=\"(\\w+)\"");

    @TempDir
    Path dir;

    private TestFarm farm;
    private final FakeClock clock = new FakeClock();

    @AfterEach
    void stop() {
        if (farm != null) farm.close();
    }

    /** The built-in services on the fake clock, so windows only move when a test moves them. */
    private TestFarm builtIns() {
        return farm = TestFarm.start(FarmConfig.builder().clock(clock));
    }

    private String token() {
        return farm.token("github_mock", "gauntlet", "gauntlet-secret");
    }

    private String tinyToken() {
        return farm.token("gh_tiny", "tiny", "tiny-secret");
    }

    private HttpResponse<String> get(String pathOrUrl, String token) {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : farm.url(pathOrUrl));
        return farm.send(HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + token)
                .GET());
    }

    private HttpResponse<String> post(String path, String json, String token) {
        return farm.postJson(path, json, "Authorization", "Bearer " + token);
    }

    private HttpResponse<String> patch(String path, String json, String token) {
        return farm.send(farm.request(path)
                .header("Authorization", "Bearer " + token)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    private static String issue(String title, String opId) {
        return "{\"title\":\"" + title + "\",\"body\":\"Found while testing.\\n\\n<!-- op_id: " + opId + " -->\"}";
    }

    private static Map<String, String> links(HttpResponse<String> r) {
        Map<String, String> out = new LinkedHashMap<>();
        r.headers().firstValue("Link").ifPresent(h -> {
            Matcher m = LINK.matcher(h);
            while (m.find()) out.put(m.group(2), m.group(1));
        });
        return out;
    }

    private static List<Long> numbers(HttpResponse<String> r) {
        List<Long> out = new ArrayList<>();
        TestFarm.json(r).forEach(i -> out.add(i.get("number").asLong()));
        return out;
    }

    private static long header(HttpResponse<?> r, String name) {
        return Long.parseLong(
                r.headers().firstValue(name).orElseThrow(() -> new AssertionError("no " + name + " header")));
    }

    /** A service like github_mock with other limits, in a folder of its own, on the fake clock. */
    private TestFarm tinyGitHub(String limits, Path chaosFile) {
        TestFarm.write(dir.resolve("services"), "gh_tiny.yaml", """
                id: gh_tiny
                flavor: github
                base_path: /api/ghtiny
                auth: { type: oauth2_client_credentials, token_ttl_s: 3600, clients: [{ id: tiny, secret: tiny-secret }] }
                %s
                resources:
                  - { name: issues, path: /repos/o/r/issues, id_field: number, fields: { title: sentence, body: sentence }, count: 5 }
                ledger: { op_id_patterns: [{ field: body, regex: '<!-- op_id: (\\S+) -->' }] }
                """.formatted(limits));
        var config = FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .clock(clock);
        if (chaosFile != null) config.chaosFile(chaosFile);
        return farm = TestFarm.start(config);
    }

    // ---------------------------------------------------------------- listing

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
                assertThat(numbers.add(issue.get("number").asLong()))
                        .as("issue seen twice")
                        .isTrue();
                assertThat(issue.get("state").asText()).isEqualTo("open");
                assertThat(issue.get("url").asText())
                        .isEqualTo(farm.url(ISSUES + "/" + issue.get("number").asLong()));
            }
            next = links(r).get("next");
        }

        assertThat(numbers)
                .hasSize(farm.farm().service("github_mock").store("issues").size())
                .hasSize(500);
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
    void shouldListNewestFirstByDefaultAndOldestFirstWhenDirectionIsAsc() {
        builtIns();
        String token = token();

        var newest = get(ISSUES + "?per_page=3", token);
        var oldest = get(ISSUES + "?direction=asc&per_page=3", token);

        // Seeded issues were created in number order (GitHub numbers issues as they are created), in the past.
        assertThat(numbers(newest)).containsExactly(500L, 499L, 498L);
        assertThat(numbers(oldest)).containsExactly(1L, 2L, 3L);
        JsonNode first = TestFarm.json(oldest).get(0);
        JsonNode second = TestFarm.json(oldest).get(1);
        assertThat(Instant.parse(first.get("created_at").asText()))
                .isBefore(Instant.parse(second.get("created_at").asText()))
                .isBefore(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(first.get("updated_at")).isEqualTo(first.get("created_at"));
        assertThat(links(oldest).get("next"))
                .contains("direction=asc")
                .contains("per_page=3")
                .endsWith("page=2");
    }

    @Test
    void shouldFilterByStateSortByUpdateAndKeepOnlyIssuesUpdatedSinceWhenAsked() {
        builtIns();
        String token = token();
        long a = TestFarm.json(post(ISSUES, issue("First", "op-a"), token))
                .get("number")
                .asLong();
        clock.advance(Duration.ofMinutes(1));
        Instant betweenCreates = clock.instant();
        long b = TestFarm.json(post(ISSUES, issue("Second", "op-b"), token))
                .get("number")
                .asLong();
        clock.advance(Duration.ofMinutes(1));
        // Closing the first issue makes it the most recently updated one.
        assertThat(patch(ISSUES + "/" + a, "{\"state\":\"closed\"}", token).statusCode())
                .isEqualTo(200);

        var open = get(ISSUES + "?sort=updated&per_page=2", token);
        var closed = get(ISSUES + "?state=closed", token);
        var all = get(ISSUES + "?state=all&sort=updated&per_page=2", token);
        var since = get(
                ISSUES + "?state=all&since=" + URLEncoder.encode(betweenCreates.toString(), StandardCharsets.UTF_8),
                token);
        var createdAsc = get(ISSUES + "?state=all&sort=created&direction=asc&since=" + betweenCreates, token);

        assertThat(numbers(open)).containsExactly(b, 500L);
        assertThat(numbers(closed)).containsExactly(a);
        assertThat(TestFarm.json(closed).get(0).get("closed_at").asText())
                .isEqualTo(clock.instant().toString());
        assertThat(TestFarm.json(closed).get(0).get("state_reason").asText()).isEqualTo("completed");
        assertThat(numbers(all)).containsExactly(a, b);
        assertThat(links(all)).containsKeys("next", "last");
        assertThat(numbers(since)).containsExactly(b, a);
        assertThat(numbers(createdAsc)).containsExactly(a, b);
    }

    @Test
    void shouldAnswer422NamingTheValueWhenAListParameterIsOutsideItsValues() {
        builtIns();
        String token = token();

        for (String query : List.of("state=bogus", "state=", "sort=popularity", "direction=up", "since=yesterday")) {
            var r = get(ISSUES + "?" + query, token);
            String field = query.substring(0, query.indexOf('='));
            String value = query.substring(query.indexOf('=') + 1);

            assertThat(r.statusCode()).as(query).isEqualTo(422);
            JsonNode body = TestFarm.json(r);
            assertThat(body.get("message").asText()).isEqualTo("Validation Failed");
            assertThat(body.at("/errors/0/value").asText()).isEqualTo(value);
            assertThat(body.at("/errors/0/resource").asText()).isEqualTo("Issue");
            assertThat(body.at("/errors/0/field").asText()).isEqualTo(field);
            assertThat(body.at("/errors/0/code").asText()).isEqualTo("invalid");
        }
    }

    // ---------------------------------------------------------------- writes and the ledger

    @Test
    void shouldOpenTwoIssuesAndLedgerTwoCommitsWhenTheSameCreateIsSentTwice() {
        builtIns();
        String token = token();
        String create =
                "{\"title\":\"Flaky test\",\"external_id\":\"ignored\",\"body\":\"Seen in CI.\\n<!-- op_id: op-gh-7 -->\"}";

        var first = farm.postJson(ISSUES, create, "Authorization", "Bearer " + token, "Idempotency-Key", "k-7");
        var again = farm.postJson(ISSUES, create, "Authorization", "Bearer " + token, "Idempotency-Key", "k-7");

        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(TestFarm.json(again).get("number").asLong())
                .isEqualTo(TestFarm.json(first).get("number").asLong() + 1);
        // GitHub ignores body parameters it does not know: the issue stores no external_id.
        assertThat(TestFarm.json(first).has("external_id")).isFalse();
        assertThat(TestFarm.json(first).get("created_at").asText())
                .isEqualTo(clock.instant().toString());
        JsonNode ledger =
                TestFarm.json(farm.get("/admin/ledger?service=github_mock")).get("entries");
        assertThat(ledger).singleElement().satisfies(e -> {
            assertThat(e.get("op_id").asText()).isEqualTo("op-gh-7");
            assertThat(e.get("commits").asInt()).isEqualTo(2);
        });
    }

    @Test
    void shouldCreateCloseAndReopenAnIssueWhenItIsPostedAndPatched() {
        builtIns();
        String token = token();
        var created = post(ISSUES, issue("Found a bug", "op-gh-1"), token);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode issue = TestFarm.json(created);
        long number = issue.get("number").asLong();
        assertThat(number).isEqualTo(501);
        assertThat(issue.get("state").asText()).isEqualTo("open");
        assertThat(issue.get("state_reason").isNull()).isTrue();
        assertThat(issue.get("closed_at").isNull()).isTrue();
        assertThat(issue.get("node_id").asText()).startsWith("I_");
        assertThat(issue.get("html_url").asText()).isEqualTo("https://github.com/gauntlet/demo/issues/501");
        assertThat(created.headers().firstValue("Location")).hasValue(farm.url(ISSUES + "/501"));

        clock.advance(Duration.ofMinutes(2));
        var closed = patch(
                ISSUES + "/" + number,
                "{\"state\":\"closed\",\"state_reason\":\"not_planned\",\"labels\":[\"x\"]}",
                token);
        clock.advance(Duration.ofMinutes(2));
        var reopened = patch(ISSUES + "/" + number, "{\"state\":\"open\"}", token);

        assertThat(closed.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(closed).get("state").asText()).isEqualTo("closed");
        assertThat(TestFarm.json(closed).get("state_reason").asText()).isEqualTo("not_planned");
        assertThat(TestFarm.json(closed).get("closed_at").asText())
                .isEqualTo(TestFarm.json(closed).get("updated_at").asText());
        assertThat(TestFarm.json(closed).get("labels")).isEmpty();
        assertThat(TestFarm.json(reopened).get("state_reason").asText()).isEqualTo("reopened");
        assertThat(TestFarm.json(reopened).get("closed_at").isNull()).isTrue();
        assertThat(TestFarm.json(reopened).get("updated_at").asText())
                .isEqualTo(clock.instant().toString());
        assertThat(TestFarm.json(reopened).get("created_at")).isEqualTo(issue.get("created_at"));
        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=github_mock"));
        assertThat(ledger.get("total").asInt()).isEqualTo(3);
        assertThat(ledger.get("entries").findValuesAsText("op_id")).contains("op-gh-1");
    }

    @Test
    void shouldAnswer422ValidationFailedWhenTheTitleIsMissingOrNotText() {
        builtIns();
        var missing = post(ISSUES, "{\"body\":\"no title\"}", token());
        var object = post(ISSUES, "{\"title\":{\"a\":1}}", token());
        var number = post(ISSUES, "{\"title\":42}", token());

        assertThat(missing.statusCode()).isEqualTo(422);
        JsonNode body = TestFarm.json(missing);
        assertThat(body.get("message").asText()).isEqualTo("Validation Failed");
        JsonNode error = body.get("errors").get(0);
        assertThat(error.get("resource").asText()).isEqualTo("Issue");
        assertThat(error.get("code").asText()).isEqualTo("missing_field");
        assertThat(error.get("field").asText()).isEqualTo("title");
        assertThat(body.get("documentation_url").asText()).startsWith("https://docs.github.com/rest");
        assertThat(object.statusCode()).isEqualTo(422);
        assertThat(TestFarm.json(object).at("/errors/0/code").asText()).isEqualTo("invalid");
        // "title: string or integer": an integer title is accepted, as text.
        assertThat(number.statusCode()).isEqualTo(201);
        assertThat(TestFarm.json(number).get("title").asText()).isEqualTo("42");
    }

    // ---------------------------------------------------------------- limits

    @Test
    void shouldCountDownTheHourlyLimitInEveryAnswersHeaders() {
        builtIns();
        String token = token();
        long start = clock.instant().getEpochSecond();
        var a = get(ISSUES + "/1", token);
        var b = get(ISSUES + "/1", token);

        for (var r : List.of(a, b)) {
            assertThat(r.headers().firstValue("x-ratelimit-limit")).hasValue("5000");
            assertThat(r.headers().firstValue("x-ratelimit-resource")).hasValue("core");
            // The farm's hour is 10 s (github_mock.yaml): the window resets 10 s after its first request.
            assertThat(header(r, "x-ratelimit-reset")).isEqualTo(start + 10);
        }
        assertThat(header(b, "x-ratelimit-remaining")).isEqualTo(header(a, "x-ratelimit-remaining") - 1);
        assertThat(header(b, "x-ratelimit-used")).isEqualTo(header(a, "x-ratelimit-used") + 1);
        assertThat(header(a, "x-ratelimit-used") + header(a, "x-ratelimit-remaining"))
                .isEqualTo(5000);
    }

    @Test
    void shouldAnswerThePrimaryLimitWith403UntilTheWindowResets() {
        tinyGitHub("rate_limit: { kind: fixed_window, limit: 2, window_s: 10, per: client }", null);
        String token = tinyToken();
        long start = clock.instant().getEpochSecond();
        assertThat(get(TINY_ISSUES, token).statusCode()).isEqualTo(200);
        assertThat(get(TINY_ISSUES, token).statusCode()).isEqualTo(200);

        var limited = get(TINY_ISSUES, token);
        clock.advance(Duration.ofSeconds(9));
        var stillLimited = get(TINY_ISSUES, token);
        clock.advance(Duration.ofSeconds(1));
        var reset = get(TINY_ISSUES, token);

        assertThat(limited.statusCode()).isEqualTo(403);
        JsonNode body = TestFarm.json(limited);
        assertThat(body.get("message").asText())
                .startsWith("API rate limit exceeded for user ID 1.")
                .endsWith("please include the request ID "
                        + limited.headers().firstValue("x-github-request-id").orElseThrow() + ".");
        assertThat(body.get("documentation_url").asText()).contains("rate-limits-for-the-rest-api");
        assertThat(limited.headers().firstValue("x-ratelimit-remaining")).hasValue("0");
        assertThat(limited.headers().firstValue("x-ratelimit-used")).hasValue("2");
        assertThat(header(limited, "x-ratelimit-reset")).isEqualTo(start + 10);
        assertThat(limited.headers().firstValue("retry-after"))
                .as("GitHub's primary limit says when, not how long")
                .isEmpty();
        assertThat(stillLimited.statusCode()).isEqualTo(403);
        assertThat(reset.statusCode()).isEqualTo(200);
        assertThat(reset.headers().firstValue("x-ratelimit-remaining")).hasValue("1");
        assertThat(header(reset, "x-ratelimit-reset")).isEqualTo(start + 20);
    }

    @Test
    void shouldAnswerASecondaryLimitWhenTheEndpointsPointsAreSpent() {
        tinyGitHub("""
                rate_limit: { kind: fixed_window, limit: 100, window_s: 10, per: client }
                secondary_limits:
                  - { name: points, limit: 7, window_s: 1, per: endpoint, points: { GET: 1, default: 5 } }
                """, null);
        String token = tinyToken();
        assertThat(post(TINY_ISSUES, issue("a", "op-1"), token).statusCode()).isEqualTo(201);
        assertThat(get(TINY_ISSUES + "/1", token).statusCode()).isEqualTo(200);
        assertThat(get(TINY_ISSUES + "/1", token).statusCode()).isEqualTo(200);
        var otherEndpoint = get(TINY_ISSUES, token);

        // 1 + 1 points spent on "get issues" and 5 on "create issues": a sixth point fits, a second create does not.
        var sixth = get(TINY_ISSUES + "/1", token);
        var limited = post(TINY_ISSUES, issue("b", "op-2"), token);
        clock.advance(Duration.ofSeconds(1));
        var nextSecond = post(TINY_ISSUES, issue("b", "op-2"), token);

        assertThat(otherEndpoint.statusCode()).isEqualTo(200);
        assertThat(sixth.statusCode()).isEqualTo(200);
        assertThat(limited.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(limited).get("message").asText())
                .startsWith("You have exceeded a secondary rate limit.")
                .contains("please include the request ID");
        assertThat(TestFarm.json(limited).get("documentation_url").asText()).endsWith("#about-secondary-rate-limits");
        assertThat(limited.headers().firstValue("retry-after")).hasValue("1");
        assertThat(header(limited, "x-ratelimit-remaining"))
                .as("the primary count is not spent")
                .isPositive();
        assertThat(limited.headers().firstValue("x-ratelimit-limit")).hasValue("100");
        assertThat(nextSecond.statusCode()).isEqualTo(201);
        assertThat(farm.farm().service("gh_tiny").store("issues").size()).isEqualTo(7);
    }

    @Test
    void shouldLimitContentCreationPerMinuteAndPerHourWhenIssuesAreOpenedQuickly() {
        tinyGitHub("""
                rate_limit: { kind: fixed_window, limit: 100, window_s: 10, per: client }
                secondary_limits:
                  - { name: content_per_minute, limit: 2, window_s: 1, methods: [POST] }
                  - { name: content_per_hour, limit: 3, window_s: 10, methods: [POST] }
                """, null);
        String token = tinyToken();
        assertThat(post(TINY_ISSUES, issue("a", "op-a"), token).statusCode()).isEqualTo(201);
        assertThat(post(TINY_ISSUES, issue("b", "op-b"), token).statusCode()).isEqualTo(201);

        var perMinute = post(TINY_ISSUES, issue("c", "op-c"), token);
        var reads = get(TINY_ISSUES, token);
        clock.advance(Duration.ofSeconds(1));
        var third = post(TINY_ISSUES, issue("c", "op-c"), token);
        clock.advance(Duration.ofSeconds(1));
        var perHour = post(TINY_ISSUES, issue("d", "op-d"), token);

        assertThat(perMinute.statusCode()).isEqualTo(403);
        assertThat(perMinute.headers().firstValue("retry-after")).hasValue("1");
        assertThat(reads.statusCode()).as("reads create no content").isEqualTo(200);
        assertThat(third.statusCode()).isEqualTo(201);
        assertThat(perHour.statusCode()).isEqualTo(403);
        assertThat(perHour.headers().firstValue("retry-after")).hasValue("8");
        assertThat(header(perHour, "x-ratelimit-remaining")).isPositive();
        assertThat(TestFarm.json(farm.get("/admin/status"))
                        .at("/services/0/rate_limited")
                        .asInt())
                .isEqualTo(2);
        assertThat(farm.farm().ledger().entries("gh_tiny", false))
                .extracting(e -> e.opId)
                .containsExactlyInAnyOrder("op-a", "op-b", "op-c");
    }

    @Test
    void shouldRefuseTheFirstIssueOverTheBuiltInSecondaryLimitsWithinOneWindow() {
        builtIns();
        String token = token();
        var limits = farm.farm().service("github_mock").spec().secondaryLimits();
        assertThat(limits)
                .extracting(SecondaryLimitSpec::name, SecondaryLimitSpec::limit)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("concurrent_requests", 100L),
                        org.assertj.core.groups.Tuple.tuple("rest_points_per_minute", 900L),
                        org.assertj.core.groups.Tuple.tuple("content_per_minute", 200L),
                        org.assertj.core.groups.Tuple.tuple("content_per_hour", 1000L));

        // A create costs 5 of the 900 points a "minute" (1 s on the fake clock, which stands still): the 181st is
        // refused.
        for (int i = 0; i < 180; i++)
            assertThat(post(ISSUES, issue("n" + i, "op-" + i), token).statusCode())
                    .isEqualTo(201);
        var refused = post(ISSUES, issue("n180", "op-180"), token);

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(refused).get("message").asText())
                .startsWith("You have exceeded a secondary rate limit");
        assertThat(header(refused, "x-ratelimit-remaining")).isEqualTo(5000 - 181);
    }

    @Test
    void shouldRefuseARequestOverTheConcurrencyLimitAndFreeThePlaceWhenTheAnswerIsWritten() throws Exception {
        // The test chaos levels, with slow answers long enough that a second request surely comes while one runs.
        Path chaos = TestFarm.chaosWithOnly(dir);
        Files.writeString(chaos, Files.readString(chaos).replace("slow_ms: 300", "slow_ms: 1500"));
        tinyGitHub("""
                error_profile: only_slow
                secondary_limits:
                  - { name: concurrent_requests, kind: concurrent, limit: 1 }
                """, chaos);
        String token = tinyToken();
        farm.chaos("{\"level\":\"all_errors\"}");
        HttpRequest read = HttpRequest.newBuilder(URI.create(farm.url(TINY_ISSUES + "/1")))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();

        CompletableFuture<HttpResponse<String>> slow = farm.http.sendAsync(read, HttpResponse.BodyHandlers.ofString());
        // The slow fault is logged once the request holds its place, while it is being slowly processed.
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> farm.farm().faults().total("gh_tiny") == 1);
        var second = farm.send(HttpRequest.newBuilder(read, (n, v) -> true));
        var first = slow.get();
        var afterwards = farm.send(HttpRequest.newBuilder(read, (n, v) -> true));

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(second).get("message").asText())
                .startsWith("You have exceeded a secondary rate limit");
        assertThat(second.headers().firstValue("retry-after")).hasValue("1");
        assertThat(afterwards.statusCode())
                .as("the first request's place was given back")
                .isEqualTo(200);
    }

    @Test
    void shouldNotCountARequestWhoseAnswerTheNetworkHoldsAmongTheRequestsInFlight() throws Exception {
        tinyGitHub("""
                secondary_limits:
                  - { name: concurrent_requests, kind: concurrent, limit: 1 }
                """, null);
        String token = tinyToken();
        // The next read's answer never comes (the network holds it for 30 s): GitHub is done with it all the same.
        assertThat(farm.postJson(
                                "/admin/faults/script",
                                "{\"service\":\"gh_tiny\",\"type\":\"timeout\",\"after_commit\":true,\"delay_ms\":30000}")
                        .statusCode())
                .isEqualTo(201);
        HttpRequest read = HttpRequest.newBuilder(URI.create(farm.url(TINY_ISSUES + "/1")))
                .header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        CompletableFuture<HttpResponse<String>> hung = farm.http.sendAsync(read, HttpResponse.BodyHandlers.ofString());
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(5))
                .until(() -> farm.farm().faults().total("gh_tiny") == 1);

        assertThat(farm.send(HttpRequest.newBuilder(read, (n, v) -> true)).statusCode())
                .as("the hung request holds no place")
                .isEqualTo(200);
        hung.cancel(true);
    }

    @Test
    void shouldAnswerSecondaryLimitWithRetryAfterWhenChaosInjectsARateLimit() {
        tinyGitHub("error_profile: only_rate_limit", TestFarm.chaosWithOnly(dir));
        String token = tinyToken();
        farm.chaos("{\"level\":\"all_errors\"}");

        var r = get(TINY_ISSUES, token);

        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(TestFarm.json(r).get("message").asText()).startsWith("You have exceeded a secondary rate limit");
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.headers().firstValue("x-ratelimit-resource")).hasValue("core");
        assertThat(r.headers().firstValue("x-ratelimit-remaining").map(Long::parseLong))
                .as("a secondary limit leaves the primary count as it is")
                .hasValueSatisfying(n -> assertThat(n).isPositive());
    }

    // ---------------------------------------------------------------- errors and OAuth

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
        var r = farm.send(farm.request(ISSUES + "/1")
                .header("Authorization", "Bearer " + token())
                .DELETE());

        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Not Found");
    }

    @Test
    void shouldAnswerProblemsParsingJsonWhenTheBodyIsMalformed() {
        builtIns();
        var r = post(ISSUES, "{\"title\":", token());

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(r).get("message").asText()).isEqualTo("Problems parsing JSON");
    }

    @Test
    void shouldAnswerFormEncodedTokenByDefaultAndJsonWhenAcceptAsksForIt() {
        builtIns();
        String params = "client_id=gauntlet&client_secret=gauntlet-secret&code=abc";

        var form = farm.postForm(BASE + "/login/oauth/access_token", params);
        assertThat(form.statusCode()).isEqualTo(200);
        assertThat(form.headers().firstValue("Content-Type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("application/x-www-form-urlencoded"));
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
        var r = farm.postJson(
                BASE + "/login/oauth/access_token",
                "{\"client_id\":\"gauntlet\",\"client_secret\":\"nope\"}",
                "Accept",
                "application/json");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(r).get("error").asText()).isEqualTo("incorrect_client_credentials");
    }
}
