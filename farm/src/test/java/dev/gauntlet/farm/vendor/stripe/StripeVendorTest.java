package dev.gauntlet.farm.vendor.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.BuiltInFarmTest;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.TestFarm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The Stripe flavour over real loopback HTTP: form bodies, objects, lists, errors, idempotency and the ledger. */
class StripeVendorTest extends BuiltInFarmTest {

    private static final String KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";
    private static final String[] AUTH = {"Authorization", "Bearer " + KEY};
    private static final String BASE = "/api/stripe/v1";

    private HttpResponse<String> form(String path, String body, String... extraHeaders) {
        return form(farm, path, body, extraHeaders);
    }

    /** A form POST to the built-in Stripe's {@code /v1} path with the gauntlet secret key and extra headers (pairs). */
    static HttpResponse<String> form(TestFarm farm, String path, String body, String... extraHeaders) {
        String[] headers = new String[2 + extraHeaders.length];
        headers[0] = AUTH[0];
        headers[1] = AUTH[1];
        System.arraycopy(extraHeaders, 0, headers, 2, extraHeaders.length);
        return farm.postForm(BASE + path, body, headers);
    }

    private JsonNode ledgerEntry(String opId) {
        JsonNode ledger = TestFarm.json(farm.get("/admin/ledger?service=stripe_mock"));
        for (JsonNode e : ledger.get("entries")) {
            if (opId.equals(e.path("op_id").asText())) return e;
        }
        throw new AssertionError("no ledger entry with op_id " + opId + " in " + ledger);
    }

    @Test
    void shouldRecordOpIdAndKeyInLedgerWhenFormCreateCarriesMetadataOpId() {
        var r = form(
                "/customers",
                "name=Ada+Lovelace&email=ada%40example.com&metadata[op_id]=op-cus-1",
                "Idempotency-Key",
                "key-cus-1");

        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode cus = TestFarm.json(r);
        assertThat(cus.get("id").asText()).matches("cus_[0-9A-Za-z]{14}");
        assertThat(cus.get("object").asText()).isEqualTo("customer");
        assertThat(cus.get("livemode").asBoolean()).isFalse();
        assertThat(cus.get("created").asLong()).isPositive();
        assertThat(cus.get("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(cus.get("email").asText()).isEqualTo("ada@example.com");
        assertThat(cus.get("metadata").get("op_id").asText()).isEqualTo("op-cus-1");
        assertThat(r.headers().firstValue("Request-Id"))
                .hasValueSatisfying(v -> assertThat(v).matches("req_[0-9A-Za-z]{14}"));

        JsonNode entry = ledgerEntry("op-cus-1");
        assertThat(entry.get("resource").asText()).isEqualTo("customer");
        assertThat(entry.get("idempotency_key").asText()).isEqualTo("key-cus-1");
        assertThat(entry.get("commits").asInt()).isEqualTo(1);
        assertThat(entry.get("record_id").asText()).isEqualTo(cus.get("id").asText());

        var fetched = farm.get(BASE + "/customers/" + cus.get("id").asText(), AUTH);
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(fetched).get("email").asText()).isEqualTo("ada@example.com");
    }

    @Test
    void shouldReplayTheSameBodyAndCommitOnceWhenTheKeyIsReused() {
        String body = "amount=2000&currency=usd&metadata[op_id]=op-pi-replay";
        var first = form("/payment_intents", body, "Idempotency-Key", "key-replay");
        var second = form("/payment_intents", body, "Idempotency-Key", "key-replay");

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.statusCode()).isEqualTo(200);
        assertThat(second.body()).isEqualTo(first.body());
        assertThat(second.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
        assertThat(second.headers().firstValue("Original-Request"))
                .isEqualTo(first.headers().firstValue("Request-Id"));
        assertThat(ledgerEntry("op-pi-replay").get("commits").asInt()).isEqualTo(1);
    }

    @Test
    void shouldAnswerIdempotencyErrorWhenTheKeyIsReusedWithOtherParameters() {
        form("/customers", "name=First&metadata[op_id]=op-a", "Idempotency-Key", "key-mismatch");
        var r = form("/customers", "name=Second&metadata[op_id]=op-b", "Idempotency-Key", "key-mismatch");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = TestFarm.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo("idempotency_error");
        assertThat(error.get("message").asText()).contains("key-mismatch");
        assertThat(r.headers().firstValue("Request-Id")).isPresent();
    }

    @Test
    void shouldAnswer409WhenTheKeyIsReusedWhileTheFirstRequestStillRuns() throws Exception {
        farm.close();
        // A copy of the service whose writes take 1.5 s before they commit, so the first request is still in flight.
        String yaml = new String(
                        getClass()
                                .getResourceAsStream("/services/stripe_mock.yaml")
                                .readAllBytes(),
                        StandardCharsets.UTF_8)
                + "\noptions: { write_latency_ms: \"1500\" }\n";
        TestFarm.write(dir.resolve("services"), "stripe_mock.yaml", yaml);
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")));

        HttpRequest request = farm.request(BASE + "/customers")
                .header("Authorization", "Bearer " + KEY)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", "key-concurrent")
                .POST(HttpRequest.BodyPublishers.ofString("name=Slow&metadata[op_id]=op-slow"))
                .timeout(Duration.ofSeconds(10))
                .build();
        CompletableFuture<HttpResponse<String>> first =
                farm.http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> farm.farm().service("stripe_mock").idempotency().size() == 1);

        var second = form("/customers", "name=Slow&metadata[op_id]=op-slow", "Idempotency-Key", "key-concurrent");

        assertThat(second.statusCode()).isEqualTo(409);
        JsonNode error = TestFarm.json(second).get("error");
        assertThat(error.get("code").asText()).isEqualTo("idempotency_key_in_use");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(ledgerEntry("op-slow").get("commits").asInt()).isEqualTo(1);
    }

    @Test
    void shouldVisitEveryCustomerOnceWhenWalkingPagesWithStartingAfter() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        long lastCreated = Long.MAX_VALUE;
        int pages = 0;
        while (true) {
            var r = farm.get(BASE + "/customers?limit=100" + (cursor == null ? "" : "&starting_after=" + cursor), AUTH);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode list = TestFarm.json(r);
            assertThat(list.get("object").asText()).isEqualTo("list");
            assertThat(list.get("url").asText()).isEqualTo("/v1/customers");
            for (JsonNode c : list.get("data")) {
                seen.add(c.get("id").asText());
                // Newest first, as Stripe lists.
                assertThat(c.get("created").asLong()).isLessThanOrEqualTo(lastCreated);
                lastCreated = c.get("created").asLong();
            }
            pages++;
            if (!list.get("has_more").asBoolean()) break;
            cursor = seen.getLast();
        }
        assertThat(pages).isEqualTo(3);
        assertThat(seen).hasSize(300).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).hasSize(300);
    }

    @Test
    void shouldGiveTenNewestWhenNoLimitAndWalkBackWithEndingBefore() {
        JsonNode first = TestFarm.json(farm.get(BASE + "/customers", AUTH));
        assertThat(first.get("data")).hasSize(10);
        JsonNode second = TestFarm.json(farm.get(
                BASE + "/customers?starting_after="
                        + first.get("data").get(9).get("id").asText(),
                AUTH));
        JsonNode back = TestFarm.json(farm.get(
                BASE + "/customers?ending_before="
                        + second.get("data").get(0).get("id").asText(),
                AUTH));

        assertThat(back.get("data")).isEqualTo(first.get("data"));
        assertThat(back.get("has_more").asBoolean()).isFalse();
    }

    @Test
    void shouldAnswerParameterMissingWhenAmountIsAbsent() {
        var r = form("/payment_intents", "currency=usd");

        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode error = TestFarm.json(r).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("code").asText()).isEqualTo("parameter_missing");
        assertThat(error.get("param").asText()).isEqualTo("amount");
        assertThat(error.get("message").asText()).isEqualTo("Missing required param: amount.");
        assertThat(error.get("doc_url").asText()).isEqualTo("https://stripe.com/docs/error-codes/parameter-missing");
    }

    @Test
    void shouldRefuseUnknownParametersAndNonFormBodiesWithoutA500() {
        var unknown = form("/customers", "nmae=typo");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(unknown).get("error").get("code").asText()).isEqualTo("parameter_unknown");
        assertThat(TestFarm.json(unknown).get("error").get("param").asText()).isEqualTo("nmae");

        var json = farm.postJson(BASE + "/customers", "{\"name\":\"Ada\"}", AUTH);
        assertThat(json.statusCode()).isEqualTo(400);
        JsonNode error = TestFarm.json(json).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText())
                .startsWith("Invalid request: unsupported Content-Type application/json");
    }

    @Test
    void shouldAnswer401InStripesWordsWhenTheKeyIsMissingOrInvalid() {
        var missing = farm.get(BASE + "/customers");
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(TestFarm.json(missing).get("error").get("message").asText())
                .startsWith("You did not provide an API key.");
        assertThat(missing.headers().firstValue("Request-Id")).isPresent();

        var invalid = farm.get(BASE + "/customers", "Authorization", "Bearer sk_test_wrongwrongwrongwrong1234");
        assertThat(invalid.statusCode()).isEqualTo(401);
        JsonNode error = TestFarm.json(invalid).get("error");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.get("message").asText())
                .startsWith("Invalid API Key provided: sk_test_****")
                .endsWith("1234");
        assertThat(error.get("message").asText()).doesNotContain("wrongwrong");
    }

    @Test
    void shouldAcceptTheKeyAsBasicAuthUserName() {
        String basic = "Basic " + Base64.getEncoder().encodeToString((KEY + ":").getBytes(StandardCharsets.UTF_8));
        assertThat(farm.get(BASE + "/customers?limit=1", "Authorization", basic).statusCode())
                .isEqualTo(200);
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenTheRateLimitIsSpent() {
        farm.close();
        TestFarm.write(dir.resolve("services"), "stripe_tiny.yaml", """
                id: stripe_tiny
                flavor: stripe
                base_path: /api/stripe_tiny
                auth: { type: api_key, api_keys: [sk_test_tiny] }
                rate_limit: { max_rps: 0.1, burst: 2, per: client }
                resources:
                  - { name: customer, path: /v1/customers, fields: { name: name }, count: 3 }
                """);
        farm = TestFarm.start(FarmConfig.builder().builtIns(false).servicesDir(dir.resolve("services")));
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++)
            answers.add(farm.get("/api/stripe_tiny/v1/customers", "Authorization", "Bearer sk_test_tiny"));

        assertThat(answers.subList(0, 2))
                .allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(200));
        var limited = answers.get(2);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        JsonNode error = TestFarm.json(limited).get("error");
        assertThat(error.get("code").asText()).isEqualTo("rate_limit");
        assertThat(error.get("type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void shouldAnswerApiErrorWhenChaosInjectsAServerError() {
        farm.close();
        String yaml = new String(readResource("/services/stripe_mock.yaml"), StandardCharsets.UTF_8)
                .replace("error_profile: server_errors", "error_profile: only_server_error");
        TestFarm.write(dir.resolve("services"), "stripe_mock.yaml", yaml);
        farm = TestFarm.start(FarmConfig.builder()
                .builtIns(false)
                .servicesDir(dir.resolve("services"))
                .chaosFile(TestFarm.chaosWithOnly(dir)));
        farm.chaos("{\"level\":\"all_errors\"}");

        var r = form("/customers", "name=Ada&metadata[op_id]=op-never");

        assertThat(r.statusCode()).isBetween(500, 504);
        assertThat(TestFarm.json(r).get("error").get("type").asText()).isEqualTo("api_error");
        assertThat(r.headers().firstValue("Request-Id")).isPresent();
        assertThat(TestFarm.json(farm.get("/admin/ledger?service=stripe_mock"))
                        .get("total")
                        .asInt())
                .isZero();
    }

    @Test
    void shouldWalkAPaymentIntentThroughConfirmAndRefuseACancelAfterwards() {
        JsonNode pi = TestFarm.json(form("/payment_intents", "amount=1999&currency=EUR&metadata[op_id]=op-pi-flow"));
        String id = pi.get("id").asText();
        assertThat(id).matches("pi_[0-9A-Za-z]{14}");
        assertThat(pi.get("status").asText()).isEqualTo("requires_payment_method");
        assertThat(pi.get("currency").asText()).isEqualTo("eur");
        assertThat(pi.get("amount").asLong()).isEqualTo(1999);

        var noMethod = form("/payment_intents/" + id + "/confirm", "");
        assertThat(noMethod.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(noMethod).get("error").get("code").asText())
                .isEqualTo("payment_intent_unexpected_state");

        JsonNode confirmed = TestFarm.json(form("/payment_intents/" + id + "/confirm", "payment_method=pm_card_visa"));
        assertThat(confirmed.get("status").asText()).isEqualTo("succeeded");
        assertThat(confirmed.get("amount_received").asLong()).isEqualTo(1999);

        var cancel = form("/payment_intents/" + id + "/cancel", "cancellation_reason=duplicate");
        assertThat(cancel.statusCode()).isEqualTo(400);
        assertThat(TestFarm.json(cancel).get("error").get("message").asText()).contains("status of succeeded");
    }

    @Test
    void shouldCancelAPaymentIntentAndDeclineATestCard() {
        String id = TestFarm.json(form("/payment_intents", "amount=500&currency=usd"))
                .get("id")
                .asText();
        var declined = form("/payment_intents/" + id + "/confirm", "payment_method=pm_card_chargeDeclined");
        assertThat(declined.statusCode()).isEqualTo(402);
        JsonNode error = TestFarm.json(declined).get("error");
        assertThat(error.get("type").asText()).isEqualTo("card_error");
        assertThat(error.get("code").asText()).isEqualTo("card_declined");
        assertThat(error.get("payment_intent").get("status").asText()).isEqualTo("requires_payment_method");

        JsonNode canceled = TestFarm.json(form("/payment_intents/" + id + "/cancel", "cancellation_reason=abandoned"));
        assertThat(canceled.get("status").asText()).isEqualTo("canceled");
        assertThat(canceled.get("cancellation_reason").asText()).isEqualTo("abandoned");
        assertThat(canceled.get("canceled_at").asLong()).isPositive();
    }

    @Test
    void shouldShowADeletedCustomerAsAStubAndLeaveItOutOfLists() {
        String id = TestFarm.json(form("/customers", "name=Gone")).get("id").asText();
        var deleted = farm.send(
                farm.request(BASE + "/customers/" + id).header(AUTH[0], AUTH[1]).DELETE());
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(TestFarm.json(deleted).toString())
                .isEqualTo("{\"id\":\"" + id + "\",\"object\":\"customer\",\"deleted\":true}");

        assertThat(TestFarm.json(farm.get(BASE + "/customers/" + id, AUTH))
                        .get("deleted")
                        .asBoolean())
                .isTrue();
        Set<String> listed = new HashSet<>();
        TestFarm.json(farm.get(BASE + "/customers?limit=5", AUTH))
                .get("data")
                .forEach(c -> listed.add(c.get("id").asText()));
        assertThat(listed).doesNotContain(id);
        var again = farm.send(
                farm.request(BASE + "/customers/" + id).header(AUTH[0], AUTH[1]).DELETE());
        assertThat(again.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerResourceMissingAndUpdateWithMergedMetadata() {
        var missing = farm.get(BASE + "/customers/cus_doesnotexist00", AUTH);
        assertThat(missing.statusCode()).isEqualTo(404);
        JsonNode error = TestFarm.json(missing).get("error");
        assertThat(error.get("code").asText()).isEqualTo("resource_missing");
        assertThat(error.get("param").asText()).isEqualTo("id");
        assertThat(error.get("message").asText()).isEqualTo("No such customer: 'cus_doesnotexist00'");

        String id = TestFarm.json(form("/customers", "name=Ada&metadata[a]=1&metadata[b]=2"))
                .get("id")
                .asText();
        JsonNode updated =
                TestFarm.json(form("/customers/" + id, "email=ada%40example.com&metadata[a]=&metadata[c]=3"));
        assertThat(updated.get("email").asText()).isEqualTo("ada@example.com");
        assertThat(updated.get("name").asText()).isEqualTo("Ada");
        assertThat(updated.get("metadata").toString()).isEqualTo("{\"b\":\"2\",\"c\":\"3\"}");
    }

    @Test
    void shouldAnswer405ForAMethodTheResourceDoesNotHave() {
        var r = farm.send(farm.request(BASE + "/payment_intents")
                .header(AUTH[0], AUTH[1])
                .PUT(HttpRequest.BodyPublishers.noBody()));
        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(TestFarm.json(r).get("error").get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(r.headers().firstValue("Request-Id")).isPresent();
    }

    @Test
    void shouldReadTheSequenceBackFromAnIdWhenSeededCreatedTimesAreDerived() {
        var spec =
                new dev.gauntlet.farm.spec.ResourceSpec("customer", "/v1/customers", null, null, 0, null, null, null);
        var minter = new StripeVendor().ids();
        for (long seq : new long[] {1, 2, 61, 62, 300, 3_844, 1_000_000}) {
            String id = minter.mint(spec, seq, new SplittableRandom(seq)).asText();
            assertThat(id).matches("cus_[0-9A-Za-z]{14}");
            assertThat(StripeVendor.seqOf(id)).isEqualTo(seq);
        }
    }

    private static byte[] readResource(String name) {
        try (var in = StripeVendorTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
