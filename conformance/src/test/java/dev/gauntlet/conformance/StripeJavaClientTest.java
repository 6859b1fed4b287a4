package dev.gauntlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.ApiException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.PaymentIntent;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.PaymentIntentConfirmParams;
import com.stripe.param.PaymentIntentCreateParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stripe's official Java client (stripe-java), unmodified, with only its API base changed
 * ({@code StripeClient.builder().setApiBase(…)}): the common calls against the farm and through the AAM's proxy, and
 * its own retry rules ({@code HttpClient.shouldRetry}: {@code Stripe-Should-Retry} first, then 409 and 5xx, and
 * connect or read timeouts) meeting the farm's faults as they would meet Stripe's.
 */
class StripeJavaClientTest extends VendorClientTest {

    static final String SERVICE = "stripe_mock";
    static final String KEY = "sk_test_gauntlet_4eC39HqLyjWDarjtT1zdp7dc";
    /** What a client sends through the proxy: the mesh drops it and injects the connector's own key. */
    static final String DUMMY_KEY = "sk_test_dummy_the_proxy_drops_it";

    /** Where a client is pointed, and with which key. */
    record Target(String name, String apiBase, String key) {
        @Override
        public String toString() {
            return name;
        }
    }

    @Override
    String service() {
        return SERVICE;
    }

    Stream<Target> targets() {
        return Stream.of(
                new Target("farm, base path", rig.farmBase("/api/stripe"), KEY),
                new Target("farm, service port", rig.farmServicePort(SERVICE), KEY),
                new Target("AAM proxy path", rig.proxy(SERVICE), DUMMY_KEY),
                new Target("AAM proxy port", rig.proxyPort(SERVICE), DUMMY_KEY));
    }

    private Target direct() {
        return targets().findFirst().orElseThrow();
    }

    /** stripe-java as an application configures it: the documented retry setting, timeouts short enough for a test. */
    static StripeClient client(Target target, int maxNetworkRetries) {
        return StripeClient.builder()
                .setApiKey(target.key())
                .setApiBase(target.apiBase())
                .setMaxNetworkRetries(maxNetworkRetries)
                .setConnectTimeout(5_000)
                .setReadTimeout(5_000)
                .build();
    }

    private static CustomerCreateParams customer(String opId, String email) {
        return CustomerCreateParams.builder()
                .setName("Ada Lovelace")
                .setEmail(email)
                .putMetadata("op_id", opId)
                .build();
    }

    private static RequestOptions key(String key) {
        return RequestOptions.builder().setIdempotencyKey(key).build();
    }

    private static String email(String opId) {
        return opId + "@example.com";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldRunTheCommonCallsWhenOnlyTheApiBaseChanges(Target target) throws StripeException {
        StripeClient stripe = client(target, 2);
        String run = UUID.randomUUID().toString();
        String opId = "conf-cus-" + run;

        Customer created = stripe.v1().customers().create(customer(opId, email(opId)), key("conf-key-" + run));
        assertThat(created.getId()).startsWith("cus_");
        assertThat(created.getMetadata()).containsEntry("op_id", opId);
        Customer again = stripe.v1().customers().create(customer(opId, email(opId)), key("conf-key-" + run));
        assertThat(again.getId()).as("the same key twice is the same customer").isEqualTo(created.getId());
        assertThat(again.getLastResponse().headers().firstValue("Idempotent-Replayed"))
                .contains("true");

        Customer read = stripe.v1().customers().retrieve(created.getId());
        assertThat(read.getEmail()).isEqualTo(email(opId));
        Customer updated = stripe.v1()
                .customers()
                .update(
                        created.getId(),
                        CustomerUpdateParams.builder().setName("Ada King").build());
        assertThat(updated.getName()).isEqualTo("Ada King");

        List<String> ids = new ArrayList<>();
        for (Customer c : stripe.v1()
                .customers()
                .list(CustomerListParams.builder().setLimit(100L).build())
                .autoPagingIterable()) ids.add(c.getId());
        assertThat(ids)
                .as("auto-pagination walks every page with starting_after")
                .hasSizeGreaterThan(300)
                .doesNotHaveDuplicates()
                .contains(created.getId());

        PaymentIntent intent = stripe.v1()
                .paymentIntents()
                .create(PaymentIntentCreateParams.builder()
                        .setAmount(2_000L)
                        .setCurrency("usd")
                        .setCustomer(created.getId())
                        .putMetadata("op_id", "conf-pi-" + run)
                        .build());
        assertThat(intent.getStatus()).isEqualTo("requires_payment_method");
        PaymentIntent confirmed = stripe.v1()
                .paymentIntents()
                .confirm(
                        intent.getId(),
                        PaymentIntentConfirmParams.builder()
                                .setPaymentMethod("pm_card_visa")
                                .build());
        assertThat(confirmed.getStatus()).isEqualTo("succeeded");

        Customer deleted = stripe.v1().customers().delete(created.getId());
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(stripe.v1().customers().retrieve(created.getId()).getDeleted())
                .as("a deleted customer is still retrievable")
                .isTrue();

        assertCommits(opId, 1); // two requests, one key, one commit
    }

    @Test
    void shouldRetryALockTimeoutBecauseStripeSaysShouldRetryTrue() throws StripeException {
        String opId = "conf-lock-" + UUID.randomUUID();
        rig.script(Map.of("service", SERVICE, "type", "lock_timeout", "method", "POST", "path", "/v1/customers"));
        long before = rig.requests(SERVICE);

        Customer c = client(direct(), 2).v1().customers().create(customer(opId, email(opId)));

        assertThat(c.getId()).startsWith("cus_");
        assertThat(rig.requests(SERVICE) - before)
                .as("the 429 lock_timeout, then the retry under the same key")
                .isEqualTo(2);
        assertCommits(opId, 1);
    }

    @Test
    void shouldNotRetryASaved500BecauseStripeSaysShouldRetryFalse() throws StripeException {
        String opId = "conf-500-" + UUID.randomUUID();
        String key = "conf-key-" + opId;
        rig.script(Map.of(
                "service", SERVICE, "type", "server_error", "status", 500, "method", "POST", "path", "/v1/customers"));
        StripeClient stripe = client(direct(), 2);
        long before = rig.requests(SERVICE);

        assertThatThrownBy(() -> stripe.v1().customers().create(customer(opId, email(opId)), key(key)))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(500));
        assertThat(rig.requests(SERVICE) - before)
                .as("one attempt: the saved 500 says Stripe-Should-Retry: false")
                .isEqualTo(1);
        assertThatThrownBy(() -> stripe.v1().customers().create(customer(opId, email(opId)), key(key)))
                .as("the same key replays the saved 500, which is why a retry would be a no-op")
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.getStatusCode()).isEqualTo(500));
        assertThat(rig.ledgerEntries(SERVICE, opId)).as("nothing was committed").isEmpty();

        // What an application does next: read back (nothing was created), then create under a fresh key.
        assertThat(stripe.v1()
                        .customers()
                        .list(CustomerListParams.builder().setEmail(email(opId)).build())
                        .getData())
                .isEmpty();
        stripe.v1().customers().create(customer(opId, email(opId)), key(key + "-2"));
        assertCommits(opId, 1);
    }

    @Test
    void shouldRetryA502UnderTheSameKeyAndCommitOnce() throws StripeException {
        String opId = "conf-502-" + UUID.randomUUID();
        rig.script(Map.of(
                "service", SERVICE, "type", "server_error", "status", 502, "method", "POST", "path", "/v1/customers"));
        long before = rig.requests(SERVICE);

        client(direct(), 2).v1().customers().create(customer(opId, email(opId)));

        assertThat(rig.requests(SERVICE) - before).isEqualTo(2);
        assertCommits(opId, 1);
    }

    @Test
    void shouldNotRetryARateLimit429WithoutStripeShouldRetry() {
        String opId = "conf-429-" + UUID.randomUUID();
        rig.script(Map.of("service", SERVICE, "type", "rate_limit", "method", "POST", "path", "/v1/customers"));
        long before = rig.requests(SERVICE);

        assertThatThrownBy(() -> client(direct(), 2).v1().customers().create(customer(opId, email(opId))))
                .isInstanceOfSatisfying(
                        RateLimitException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(429));
        assertThat(rig.requests(SERVICE) - before).isEqualTo(1);
        assertThat(rig.ledgerEntries(SERVICE, opId)).isEmpty();
    }

    @Test
    void shouldResendUnderTheSameKeyAfterAReadTimeoutAndCommitOnce() throws StripeException {
        String opId = "conf-timeout-" + UUID.randomUUID();
        // The create commits, then no answer comes: stripe-java's read timeout fires and it retries
        // (SocketTimeoutException).
        rig.script(Map.of(
                "service",
                SERVICE,
                "type",
                "timeout",
                "after_commit",
                true,
                "delay_ms",
                8_000,
                "method",
                "POST",
                "path",
                "/v1/customers"));

        RequestOptions readTimeout =
                RequestOptions.builder().setReadTimeout(2_000).build();
        Customer c = client(direct(), 2).v1().customers().create(customer(opId, email(opId)), readTimeout);

        assertThat(c.getLastResponse().headers().firstValue("Idempotent-Replayed"))
                .as("the retry got the first request's saved answer")
                .contains("true");
        assertCommits(opId, 1);
    }

    @Test
    void shouldResendAPostWhoseConnectionWasResetAfterTheCommitUnderTheSameKeyAndCommitOnce() throws StripeException {
        String opId = "conf-reset-" + UUID.randomUUID();
        rig.script(Map.of(
                "service", SERVICE, "type", "reset", "after_commit", true, "method", "POST", "path", "/v1/customers"));
        long before = rig.requests(SERVICE);

        // stripe-java's own rules retry connect failures and timeouts only; the resend here comes from the JDK under
        // it:
        // its default HttpURLConnectionClient sends a request again once when the connection fails before an answer
        // (sun.net.http.retryPost, true by default), with the same headers and so the same Idempotency-Key.
        Customer c = client(direct(), 0).v1().customers().create(customer(opId, email(opId)));

        assertThat(rig.requests(SERVICE) - before).isEqualTo(2);
        assertThat(c.getLastResponse().headers().firstValue("Idempotent-Replayed"))
                .contains("true");
        assertCommits(opId, 1);
    }

    /**
     * At storm, writes carried by stripe-java's own retries plus what Stripe's docs tell an application to do with
     * what the client gives up on: resend under the same key, and after a saved 500 read back and use a new key.
     */
    @Test
    void shouldCommitEveryWriteExactlyOnceAtStormWhenEveryWriteCarriesItsKey() throws Exception {
        String run = "conf-storm-" + UUID.randomUUID().toString().substring(0, 8);
        int writes = 40;
        long mark = rig.faultMark(SERVICE);
        rig.chaos(SERVICE, "storm");
        StripeClient stripe = client(direct(), 2);
        Map<String, Integer> resends = new ConcurrentHashMap<>();
        AtomicInteger saved500s = new AtomicInteger();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<String>> done = new ArrayList<>();
            for (int i = 0; i < writes; i++) {
                String opId = run + "-" + i;
                done.add(pool.submit(() -> createExactlyOnce(stripe, opId, resends, saved500s)));
            }
            for (Future<String> f : done) assertThat(f.get()).startsWith("cus_");
        } finally {
            rig.chaos(SERVICE, "calm");
        }

        assertEachCommittedOnce(run, writes);
        Rig.report(String.format(
                "stripe-java at storm: %d keyed creates, each committed once (asserted); %d needed the application to "
                        + "resend under their key, %d met a saved 500 and were read back before a new key; faults met: %s",
                writes, resends.size(), saved500s.get(), rig.faultsSince(SERVICE, mark)));
    }

    /** One logical create: stripe-java's retries, then the application's resend under the same key, at most 8 times. */
    private static String createExactlyOnce(
            StripeClient stripe, String opId, Map<String, Integer> resends, AtomicInteger saved500s)
            throws StripeException {
        String key = "key-" + opId;
        StripeException last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            if (attempt > 0) resends.merge(opId, 1, Integer::sum);
            try {
                return stripe.v1()
                        .customers()
                        .create(customer(opId, email(opId)), key(key))
                        .getId();
            } catch (ApiException e) {
                last = e;
                if (e.getStatusCode() != null && e.getStatusCode() == 500) {
                    // A saved 500 is replayed for this key: read back, and create under a new key only if nothing was
                    // made.
                    saved500s.incrementAndGet();
                    List<Customer> found;
                    try {
                        found = stripe.v1()
                                .customers()
                                .list(CustomerListParams.builder()
                                        .setEmail(email(opId))
                                        .build())
                                .getData();
                    } catch (StripeException readFailed) {
                        continue; // undecided: the same key again replays the 500 and the read-back is tried again
                    }
                    if (!found.isEmpty()) return found.getFirst().getId();
                    key = key + "-" + attempt;
                }
            } catch (ApiConnectionException | RateLimitException e) {
                last = e; // the client gave up (reset, truncated body, plain 429): same key again
            }
        }
        throw last;
    }
}
