package dev.gauntlet.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.datadog.api.client.ApiClient;
import com.datadog.api.client.ApiException;
import com.datadog.api.client.v1.api.AuthenticationApi;
import com.datadog.api.client.v1.model.MetricMetadata;
import com.datadog.api.client.v1.model.MetricsQueryMetadata;
import com.datadog.api.client.v1.model.MetricsQueryResponse;
import com.datadog.api.client.v2.model.IntakePayloadAccepted;
import com.datadog.api.client.v2.model.MetricIntakeType;
import com.datadog.api.client.v2.model.MetricPayload;
import com.datadog.api.client.v2.model.MetricPoint;
import com.datadog.api.client.v2.model.MetricSeries;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Datadog's official Java client (datadog-api-client), unmodified, pointed at the farm with its documented server
 * setting ({@code setServerIndex(1)}: {@code {protocol}://{name}}): metric submission (v2), timeseries query, active
 * metrics, metric metadata and key validation, against the farm and through the AAM's proxy, and its own retry
 * ({@code enableRetry}: 429 and 5xx answers, waiting {@code X-RateLimit-Reset} seconds) against the farm's faults.
 * The calls run first, before the farm's drift rule for query answers (after 100 calls) fires.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DatadogJavaClientTest extends VendorClientTest {

    static final String SERVICE = "datadog_mock";
    static final String KEY = "dd-gauntlet-api-key";

    /** Where the client is pointed: Datadog's {@code name} server variable (host, port and any path) and its key. */
    record Target(String label, String name, String apiKey) {
        @Override
        public String toString() {
            return label;
        }
    }

    @Override
    String service() {
        return SERVICE;
    }

    Stream<Target> targets() {
        return Stream.of(
                new Target("farm, base path", hostAndPath(rig.farmBase("/api/datadog")), KEY),
                new Target("farm, service port", hostAndPath(rig.farmServicePort(SERVICE)), KEY),
                // Any key will do through the proxy: the mesh drops DD-API-KEY and injects the connector's.
                new Target("AAM proxy path", hostAndPath(rig.proxy(SERVICE)), "dummy-dropped-by-the-proxy"));
    }

    private static String hostAndPath(String url) {
        return url.substring("http://".length());
    }

    /** The client as Datadog documents a custom endpoint: server index 1, {@code name} and {@code protocol}. */
    static ApiClient client(Target target, boolean retry) {
        ApiClient client = new ApiClient();
        client.setServerIndex(1);
        client.setServerVariables(Map.of("name", target.name(), "protocol", "http"));
        // The farm checks the API key only; Datadog's read endpoints also need an application key, which is sent as
        // set.
        client.configureApiKeys(Map.of("apiKeyAuth", target.apiKey(), "appKeyAuth", "dummy-application-key"));
        client.enableRetry(retry);
        client.setConnectTimeout(5_000);
        client.setReadTimeout(5_000);
        return client;
    }

    private static MetricPayload gauge(String metric, String opId, double value) {
        long now = Instant.now().getEpochSecond();
        return new MetricPayload()
                .series(List.of(new MetricSeries()
                        .metric(metric)
                        .type(MetricIntakeType.GAUGE)
                        .points(List.of(new MetricPoint().timestamp(now).value(value)))
                        .tags(List.of("env:conformance", "op_id:" + opId))));
    }

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void shouldRunTheCommonCallsWhenOnlyTheServerChanges(Target target) throws ApiException {
        ApiClient client = client(target, false);
        var v1 = new com.datadog.api.client.v1.api.MetricsApi(client);
        var v2 = new com.datadog.api.client.v2.api.MetricsApi(client);
        String run = UUID.randomUUID().toString().substring(0, 8);
        String metric = "conformance.java." + run;

        assertThat(new AuthenticationApi(client).validate().getValid()).isTrue();

        IntakePayloadAccepted accepted = v2.submitMetrics(gauge(metric, "conf-dd-" + run, 42.5));
        assertThat(accepted.getErrors()).isEmpty();

        long now = Instant.now().getEpochSecond();
        MetricsQueryResponse query = v1.queryMetrics(now - 600, now + 60, "avg:" + metric + "{env:conformance}");
        assertThat(query.getSeries())
                .extracting(MetricsQueryMetadata::getMetric)
                .contains(metric);
        assertThat(query.getSeries().getFirst().getPointlist())
                .anySatisfy(p -> assertThat(p.get(1)).isEqualTo(42.5));

        assertThat(v1.listActiveMetrics(now - 3_600).getMetrics()).isNotEmpty().contains(metric);

        MetricMetadata metadata = v1.getMetricMetadata("system.cpu.user");
        assertThat(metadata.getType()).isNotBlank();

        assertCommits("conf-dd-" + run, 1);
    }

    @Order(2)
    @Test
    void shouldRetryA503AsTheClientsRetryConfigSays() throws ApiException {
        String opId = "conf-dd-503-" + UUID.randomUUID();
        rig.script(Map.of(
                "service", SERVICE, "type", "server_error", "status", 503, "method", "POST", "path", "/api/v2/series"));
        long before = rig.requests(SERVICE);

        new com.datadog.api.client.v2.api.MetricsApi(
                        client(targets().findFirst().orElseThrow(), true))
                .submitMetrics(gauge("conformance.retry", opId, 1));

        assertThat(rig.requests(SERVICE) - before).isEqualTo(2);
        assertCommits(opId, 1);
    }

    @Order(3)
    @Test
    void shouldRetryA429AfterTheResetDatadogGives() throws ApiException {
        String opId = "conf-dd-429-" + UUID.randomUUID();
        rig.script(Map.of("service", SERVICE, "type", "rate_limit", "method", "POST", "path", "/api/v2/series"));
        long before = rig.requests(SERVICE);

        new com.datadog.api.client.v2.api.MetricsApi(
                        client(targets().findFirst().orElseThrow(), true))
                .submitMetrics(gauge("conformance.retry", opId, 1));

        assertThat(rig.requests(SERVICE) - before).isEqualTo(2);
        assertCommits(opId, 1);
    }

    /**
     * The client's retry covers answers only; under it the JDK resends a POST once when the connection closes before
     * any answer (Jersey's default connector is HttpURLConnection, sun.net.http.retryPost is true by default). The
     * first submission was committed: Datadog has no idempotency key, so the point is submitted twice.
     */
    @Order(4)
    @Test
    void shouldSubmitTwiceWhenTheJdkResendsAPostWhoseConnectionClosedAfterTheCommit() throws ApiException {
        String opId = "conf-dd-close-" + UUID.randomUUID();
        rig.script(Map.of(
                "service", SERVICE, "type", "close", "after_commit", true, "method", "POST", "path", "/api/v2/series"));
        long before = rig.requests(SERVICE);

        IntakePayloadAccepted accepted = new com.datadog.api.client.v2.api.MetricsApi(
                        client(targets().findFirst().orElseThrow(), true))
                .submitMetrics(gauge("conformance.close", opId, 1));

        assertThat(accepted.getErrors()).isEmpty();
        assertThat(rig.requests(SERVICE) - before).isEqualTo(2);
        assertCommits(opId, 2);
    }

    /**
     * Datadog has no idempotency key and no upsert for points: a submission the client sends again after its answer
     * was lost is a second one. Reported, not asserted: what the official client's own retry does at storm.
     */
    @Order(5)
    @Test
    void shouldReportWhatTheClientsOwnRetryDoesAtStorm() {
        String run = "conf-dd-storm-" + UUID.randomUUID().toString().substring(0, 8);
        int writes = 10;
        long mark = rig.faultMark(SERVICE);
        var v2 = new com.datadog.api.client.v2.api.MetricsApi(
                client(targets().findFirst().orElseThrow(), true));
        int succeeded = 0;
        int failed = 0;
        rig.chaos(SERVICE, "storm");
        try {
            for (int i = 0; i < writes; i++) {
                try {
                    v2.submitMetrics(gauge("conformance.storm", run + "-" + i, i));
                    succeeded++;
                } catch (ApiException | RuntimeException e) {
                    failed++; // a socket fault: the client's retry covers answers (429, 5xx) only
                }
            }
        } finally {
            rig.chaos(SERVICE, "calm");
        }
        List<JsonNode> ledger = rig.ledgerEntries(SERVICE, run);
        long duplicates =
                ledger.stream().filter(e -> e.path("commits").asInt() > 1).count();
        Rig.report(String.format(
                "datadog-api-client-java at storm (reported, Datadog has no idempotency key): %d submissions, %d succeeded, "
                        + "%d failed at the client; the ledger holds %d of them, %d committed more than once; faults met: %s",
                writes, succeeded, failed, ledger.size(), duplicates, rig.faultsSince(SERVICE, mark)));
        assertThat(succeeded + failed).isEqualTo(writes);
    }
}
