package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy as a vendor client's base URL, against the real farm: the next-page links in its answers lead back
 * through the mesh (a plain client with no credentials follows them), and a connector's own port serves its proxy at
 * the root for clients that take only a host and port.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxyDropInTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]*)>;\\s*rel=\"next\"");

    @TempDir
    static Path data;

    AamFixture f;
    /** A client of its own: nothing in it knows a credential, a cookie or the farm. */
    final HttpClient plain = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    @BeforeAll
    void start() {
        f = new AamFixture(data, b -> b.proxyPort("stripe_mock", 0).proxyPort("github_mock", 0));
    }

    /** The farm is shared by the class's tests: a fault one test scripted and did not use up must not reach another. */
    @org.junit.jupiter.api.AfterEach
    void dropScriptedFaults() throws Exception {
        f.http.send(
                HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/faults/script"))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @AfterAll
    void stop() {
        plain.close();
        f.close();
    }

    private HttpResponse<String> plainSend(HttpRequest.Builder request) {
        try {
            return plain.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private HttpResponse<String> plainGet(URI uri) {
        return plainSend(HttpRequest.newBuilder(uri).GET());
    }

    private static String next(HttpResponse<String> r) {
        String link = r.headers()
                .firstValue("Link")
                .orElseThrow(() ->
                        new AssertionError("no Link header: " + r.headers().map()));
        Matcher m = NEXT.matcher(link);
        assertThat(m.find()).as(link).isTrue();
        return m.group(1);
    }

    private static List<Long> numbers(HttpResponse<String> r) {
        List<Long> out = new ArrayList<>();
        for (JsonNode issue : json(r)) out.add(issue.path("number").asLong());
        return out;
    }

    @Test
    void shouldFollowAGitHubLinkNextThroughTheProxyWithoutCredentials() {
        String issues = "/proxy/github_mock/repos/gauntlet/demo/issues";
        HttpResponse<String> first = f.get(issues + "?per_page=5");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String next = next(first);
        assertThat(next)
                .startsWith(f.aam.url() + issues + "?")
                .contains("page=2", "per_page=5")
                .doesNotContain(f.farm.url());
        assertThat(json(first).get(0).path("url").asText())
                .as("the issue's own url leads through the proxy too")
                .startsWith(f.aam.url() + issues + "/");

        HttpResponse<String> second = plainGet(URI.create(next));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        List<Long> ten = numbers(f.get(issues + "?per_page=10"));
        assertThat(numbers(first)).isEqualTo(ten.subList(0, 5));
        assertThat(numbers(second)).as("page 2 holds the next issues").isEqualTo(ten.subList(5, 10));
        assertThat(second.headers().firstValue("Link").orElse(""))
                .contains(f.aam.url() + issues)
                .doesNotContain(f.farm.url());

        HttpResponse<String> around =
                plainGet(URI.create(f.farm.url() + "/api/github/repos/gauntlet/demo/issues?per_page=5&page=2"));
        assertThat(around.statusCode())
                .as("the same page straight from the upstream needs the credentials the mesh holds")
                .isEqualTo(401);
    }

    @Test
    void shouldBuildTheProxysUrlsWithTheSchemeAReverseProxyInFrontOfTheAamReports() {
        HttpResponse<String> r =
                f.send(HttpRequest.newBuilder(f.uri("/proxy/github_mock/repos/gauntlet/demo/issues?per_page=5"))
                        .header("X-Forwarded-Proto", "https"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String authority = f.aam.url().substring("http://".length());
        assertThat(next(r))
                .as("the caller's scheme, and the upstream never sees how the caller came in")
                .startsWith("https://" + authority + "/proxy/github_mock/repos/gauntlet/demo/issues?");
    }

    @Test
    void shouldKeepTheContentLengthOfARewrittenBodyTrue() {
        HttpResponse<String> r = f.get("/proxy/github_mock/repos/gauntlet/demo/issues?per_page=3");
        assertThat(r.statusCode()).isEqualTo(200);
        long length = r.headers().firstValueAsLong("Content-Length").orElse(-1);
        assertThat(length).isEqualTo(r.body().getBytes(StandardCharsets.UTF_8).length);
        assertThat(r.body()).contains(f.aam.url() + "/proxy/github_mock/").doesNotContain(f.farm.url() + "/api/github");
    }

    @Test
    void shouldFollowASalesforceNextRecordsUrlThroughTheProxy() {
        // A client that logs in through the proxy is handed an instance_url on the proxy, not the upstream's.
        HttpResponse<String> login =
                f.send(HttpRequest.newBuilder(f.uri("/proxy/salesforce_mock/services/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=client_credentials&client_id=gauntlet&client_secret=gauntlet-secret")));
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        String instance = json(login).path("instance_url").asText();
        assertThat(instance).isEqualTo(f.aam.url() + "/proxy/salesforce_mock");
        assertThat(json(login).path("id").asText()).startsWith(instance + "/id/");

        HttpResponse<String> first = f.get("/proxy/salesforce_mock/services/data/v59.0/query?q=SELECT+Id+FROM+Account");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        JsonNode page1 = json(first);
        assertThat(page1.path("done").asBoolean()).isFalse();
        String nextRecordsUrl = page1.path("nextRecordsUrl").asText();
        assertThat(nextRecordsUrl)
                .contains("/query/")
                .doesNotContain(f.farm.url())
                .doesNotStartWith("/api/salesforce");

        // Salesforce's nextRecordsUrl is a path on the instance (a client prefixes instance_url, here the proxy's);
        // one the upstream gave from its host's root already leads to the proxy's own path once rewritten.
        URI follow = URI.create(
                nextRecordsUrl.startsWith("/proxy/salesforce_mock/")
                        ? f.aam.url() + nextRecordsUrl
                        : instance + nextRecordsUrl);
        HttpResponse<String> second = plainGet(follow);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        JsonNode page2 = json(second);
        assertThat(page2.path("records").size()).isPositive();
        String lastOfFirst = page1.path("records")
                .get(page1.path("records").size() - 1)
                .path("Id")
                .asText();
        assertThat(page2.path("records").findValuesAsText("Id")).doesNotContain(lastOfFirst);
        assertThat(page2.path("totalSize").asInt())
                .isEqualTo(page1.path("totalSize").asInt());
    }

    @Test
    void shouldCreateAndListStripeCustomersAtTheRootOfTheConnectorsOwnPort() {
        String root = f.aam.proxyPortUrl("stripe_mock");
        assertThat(root).isEqualTo("http://127.0.0.1:" + f.aam.proxyPorts().get("stripe_mock"));
        String email = "dropin-" + UUID.randomUUID() + "@example.com";
        HttpResponse<String> created = plainSend(HttpRequest.newBuilder(URI.create(root + "/v1/customers"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Gauntlet-Op-Id", "op-dropin-1")
                .POST(HttpRequest.BodyPublishers.ofString("name=Drop+In&email=" + email.replace("@", "%40"))));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
        String id = json(created).path("id").asText();
        assertThat(id).startsWith("cus_");
        assertThat(created.headers().firstValue("X-Gauntlet-Attempts")).contains("1");

        HttpResponse<String> list = plainGet(URI.create(root + "/v1/customers?email=" + email.replace("@", "%40")));
        assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
        assertThat(json(list).path("object").asText()).isEqualTo("list");
        assertThat(json(list).path("data").findValuesAsText("id")).containsExactly(id);
        assertThat(json(list).path("url").asText())
                .as("Stripe's url is a path on the API's root: the port's root here")
                .isEqualTo("/v1/customers");
    }

    private void script(String body) {
        try {
            HttpResponse<String> r = f.http.send(
                    HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/faults/script"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(body))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldAnswerAVendorClientsParkedWriteAsTheVendorsErrorAndNeverSendItTwice() {
        String root = f.aam.proxyPortUrl("stripe_mock");
        // Every send of the next four meets a reset before the farm carries it out: the mesh gives up and parks it.
        script(
                "{\"service\":\"stripe_mock\",\"type\":\"reset\",\"method\":\"POST\",\"path\":\"/v1/customers\",\"count\":4}");
        String body = "name=Parked&metadata%5Bop_id%5D=dropin-parked-" + UUID.randomUUID();
        HttpRequest.Builder create = HttpRequest.newBuilder(URI.create(root + "/v1/customers"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Idempotency-Key", "client-key-" + UUID.randomUUID())
                .POST(HttpRequest.BodyPublishers.ofString(body));

        HttpResponse<String> parked = plainSend(create);

        // stripe-java read the proxy's old 202 as a Customer without an id; Stripe's envelope and signal make it an
        // error.
        assertThat(parked.statusCode()).as(parked.body()).isEqualTo(503);
        assertThat(json(parked).path("error").path("type").asText()).isEqualTo("api_error");
        assertThat(json(parked).path("error").path("message").asText()).contains("do not send it again");
        assertThat(parked.headers().firstValue("Stripe-Should-Retry")).hasValue("false");
        String dlqId = parked.headers().firstValue("X-Gauntlet-Dlq-Id").orElseThrow();
        assertThat(json(f.get("/dlq/" + dlqId)).path("state").asText()).isIn("pending", "replaying", "succeeded");

        // The client sends it again all the same: it is answered from its DLQ entry, not sent a second time.
        HttpResponse<String> again = plainSend(create);
        if (again.statusCode() == 503) {
            assertThat(again.headers().firstValue("X-Gauntlet-Dlq-Id")).hasValue(dlqId);
            assertThat(again.headers().firstValue("X-Gauntlet-Attempts")).hasValue("0");
        } else {
            // The replayer completed it meanwhile: Stripe answers the key's first result, one customer either way.
            assertThat(again.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldAnswerAReadTheMeshGaveUpOnInTheVendorsEnvelope() {
        script(
                "{\"service\":\"github_mock\",\"type\":\"reset\",\"method\":\"GET\",\"path\":\"/repos/gauntlet/demo/issues/1\",\"count\":10}");
        HttpResponse<String> r =
                plainGet(URI.create(f.aam.proxyPortUrl("github_mock") + "/repos/gauntlet/demo/issues/1"));
        assertThat(r.statusCode()).as(r.body()).isIn(502, 503, 504);
        assertThat(json(r).path("message").asText()).as("GitHub's error body").contains("network_error");
        assertThat(json(r).has("documentation_url")).isTrue();
    }

    @Test
    void shouldSendEveryPathOnAConnectorsPortToTheConnectorNotToTheAamApi() {
        HttpResponse<String> r = plainGet(URI.create(f.aam.proxyPortUrl("stripe_mock") + "/health"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(404);
        assertThat(json(r).path("error").path("type").asText())
                .as("Stripe's own error envelope")
                .isEqualTo("invalid_request_error");
    }

    @Test
    void shouldPointLinksOnAConnectorsPortAtThatPortsRoot() {
        String root = f.aam.proxyPortUrl("github_mock");
        HttpResponse<String> first = plainGet(URI.create(root + "/repos/gauntlet/demo/issues?per_page=5"));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String next = next(first);
        assertThat(next).startsWith(root + "/repos/gauntlet/demo/issues?");
        HttpResponse<String> second = plainGet(URI.create(next));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(200);
        assertThat(numbers(second)).doesNotContainAnyElementsOf(numbers(first));
    }

    @Test
    void shouldShowTheProxyPortsInHealthAndListenWithTheServersBacklog() {
        JsonNode health = json(f.get("/health"));
        assertThat(health.path("proxy_ports").path("stripe_mock").asInt())
                .isEqualTo(f.aam.proxyPorts().get("stripe_mock"))
                .isPositive();
        assertThat(health.path("proxy_ports").path("github_mock").asInt())
                .isEqualTo(f.aam.proxyPorts().get("github_mock"))
                .isPositive();
        assertThat(f.aam.proxyPortBacklogs())
                .hasSize(2)
                .allSatisfy((port, backlog) -> assertThat(backlog).isEqualTo(dev.gauntlet.http.Listeners.ACCEPT_QUEUE));
    }

    @Test
    void shouldRefuseAProxyPortForAConnectorThatIsNotLoaded() {
        AamConfig config = AamConfig.builder()
                .port(0)
                .farmUrl(f.farm.url())
                .dataDir(data.resolve("refused"))
                .proxyPort("nope", 0)
                .build();
        assertThatThrownBy(() -> AamServer.start(config))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nope'")
                .hasMessageContaining("stripe_mock")
                .hasMessageContaining("--proxy-port");
    }

    @Test
    void shouldRefuseAProxyPortOutOfRangeOrGivenTwice() {
        assertThatThrownBy(() ->
                        AamConfig.builder().proxyPort("stripe_mock", 70_000).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stripe_mock")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> AamConfig.builder()
                        .proxyPort("stripe_mock", 12112)
                        .proxyPort("github_mock", 12112)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12112")
                .hasMessageContaining("stripe_mock");
        assertThatThrownBy(() -> AamConfig.builder()
                        .port(8002)
                        .proxyPort("stripe_mock", 8002)
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("AAM server");
    }
}
