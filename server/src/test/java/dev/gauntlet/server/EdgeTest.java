package dev.gauntlet.server;

import static dev.gauntlet.server.AamFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.farm.FarmServer;
import dev.gauntlet.http.AccessToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * No web page can drive the AAM or the UI (CSRF, DNS rebinding), and with an access token nothing but GET /health
 * answers without it: every state-changing route listed in the AAM's OpenAPI document is tried with a text/plain body,
 * a form body, another site's Origin, Sec-Fetch-Site: cross-site and a foreign Host, directly and through the UI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeTest {

    static final String TOKEN = "edge-test-token-0123456789";

    @TempDir
    static Path data;

    AamFixture f;
    UiServer ui;

    @BeforeAll
    void start() {
        f = new AamFixture(data.resolve("open"));
        ui = UiServer.start(new UiServer.Config("127.0.0.1", 0, f.aam.url(), f.farm.url()));
    }

    @AfterAll
    void stop() {
        ui.close();
        f.close();
    }

    /** Every state-changing route of the AAM's API (not the proxy), with its parameters filled in. */
    private List<String[]> changingRoutes() {
        JsonNode paths = json(f.get("/openapi.json")).path("paths");
        List<String[]> out = new ArrayList<>();
        paths.properties()
                .forEach(p -> p.getValue().properties().forEach(m -> {
                    String method = m.getKey().toUpperCase(Locale.ROOT);
                    if (List.of("GET", "HEAD", "OPTIONS").contains(method)
                            || p.getKey().startsWith("/proxy")) return;
                    out.add(new String[] {
                        method, p.getKey().replace("{connector}", "stripe_mock").replaceAll("\\{[^}]+}", "x")
                    });
                }));
        assertThat(out).as("the document lists the state-changing routes").hasSizeGreaterThanOrEqualTo(5);
        return out;
    }

    private HttpResponse<String> send(
            String base, String method, String path, String type, String body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (type != null) b.header("Content-Type", type);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return f.send(b);
    }

    private static void assertRefused(HttpResponse<String> r, int status, String field, String what) {
        assertThat(r.statusCode()).as(what + ": " + r.body()).isEqualTo(status);
        assertThat(json(r).path("field").asText()).as(what).isEqualTo(field);
        assertThat(json(r).path("message").asText()).as(what).isNotBlank();
    }

    @Test
    void shouldRefuseEveryBodyAPageCanSendAndEveryForeignSiteOnEveryStateChangingRoute() {
        for (String[] route : changingRoutes()) {
            String what = route[0] + " " + route[1];
            for (String base : List.of(f.aam.url(), ui.url() + "/api")) {
                assertRefused(
                        send(base, route[0], route[1], "text/plain", "{\"scenario\":\"hell\"}"),
                        403,
                        "Content-Type",
                        what + " text/plain via " + base);
                assertRefused(
                        send(base, route[0], route[1], "application/x-www-form-urlencoded", "scenario=hell"),
                        403,
                        "Content-Type",
                        what + " form via " + base);
                assertRefused(
                        send(base, route[0], route[1], "multipart/form-data; boundary=x", "--x--"),
                        403,
                        "Content-Type",
                        what + " multipart via " + base);
                assertRefused(
                        send(base, route[0], route[1], "application/json", "{}", "Origin", "https://evil.example"),
                        403,
                        "Origin",
                        what + " Origin via " + base);
                assertRefused(
                        send(base, route[0], route[1], "application/json", "{}", "Sec-Fetch-Site", "cross-site"),
                        403,
                        "Sec-Fetch-Site",
                        what + " cross-site via " + base);
            }
            for (int port : List.of(f.aam.port(), ui.port())) {
                String prefix = port == ui.port() ? "/api" : "";
                RawAnswer r = raw(
                        port,
                        route[0] + " " + prefix + route[1] + " HTTP/1.1\r\nHost: evil.example:" + port
                                + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
                assertThat(r.status())
                        .as(what + " foreign Host on " + port + ": " + r.body())
                        .isEqualTo(403);
                assertThat(r.body()).contains("\"field\":\"Host\"");
            }
        }
        assertThat(json(f.get("/runs")).toString())
                .as("no refused request started a run")
                .doesNotContain("hell");
    }

    @Test
    void shouldRefuseTheFarmsAdminThroughTheUiToPages() {
        assertRefused(
                send(ui.url(), "POST", "/farm/admin/chaos", "text/plain", "{\"level\":\"hell\"}"),
                403,
                "Content-Type",
                "farm chaos text/plain");
        assertRefused(
                send(ui.url(), "POST", "/farm/admin/reset", "application/json", "{}", "Origin", "http://evil.example"),
                403,
                "Origin",
                "farm reset");
        assertThat(json(f.send(HttpRequest.newBuilder(URI.create(f.farm.url() + "/admin/chaos"))))
                        .path("level")
                        .asText())
                .isEqualTo("calm");
    }

    @Test
    void shouldLetThisServersPagesAndLocalProgramsThrough() {
        HttpResponse<String> page = send(
                ui.url(),
                "POST",
                "/api/dlq/replay",
                "application/json",
                "{}",
                "Origin",
                ui.url(),
                "Sec-Fetch-Site",
                "same-origin");
        assertThat(page.statusCode()).as(page.body()).isLessThan(400);
        HttpResponse<String> program = send(f.aam.url(), "POST", "/dlq/replay", null, "");
        assertThat(program.statusCode()).as(program.body()).isLessThan(400);
    }

    @Test
    void shouldRefuseAProxiedWriteFromAPageButNotFromAVendorClient() {
        String stripe = "/proxy/stripe_mock/v1/customers";
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        stripe,
                        "application/x-www-form-urlencoded",
                        "name=Mallory",
                        "Origin",
                        "https://evil.example"),
                403,
                "Origin",
                "a page's form post");
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        stripe,
                        "application/x-www-form-urlencoded",
                        "name=Mallory",
                        "Sec-Fetch-Site",
                        "cross-site"),
                403,
                "Sec-Fetch-Site",
                "a cross-site fetch");
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        "/proxy/github_mock/repos/gauntlet/demo/issues",
                        "text/plain",
                        "{\"title\":\"x\"}"),
                403,
                "Content-Type",
                "text/plain to a JSON vendor");
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        "/proxy/github_mock/repos/gauntlet/demo/issues",
                        "multipart/form-data; boundary=x",
                        "--x--"),
                403,
                "Content-Type",
                "multipart to a JSON vendor");
        HttpResponse<String> sdk = send(
                f.aam.url(),
                "POST",
                stripe,
                "application/x-www-form-urlencoded",
                "name=Ada",
                "Idempotency-Key",
                "edge-1");
        assertThat(sdk.statusCode())
                .as("Stripe's own client posts forms: " + sdk.body())
                .isEqualTo(200);
        assertThat(f.ledger("stripe_mock").path("entries"))
                .as("only the vendor client's write landed")
                .singleElement()
                .satisfies(e -> assertThat(e.path("idempotency_key").asText()).isEqualTo("edge-1"));
    }

    @Test
    void shouldAnswer406ToAnEventStreamRequestThatDoesNotAcceptOne() {
        HttpResponse<String> r = f.get("/events");
        assertRefused(r, 406, "Accept", "GET /events without Accept");
        assertThat(json(r).path("message").asText()).contains("text/event-stream");
    }

    @Test
    void shouldRequireTheTokenEverywhereButHealthWhenOneIsSet() {
        Optional<AccessToken> token = Optional.of(AccessToken.of(TOKEN));
        try (FarmServer farm = FarmServer.start(
                        FarmConfig.builder().port(0).token(token.get()).build());
                AamServer aam = AamServer.start(AamConfig.builder()
                        .port(0)
                        .farmUrl(farm.url())
                        .dataDir(data.resolve("tokened"))
                        .token(token)
                        .build());
                UiServer tokenUi = UiServer.start(new UiServer.Config("127.0.0.1", 0, aam.url(), farm.url(), token))) {
            assertThat(send(aam.url(), "GET", "/health", null, "").statusCode()).isEqualTo(200);
            assertRefused(get(aam.url() + "/metrics"), 401, "X-Gauntlet-Token", "no token");
            assertRefused(
                    get(aam.url() + "/metrics", AccessToken.HEADER, "wrong-token-0123456789"),
                    401,
                    "X-Gauntlet-Token",
                    "a wrong token");
            assertThat(get(aam.url() + "/metrics", AccessToken.HEADER, TOKEN).statusCode())
                    .isEqualTo(200);
            assertThat(get(aam.url() + "/metrics", "Authorization", "Bearer " + TOKEN)
                            .statusCode())
                    .isEqualTo(200);
            // On the proxy Authorization is the vendor client's: only the header counts there.
            assertRefused(
                    get(
                            aam.url() + "/proxy/github_mock/repos/gauntlet/demo/issues",
                            "Authorization",
                            "Bearer " + TOKEN),
                    401,
                    "X-Gauntlet-Token",
                    "a bearer token on the proxy");
            assertThat(get(aam.url() + "/proxy/github_mock/repos/gauntlet/demo/issues", AccessToken.HEADER, TOKEN)
                            .statusCode())
                    .isEqualTo(200);

            assertRefused(get(farm.url() + "/admin/status"), 401, "X-Gauntlet-Token", "the farm's admin");
            assertThat(get(farm.url() + "/admin/status", AccessToken.HEADER, TOKEN)
                            .statusCode())
                    .isEqualTo(200);

            // A run started by the AAM drives the farm with the token (reset and chaos would be 401 without it).
            HttpResponse<String> run = send(
                    aam.url(),
                    "POST",
                    "/scenarios/run",
                    "application/json",
                    "{\"scenario\":\"mild\",\"duration\":\"2s\"}",
                    AccessToken.HEADER,
                    TOKEN);
            assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
            String id = json(run).path("id").asText();
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> !json(get(aam.url() + "/runs/" + id, AccessToken.HEADER, TOKEN))
                            .path("state")
                            .asText()
                            .equals("running"));
            JsonNode done = json(get(aam.url() + "/runs/" + id, AccessToken.HEADER, TOKEN));
            assertThat(done.path("state").asText()).as(done.toString()).isIn("passed", "failed");

            // The UI: a page without the token is told where to get it; ?token= sets a same-site cookie once.
            HttpResponse<String> bare = get(tokenUi.url() + "/");
            assertThat(bare.statusCode()).isEqualTo(401);
            assertThat(bare.body()).contains("?token=");
            HttpResponse<String> first = get(tokenUi.url() + "/runs?token=" + TOKEN);
            assertThat(first.statusCode()).isEqualTo(303);
            assertThat(first.headers().firstValue("Location")).hasValue("/runs");
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict");
            String pair = cookie.split(";", 2)[0];
            assertThat(get(tokenUi.url() + "/api/metrics", "Cookie", pair).statusCode())
                    .as("the UI sends the token on to the AAM")
                    .isEqualTo(200);
            assertThat(get(tokenUi.url() + "/farm/admin/status", "Cookie", pair).statusCode())
                    .as("and to the farm")
                    .isEqualTo(200);
            assertThat(get(tokenUi.url() + "/api/metrics").statusCode()).isEqualTo(401);
            assertThat(get(tokenUi.url() + "/?token=wrong-token-0123456789").statusCode())
                    .isEqualTo(401);
            assertThat(tokenUi.openUrl()).endsWith("/?token=" + TOKEN);
        }
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutAToken() {
        assertThatThrownBy(() -> AamConfig.builder().host("0.0.0.0").build())
                .hasMessageContaining("--token")
                .hasMessageContaining("0.0.0.0");
        assertThatThrownBy(() -> FarmConfig.builder().host("0.0.0.0").build()).hasMessageContaining("--token");
        assertThatThrownBy(() -> new UiServer.Config("0.0.0.0", 0, "http://127.0.0.1:1", "http://127.0.0.1:2"))
                .hasMessageContaining("--token");
        assertThat(AamConfig.builder()
                        .host("0.0.0.0")
                        .token(Optional.of(AccessToken.of(TOKEN)))
                        .build()
                        .host())
                .isEqualTo("0.0.0.0");
        assertThatThrownBy(() -> AccessToken.of("short")).hasMessageContaining("at least 16");
    }

    @Test
    void shouldKeepConnectorsAndTheirCredentialsOffLoopbackPrivateAndMetadataAddresses() {
        for (String url : List.of(
                "http://127.0.0.1:9/api",
                "http://[::1]:9/api",
                "http://0x7f000001:9/api",
                "http://localhost:9/api",
                "http://0.0.0.0:9/api",
                "http://169.254.169.254/latest",
                "http://10.0.0.1/api",
                "http://192.168.1.1/api",
                "http://100.64.0.1/api",
                "http://[fd00::1]/api")) {
            HttpResponse<String> r = send(
                    f.aam.url(),
                    "POST",
                    "/connectors",
                    "application/json",
                    "{\"id\":\"probe\",\"base_url\":\"" + url
                            + "\",\"auth\":{\"type\":\"api_key\",\"header\":\"Authorization\",\"prefix\":\"Bearer \",\"key\":\"sk_live_secret\"}}");
            assertRefused(r, 400, "base_url", url);
            assertThat(json(r).path("message").asText())
                    .as(url)
                    .contains("egress")
                    .contains("--allow-egress");
        }
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        "/connectors",
                        "application/json",
                        "{\"id\":\"probe\",\"base_url\":\"file:///etc/passwd\"}"),
                400,
                "base_url",
                "file:");
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        "/connectors",
                        "application/json",
                        "{\"id\":\"probe\",\"base_url\":\"" + f.farm.url()
                                + "/api/salesforce\",\"auth\":{\"type\":\"oauth2\",\"token_url\":\"file:///etc/passwd\",\"client_id\":\"a\",\"client_secret\":\"b\"}}"),
                400,
                "auth.token_url",
                "a file: token_url");
        assertRefused(
                send(
                        f.aam.url(),
                        "POST",
                        "/connectors",
                        "application/json",
                        "{\"id\":\"probe\",\"base_url\":\"" + f.farm.url()
                                + "/api/salesforce\",\"auth\":{\"type\":\"oauth2\",\"token_url\":\"http://127.0.0.1:9/token\",\"client_id\":\"a\",\"client_secret\":\"b\"}}"),
                400,
                "auth.token_url",
                "a loopback token_url");
        assertThat(json(f.get("/connectors")).toString()).doesNotContain("probe");
        // The farm itself is allowed: the built-in connectors point at it.
        HttpResponse<String> farm = send(
                f.aam.url(),
                "POST",
                "/connectors",
                "application/json",
                "{\"id\":\"second_stripe\",\"base_url\":\"" + f.farm.url() + "/api/stripe\",\"flavor\":\"stripe\"}");
        assertThat(farm.statusCode()).as(farm.body()).isEqualTo(201);
        f.send(HttpRequest.newBuilder(f.uri("/connectors/second_stripe")).DELETE());
    }

    @Test
    void shouldLetAnOperatorAllowLoopbackExplicitly() {
        try (AamServer aam = AamServer.start(AamConfig.builder()
                .port(0)
                .farmUrl(f.farm.url())
                .dataDir(data.resolve("allowing"))
                .allowEgress("loopback")
                .build())) {
            HttpResponse<String> r = send(
                    aam.url(),
                    "POST",
                    "/connectors",
                    "application/json",
                    "{\"id\":\"local\",\"base_url\":\"http://127.0.0.1:9/api\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        }
        assertThatThrownBy(() -> AamConfig.builder().allowEgress("10.0.0.0/99").build())
                .hasMessageContaining("10.0.0.0/99");
    }

    private HttpResponse<String> get(String url, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return f.send(b);
    }

    record RawAnswer(int status, String body) {}

    /** One request written to the socket as is (the JDK client will not send a foreign Host). */
    static RawAnswer raw(int port, String request) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String text = all.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(text.substring(9, 12));
            int blank = text.indexOf("\r\n\r\n");
            return new RawAnswer(status, blank < 0 ? "" : text.substring(blank + 4));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
