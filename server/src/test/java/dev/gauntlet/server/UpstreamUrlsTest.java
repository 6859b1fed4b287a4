package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The proxy's rewriting of upstream URLs in headers and JSON bodies, value by value. */
class UpstreamUrlsTest {

    private static final UpstreamUrls VIA_PATH = new UpstreamUrls(
            URI.create("http://127.0.0.1:8001/api/github"), URI.create("http://127.0.0.1:8002/proxy/github_mock"));
    private static final UpstreamUrls VIA_PORT =
            new UpstreamUrls(URI.create("http://127.0.0.1:8001/api/github/"), URI.create("http://127.0.0.1:12112"));

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldPointAnAbsoluteUpstreamUrlAtTheProxyKeepingItsPathAndQuery() {
        assertThat(VIA_PATH.value("http://127.0.0.1:8001/api/github/repos/o/r/issues?page=2&per_page=5"))
                .isEqualTo("http://127.0.0.1:8002/proxy/github_mock/repos/o/r/issues?page=2&per_page=5");
        assertThat(VIA_PATH.value("http://127.0.0.1:8001/api/github"))
                .isEqualTo("http://127.0.0.1:8002/proxy/github_mock");
        assertThat(VIA_PORT.value("http://127.0.0.1:8001/api/github/repos/o/r/issues/7"))
                .isEqualTo("http://127.0.0.1:12112/repos/o/r/issues/7");
        assertThat(VIA_PATH.value("HTTP://127.0.0.1:8001/api/github/x"))
                .as("scheme and host are case-insensitive")
                .isEqualTo("http://127.0.0.1:8002/proxy/github_mock/x");
    }

    @Test
    void shouldPointARootRelativePathUnderTheBasePathAtTheProxy() {
        assertThat(VIA_PATH.value("/api/github/repos/o/r/issues/7")).isEqualTo("/proxy/github_mock/repos/o/r/issues/7");
        assertThat(VIA_PORT.value("/api/github/repos/o/r/issues/7")).isEqualTo("/repos/o/r/issues/7");
        assertThat(VIA_PORT.value("/api/github")).isEqualTo("/");
        assertThat(VIA_PORT.value("/api/github?x=1")).isEqualTo("/?x=1");
    }

    @Test
    void shouldLeaveValuesThatOnlyLookAlikeUntouched() {
        for (String v : new String[] {
            "http://127.0.0.1:8001/api/githubber/x",
            "http://127.0.0.1:80011/api/github/x",
            "http://127.0.0.1:8001/admin/status",
            "https://127.0.0.1:8001/api/github/x",
            "/api/githubber",
            "/services/data/v59.0/query/01g-200",
            "api/github/x",
            "//127.0.0.1:8001/api/github/x",
            "see http://127.0.0.1:8001/api/github/x",
            "",
            "open"
        }) {
            assertThat(VIA_PATH.value(v)).as(v).isSameAs(v);
        }
    }

    @Test
    void shouldMatchAnOriginWithOrWithoutItsDefaultPort() {
        UpstreamUrls implicit =
                new UpstreamUrls(URI.create("https://api.github.com"), URI.create("http://127.0.0.1:8002/proxy/gh"));
        assertThat(implicit.value("https://api.github.com:443/repos/o/r"))
                .isEqualTo("http://127.0.0.1:8002/proxy/gh/repos/o/r");
        assertThat(implicit.value("https://api.github.com/repos/o/r"))
                .isEqualTo("http://127.0.0.1:8002/proxy/gh/repos/o/r");
        assertThat(implicit.value("/repos/o/r"))
                .as("at the host's root a path is not rewritten: it could be any data")
                .isEqualTo("/repos/o/r");
        UpstreamUrls explicit =
                new UpstreamUrls(URI.create("http://stripe.local:80/v1"), URI.create("http://127.0.0.1:12112"));
        assertThat(explicit.value("http://stripe.local/v1/customers")).isEqualTo("http://127.0.0.1:12112/customers");
    }

    @Test
    void shouldRewriteEveryPartOfALinkHeader() {
        String link = "<http://127.0.0.1:8001/api/github/repos/o/r/issues?per_page=5&page=1>; rel=\"prev\", "
                + "<http://127.0.0.1:8001/api/github/repos/o/r/issues?per_page=5&page=3>; rel=\"next\", "
                + "</api/github/repos/o/r/issues?per_page=5&page=100>; rel=\"last\", <https://docs.github.com/rest>; rel=\"help\"";
        assertThat(VIA_PATH.header("link", link))
                .isEqualTo(
                        "<http://127.0.0.1:8002/proxy/github_mock/repos/o/r/issues?per_page=5&page=1>; rel=\"prev\", "
                                + "<http://127.0.0.1:8002/proxy/github_mock/repos/o/r/issues?per_page=5&page=3>; rel=\"next\", "
                                + "</proxy/github_mock/repos/o/r/issues?per_page=5&page=100>; rel=\"last\", <https://docs.github.com/rest>; rel=\"help\"");
        String foreign = "<https://docs.github.com/rest>; rel=\"help\"";
        assertThat(VIA_PATH.header("Link", foreign)).isSameAs(foreign);
    }

    @Test
    void shouldRewriteLocationAndContentLocationHeadersButNotOthersThatMerelyContainTheUrl() {
        assertThat(VIA_PATH.header("Location", "http://127.0.0.1:8001/api/github/repos/o/r/issues/9"))
                .isEqualTo("http://127.0.0.1:8002/proxy/github_mock/repos/o/r/issues/9");
        assertThat(VIA_PATH.header("Content-Location", "/api/github/repos/o/r/issues/9"))
                .isEqualTo("/proxy/github_mock/repos/o/r/issues/9");
        String warning = "199 - \"see http://127.0.0.1:8001/api/github\"";
        assertThat(VIA_PATH.header("Warning", warning)).isSameAs(warning);
    }

    @Test
    void shouldRewriteEveryJsonStringValueThatIsAnUpstreamUrlAndKeepTheRestByteForByte() {
        String body = "{\n  \"url\" : \"http://127.0.0.1:8001/api/github/repos/o/r/issues/1\",\n  \"n\": 1.50e0,"
                + " \"title\": \"caf\\u00e9 \\\"x\\\"\", \"http://127.0.0.1:8001/api/github/key\": true,"
                + " \"links\": [\"/api/github/a\", \"keep\", {\"next\":\"http:\\/\\/127.0.0.1:8001\\/api\\/github\\/b?c=1\"}], \"emoji\": \"é🙂\"}";
        byte[] out = VIA_PATH.body("application/vnd.github+json; charset=utf-8", utf8(body));
        assertThat(new String(out, StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\n  \"url\" : \"http://127.0.0.1:8002/proxy/github_mock/repos/o/r/issues/1\",\n  \"n\": 1.50e0,"
                                + " \"title\": \"caf\\u00e9 \\\"x\\\"\", \"http://127.0.0.1:8001/api/github/key\": true,"
                                + " \"links\": [\"/proxy/github_mock/a\", \"keep\", {\"next\":\"http://127.0.0.1:8002/proxy/github_mock/b?c=1\"}], \"emoji\": \"é🙂\"}");
    }

    @Test
    void shouldReturnTheSameBytesWhenAJsonBodyHasNoUpstreamUrl() {
        byte[] body = utf8("{ \"id\" : \"cus_1\",\"url\":\"/v1/customers\",  \"n\":1.0, \"list\":[1,2,3] }");
        assertThat(VIA_PATH.body("application/json", body)).isSameAs(body);
    }

    @Test
    void shouldFindAUrlSpelledOnlyWithEscapedSlashesAndSkipTheParseWhenNoneCanBeThere() {
        byte[] escaped = utf8("{\"next\":\"http:\\/\\/127.0.0.1:8001\\/api\\/github\\/b\"}");
        assertThat(new String(VIA_PATH.body("application/json", escaped), StandardCharsets.UTF_8))
                .isEqualTo("{\"next\":\"http://127.0.0.1:8002/proxy/github_mock/b\"}");
        UpstreamUrls atRoot =
                new UpstreamUrls(URI.create("http://127.0.0.1:8001"), URI.create("http://127.0.0.1:8002/proxy/x"));
        byte[] plain = utf8("{\"url\":\"/v1/x\",\"name\":\"a\"}");
        assertThat(atRoot.body("application/json", plain)).isSameAs(plain);
        assertThat(new String(
                        atRoot.body("application/json", utf8("{\"u\":\"http://127.0.0.1:8001/v1/x\"}")),
                        StandardCharsets.UTF_8))
                .isEqualTo("{\"u\":\"http://127.0.0.1:8002/proxy/x/v1/x\"}");
        assertThat(UpstreamUrls.indexOf(utf8("abcabd"), utf8("abd"))).isEqualTo(3);
        assertThat(UpstreamUrls.indexOf(utf8("ab"), utf8("abd"))).isEqualTo(-1);
    }

    @Test
    void shouldLeaveBodiesThatAreNotJsonUntouched() {
        byte[] html = utf8("<a href=\"http://127.0.0.1:8001/api/github/x\">next</a>");
        assertThat(VIA_PATH.body("text/html", html)).isSameAs(html);
        assertThat(VIA_PATH.body(null, html)).isSameAs(html);
        byte[] broken = utf8("{\"url\":\"http://127.0.0.1:8001/api/github/x\", oops");
        assertThat(VIA_PATH.body("application/json", broken))
                .as("JSON that does not parse is forwarded as it came")
                .isSameAs(broken);
        byte[] empty = new byte[0];
        assertThat(VIA_PATH.body("application/json", empty)).isSameAs(empty);
    }

    @Test
    void shouldTellJsonMediaTypesFromOthers() {
        assertThat(UpstreamUrls.isJson("application/json")).isTrue();
        assertThat(UpstreamUrls.isJson("Application/JSON; charset=utf-8")).isTrue();
        assertThat(UpstreamUrls.isJson("application/vnd.pgrst.object+json")).isTrue();
        assertThat(UpstreamUrls.isJson("application/x-ndjson")).isFalse();
        assertThat(UpstreamUrls.isJson("text/plain")).isFalse();
    }

    @Test
    void shouldRefuseABaseThatIsNotAnAbsoluteUrl() {
        assertThatThrownBy(() -> new UpstreamUrls(URI.create("/api/github"), URI.create("http://127.0.0.1:8002")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("upstream")
                .hasMessageContaining("/api/github");
    }
}
