package dev.gauntlet.farm.vendor.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FakeClock;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe's write semantics over real loopback HTTP: what an idempotency key saves (a 500 inside execution, not a
 * 502/503/504 in front of it), Stripe-Should-Retry, lock timeouts (injected and from contention on one object), the
 * parameter comparison, key expiry, and the read-back paths (created filters, newest-first lists, search).
 */
class StripeWriteSemanticsTest {

    private static final String KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";
    private static final String[] AUTH = {"Authorization", "Bearer " + KEY};
    private static final String BASE = "/api/stripe/v1";

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock();
    private TestFarm farm;

    @AfterEach
    void stop() {
        if (farm != null) farm.close();
    }

    /**
     * The built-in Stripe service, its YAML changed by {@code replacements} (pairs) and given {@code options}, on the
     * fake clock, with the test chaos file (levels all_errors and the like, profiles only_*).
     */
    private void start(String options, String... replacements) {
        String yaml = builtInYaml();
        for (int i = 0; i < replacements.length; i += 2) yaml = yaml.replace(replacements[i], replacements[i + 1]);
        // The test chaos file has the only_* profiles and mostly_ok; at calm none of them injects anything.
        yaml = yaml.replace("error_profile: server_errors", "error_profile: mostly_ok");
        if (options != null) yaml += "\noptions: { " + options + " }\n";
        TestFarm.write(dir.resolve("services"), "stripe_mock.yaml", yaml);
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir))
                .clock(clock));
    }

    private static String builtInYaml() {
        try (var in = StripeWriteSemanticsTest.class.getResourceAsStream("/services/stripe_mock.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> form(String path, String body, String... extraHeaders) {
        return StripeVendorTest.form(farm, path, body, extraHeaders);
    }

    private CompletableFuture<HttpResponse<String>> formAsync(String path, String body) {
        HttpRequest request = farm.request(BASE + path)
                .header(AUTH[0], AUTH[1])
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build();
        return farm.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String pathAndQuery) {
        var r = farm.get(BASE + pathAndQuery, AUTH);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return TestFarm.json(r);
    }

    private static List<String> ids(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.get("data").forEach(o -> out.add(o.get("id").asText()));
        return out;
    }

    private JsonNode ledger() {
        return TestFarm.json(farm.get("/admin/ledger?service=stripe_mock"));
    }

    private JsonNode faults(String type) {
        return TestFarm.json(farm.get("/admin/faults?service=stripe_mock&type=" + type));
    }

    private static String errorCode(HttpResponse<String> r) {
        return TestFarm.json(r).at("/error/code").asText();
    }

    // ---- what a key saves ----

    @Test
    void shouldReplayASaved500WithTheSameKeyWhileA503IsNotSavedAndItsRetryCommitsOnce() {
        start(null, "error_profile: server_errors", "error_profile: only_server_error");
        farm.chaos("{\"level\":\"all_errors\"}");
        // Every request meets an injected server error; which status is the planner's reproducible choice.
        HttpResponse<String> saved = null;
        String savedKey = null;
        String unavailableKey = null;
        for (int i = 0; i < 60 && (saved == null || unavailableKey == null); i++) {
            var r = form("/customers", "name=Ada&metadata[op_id]=op-" + i, "Idempotency-Key", "key-" + i);
            if (r.statusCode() == 500 && saved == null) {
                saved = r;
                savedKey = "key-" + i + "|op-" + i;
            } else if (r.statusCode() == 503 && unavailableKey == null) {
                unavailableKey = "key-" + i + "|op-" + i;
                assertThat(r.headers().firstValue("Stripe-Should-Retry"))
                        .as("a 503 is retried by the SDKs")
                        .isEmpty();
            }
        }
        assertThat(saved).as("a 500 within 60 requests").isNotNull();
        assertThat(unavailableKey).as("a 503 within 60 requests").isNotNull();
        assertThat(saved.headers().firstValue("Stripe-Should-Retry")).hasValue("false");
        assertThat(TestFarm.json(saved).at("/error/type").asText()).isEqualTo("api_error");
        farm.chaos("{\"level\":\"calm\"}");

        String[] s = savedKey.split("\\|");
        var replay = form("/customers", "name=Ada&metadata[op_id]=" + s[1], "Idempotency-Key", s[0]);
        assertThat(replay.statusCode()).isEqualTo(500);
        assertThat(replay.body()).isEqualTo(saved.body());
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.headers().firstValue("Stripe-Should-Retry")).hasValue("false");
        assertThat(replay.headers().firstValue("Original-Request"))
                .isEqualTo(saved.headers().firstValue("Request-Id"));

        String[] u = unavailableKey.split("\\|");
        var retried = form("/customers", "name=Ada&metadata[op_id]=" + u[1], "Idempotency-Key", u[0]);
        assertThat(retried.statusCode()).isEqualTo(200);
        assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();

        JsonNode ledger = ledger();
        assertThat(ledger.get("total").asInt())
                .as("only the 503's retry committed")
                .isEqualTo(1);
        assertThat(ledger.at("/entries/0/op_id").asText()).isEqualTo(u[1]);
        assertThat(ledger.at("/entries/0/commits").asInt()).isEqualTo(1);
    }

    @Test
    void shouldSaveNothingWhenThe500HitsAWriteWithoutAKeyOrARead() {
        start(null, "error_profile: server_errors", "error_profile: only_server_error");
        farm.chaos("{\"level\":\"all_errors\"}");
        for (int i = 0; i < 10; i++) {
            var r = form("/customers", "name=Ada&metadata[op_id]=nokey-" + i);
            assertThat(r.statusCode()).isBetween(500, 504);
            assertThat(r.headers().firstValue("Stripe-Should-Retry")).isEmpty();
        }
        assertThat(farm.farm().service("stripe_mock").idempotency().size()).isZero();
        assertThat(ledger().get("total").asInt()).isZero();
    }

    @Test
    void shouldFreeTheKeyWhenTheFirstRequestFailsValidation() {
        start(null);
        var invalid = form("/payment_intents", "currency=usd&metadata[op_id]=op-v", "Idempotency-Key", "key-v");
        assertThat(invalid.statusCode()).isEqualTo(400);
        var corrected =
                form("/payment_intents", "amount=500&currency=usd&metadata[op_id]=op-v", "Idempotency-Key", "key-v");
        assertThat(corrected.statusCode()).isEqualTo(200);
    }

    // ---- the parameter comparison, the mismatch, expiry ----

    @Test
    void shouldTreatAReorderedOrDifferentlyEncodedFormAsTheSameParameters() {
        start(null);
        var first = form(
                "/customers", "name=Ada+L&email=ada%40example.com&metadata[op_id]=op-r", "Idempotency-Key", "key-r");
        var reordered = form(
                "/customers",
                "metadata%5Bop_id%5D=op-r&email=ada@example.com&name=Ada%20L",
                "Idempotency-Key",
                "key-r");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(reordered.statusCode()).isEqualTo(200);
        assertThat(reordered.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(reordered.body()).isEqualTo(first.body());
    }

    @Test
    void shouldRefuseTheKeyWithStripesMessageWhenAParameterDiffers() {
        start(null);
        form("/customers", "name=Ada&metadata[op_id]=op-m", "Idempotency-Key", "key-m");
        var other = form("/customers", "name=Bob&metadata[op_id]=op-m", "Idempotency-Key", "key-m");
        var otherPath = form("/payment_intents", "amount=100&currency=usd", "Idempotency-Key", "key-m");

        assertThat(other.statusCode()).isEqualTo(400);
        JsonNode error = TestFarm.json(other).get("error");
        assertThat(error.get("type").asText()).isEqualTo("idempotency_error");
        assertThat(error.has("code")).isFalse();
        assertThat(error.get("message").asText())
                .isEqualTo(
                        "Keys for idempotent requests can only be used with the same parameters "
                                + "they were first used with. Try using a key other than 'key-m' if you meant to execute a different request.");
        assertThat(otherPath.statusCode())
                .as("another endpoint is another request")
                .isEqualTo(400);
    }

    @Test
    void shouldAnswerStripes409WordsWhileTheFirstRequestRuns() throws Exception {
        start("write_latency_ms: \"1500\"");
        var first = farm.http.sendAsync(
                farm.request(BASE + "/customers")
                        .header(AUTH[0], AUTH[1])
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Idempotency-Key", "key-busy")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Slow"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> farm.farm().service("stripe_mock").idempotency().size() == 1);

        var second = form("/customers", "name=Slow", "Idempotency-Key", "key-busy");

        assertThat(second.statusCode()).isEqualTo(409);
        assertThat(errorCode(second)).isEqualTo("idempotency_key_in_use");
        assertThat(TestFarm.json(second).at("/error/message").asText())
                .isEqualTo("There is currently another in-progress request "
                        + "using this Idempotent Key (that probably means you submitted twice, and the other request is still going "
                        + "through): key-busy. Please try again later.");
        assertThat(second.headers().firstValue("Stripe-Should-Retry")).hasValue("true");
        assertThat(first.get().statusCode()).isEqualTo(200);
    }

    @Test
    void shouldExecuteAgainWhenTheKeyIsReusedAfterItsTtl() {
        start(null, "ttl_s: 86400", "ttl_s: 3600");
        String body = "name=Ada&metadata[op_id]=op-ttl";
        form("/customers", body, "Idempotency-Key", "key-ttl");
        clock.advance(Duration.ofMinutes(59));
        assertThat(form("/customers", body, "Idempotency-Key", "key-ttl")
                        .headers()
                        .firstValue("Idempotent-Replayed"))
                .hasValue("true");
        clock.advance(Duration.ofMinutes(1));
        var late = form("/customers", body, "Idempotency-Key", "key-ttl");

        assertThat(late.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(ledger().at("/entries/0/commits").asInt())
                .as("a key past its TTL is a new request")
                .isEqualTo(2);
    }

    @Test
    void shouldIgnoreTheKeyOfADeleteAsStripeDoes() {
        start(null);
        String id = TestFarm.json(form("/customers", "name=Gone")).get("id").asText();
        var first = farm.send(farm.request(BASE + "/customers/" + id)
                .header(AUTH[0], AUTH[1])
                .header("Idempotency-Key", "key-del")
                .DELETE());
        var second = farm.send(farm.request(BASE + "/customers/" + id)
                .header(AUTH[0], AUTH[1])
                .header("Idempotency-Key", "key-del")
                .DELETE());

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).as("not a replay: the customer is gone").isEqualTo(404);
    }

    // ---- lock timeouts ----

    @Test
    void shouldAnswerAQuarterOfInjectedRateLimitsAsLockTimeoutsAndLogWhichOneItWas() {
        start(null, "error_profile: server_errors", "error_profile: only_rate_limit");
        farm.chaos("{\"level\":\"all_errors\"}");
        int locked = 0;
        int limited = 0;
        for (int i = 0; i < 100; i++) {
            var r = farm.get(BASE + "/customers?limit=1", AUTH);
            assertThat(r.statusCode()).isEqualTo(429);
            if (errorCode(r).equals("lock_timeout")) {
                locked++;
                assertThat(r.headers().firstValue("Stripe-Should-Retry")).hasValue("true");
                assertThat(r.headers().firstValue("Retry-After")).isEmpty();
                assertThat(TestFarm.json(r).at("/error/message").asText())
                        .startsWith(
                                "This object cannot be accessed right now because another API request or Stripe process");
                assertThat(TestFarm.json(r).at("/error/doc_url").asText())
                        .isEqualTo("https://stripe.com/docs/error-codes/lock-timeout");
            } else {
                limited++;
                assertThat(errorCode(r)).isEqualTo("rate_limit");
                assertThat(r.headers().firstValue("Stripe-Should-Retry"))
                        .as("the SDKs do not retry a plain 429")
                        .isEmpty();
            }
        }
        assertThat(locked).isBetween(12, 38);
        assertThat(faults("lock_timeout").get("returned").asInt()).isEqualTo(locked);
        assertThat(faults("rate_limit").get("returned").asInt()).isEqualTo(limited);
    }

    @Test
    void shouldTimeOutTheSecondOfTwoConcurrentUpdatesOfOneCustomerAndLeaveItsKeyFree() throws Exception {
        start("write_latency_ms: \"1500\", lock_wait_ms: \"100\"");
        String id = TestFarm.json(form("/customers", "name=Ada")).get("id").asText();

        var a = formAsync("/customers/" + id, "metadata[a]=1");
        var b = farm.http.sendAsync(
                farm.request(BASE + "/customers/" + id)
                        .header(AUTH[0], AUTH[1])
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .header("Idempotency-Key", "key-b")
                        .POST(HttpRequest.BodyPublishers.ofString("metadata[b]=2"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        List<HttpResponse<String>> both = List.of(a.get(), b.get());

        assertThat(both).extracting(HttpResponse::statusCode).containsExactlyInAnyOrder(200, 429);
        var timedOut =
                both.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        assertThat(errorCode(timedOut)).isEqualTo("lock_timeout");
        assertThat(timedOut.headers().firstValue("Stripe-Should-Retry")).hasValue("true");
        assertThat(ledger().get("entries"))
                .filteredOn(e -> e.get("operation").asText().equals("update"))
                .hasSize(1);
        if (timedOut == both.get(1)) {
            // A request that lost the lock race never began executing: its key is free for the retry.
            assertThat(form("/customers/" + id, "metadata[b]=2", "Idempotency-Key", "key-b")
                            .headers()
                            .firstValue("Idempotent-Replayed"))
                    .isEmpty();
        }
    }

    @Test
    void shouldTimeOutOneOfAConfirmAndACancelOfOnePaymentIntentAtOnce() throws Exception {
        start("write_latency_ms: \"1500\"");
        String id = TestFarm.json(form("/payment_intents", "amount=700&currency=usd"))
                .get("id")
                .asText();

        var confirm = formAsync("/payment_intents/" + id + "/confirm", "payment_method=pm_card_visa");
        var cancel = formAsync("/payment_intents/" + id + "/cancel", "cancellation_reason=abandoned");

        assertThat(List.of(confirm.get().statusCode(), cancel.get().statusCode()))
                .containsExactlyInAnyOrder(200, 429);
        String status = get("/payment_intents/" + id).get("status").asText();
        assertThat(status).isIn("succeeded", "canceled");
    }

    // ---- read-back: created filters, newest first, search ----

    @Test
    void shouldListNewestFirstAndFilterByCreated() {
        start(null);
        String a = TestFarm.json(form("/customers", "name=A")).get("id").asText();
        long t1 = clock.instant().getEpochSecond();
        clock.advance(Duration.ofSeconds(10));
        String b = TestFarm.json(form("/customers", "name=B")).get("id").asText();
        String c = TestFarm.json(form("/customers", "name=C")).get("id").asText();
        long t2 = t1 + 10;
        clock.advance(Duration.ofSeconds(10));
        String d = TestFarm.json(form("/customers", "name=D")).get("id").asText();
        long t3 = t2 + 10;

        assertThat(ids(get("/customers?limit=4")))
                .as("newest first; same second: last created first")
                .containsExactly(d, c, b, a);
        assertThat(get("/customers/" + b).get("created").asLong()).isEqualTo(t2);
        assertThat(ids(get("/customers?created[gte]=" + t2))).containsExactly(d, c, b);
        assertThat(ids(get("/customers?created[gt]=" + t2))).containsExactly(d);
        assertThat(ids(get("/customers?created=" + t2))).containsExactly(c, b);
        assertThat(ids(get("/customers?created[gte]=" + t1 + "&created[lt]=" + t3)))
                .containsExactly(c, b, a);
        assertThat(ids(get("/customers?created[lte]=" + t1 + "&limit=2")))
                .first()
                .isEqualTo(a);

        JsonNode page = get("/customers?created[gte]=" + t1 + "&limit=2");
        assertThat(ids(page)).containsExactly(d, c);
        assertThat(page.get("has_more").asBoolean()).isTrue();
        JsonNode next = get("/customers?created[gte]=" + t1 + "&limit=2&starting_after=" + c);
        assertThat(ids(next)).containsExactly(b, a);
        assertThat(next.get("has_more").asBoolean()).isFalse();
        JsonNode back = get("/customers?created[gte]=" + t1 + "&limit=1&ending_before=" + b);
        assertThat(ids(back)).containsExactly(c);
        assertThat(back.get("has_more").asBoolean()).isTrue();
    }

    @Test
    void shouldGiveSeededRecordsAPastCreatedTimeTheSameInEveryRun() {
        start(null);
        JsonNode first = get("/payment_intents?limit=3");
        long now = clock.instant().getEpochSecond();
        first.get("data").forEach(pi -> assertThat(pi.get("created").asLong()).isLessThan(now));
        farm.close();
        start(null);
        assertThat(get("/payment_intents?limit=3")).isEqualTo(first);
    }

    @Test
    void shouldRefuseABadCreatedFilterNamingTheParameter() {
        start(null);
        var notANumber = farm.get(BASE + "/customers?created[gte]=yesterday", AUTH);
        assertThat(notANumber.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(notANumber).at("/error/param").asText()).isEqualTo("created[gte]");
        assertThat(errorCode(notANumber)).isEqualTo("parameter_invalid_integer");

        var unknownOperator = farm.get(BASE + "/customers?created[after]=1", AUTH);
        assertThat(unknownOperator.statusCode()).isEqualTo(400);
        assertThat(errorCode(unknownOperator)).isEqualTo("parameter_unknown");
        assertThat(TestFarm.json(unknownOperator).at("/error/param").asText()).isEqualTo("created[after]");

        var emailOnPaymentIntents = farm.get(BASE + "/payment_intents?email=a%40b.c", AUTH);
        assertThat(emailOnPaymentIntents.statusCode()).isEqualTo(400);
        assertThat(errorCode(emailOnPaymentIntents)).isEqualTo("parameter_unknown");
    }

    @Test
    void shouldFindByMetadataOnlyOnceTheSearchIndexCaughtUp() {
        start(null);
        String id = TestFarm.json(form("/customers", "name=Ada&email=ada%40example.com&metadata[op_id]=op-s"))
                .get("id")
                .asText();
        String query = "/customers/search?query="
                + URLEncoder.encode("metadata['op_id']:'op-s' AND email:\"ADA@example.com\"", StandardCharsets.UTF_8);

        JsonNode early = get(query);
        assertThat(early.get("object").asText()).isEqualTo("search_result");
        assertThat(early.get("data")).as("search lags behind writes").isEmpty();
        assertThat(ids(get("/customers?created=" + clock.instant().getEpochSecond())))
                .as("the list does not")
                .containsExactly(id);

        clock.advance(Duration.ofSeconds(2));
        JsonNode found = get(query);
        assertThat(ids(found)).containsExactly(id);
        assertThat(found.get("url").asText()).isEqualTo("/v1/customers/search");
        assertThat(found.get("next_page").isNull()).isTrue();
        assertThat(ids(get("/customers/search?query="
                        + URLEncoder.encode("-metadata['op_id']:null name~'ada'", StandardCharsets.UTF_8))))
                .containsExactly(id);
    }

    @Test
    void shouldPageSearchResultsAndRefuseQueriesItCannotServe() {
        start(null);
        for (int i = 0; i < 3; i++) form("/payment_intents", "amount=4242&currency=usd&metadata[batch]=b1");
        clock.advance(Duration.ofSeconds(5));
        String query = "/payment_intents/search?limit=2&query="
                + URLEncoder.encode("amount>=4242 AND metadata['batch']:'b1'", StandardCharsets.UTF_8);

        JsonNode first = get(query);
        assertThat(first.get("data")).hasSize(2);
        assertThat(first.get("has_more").asBoolean()).isTrue();
        JsonNode second = get(query + "&page=" + first.get("next_page").asText());
        assertThat(second.get("data")).hasSize(1);
        assertThat(second.get("has_more").asBoolean()).isFalse();

        var unsupported = farm.get(
                BASE + "/customers/search?query=" + URLEncoder.encode("nickname:'x'", StandardCharsets.UTF_8), AUTH);
        assertThat(unsupported.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(unsupported).at("/error/param").asText()).isEqualTo("query");
        assertThat(TestFarm.json(unsupported).at("/error/message").asText()).contains("unsupported search field");
        var mixed = farm.get(
                BASE + "/customers/search?query="
                        + URLEncoder.encode("name:'a' AND email:'b' OR phone:'c'", StandardCharsets.UTF_8),
                AUTH);
        assertThat(mixed.statusCode()).isEqualTo(400);
        var missing = farm.get(BASE + "/customers/search", AUTH);
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(errorCode(missing)).isEqualTo("parameter_missing");
    }
}
