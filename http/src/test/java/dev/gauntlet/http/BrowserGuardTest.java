package dev.gauntlet.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The browser guard's rule on its own: which Host, Origin, Sec-Fetch-Site and Content-Type values pass. */
class BrowserGuardTest {

    private final BrowserGuard loopback = BrowserGuard.forBinding("127.0.0.1");

    @Test
    void shouldAcceptLoopbackNamesWithAnyPortWhenBoundToLoopback() {
        for (String host : new String[] {
            "localhost",
            "localhost:8001",
            "LOCALHOST:1",
            "127.0.0.1:8001",
            "[::1]:8001",
            "[0:0:0:0:0:0:0:1]",
            "localhost."
        }) {
            assertThat(loopback.checkHost(host)).as(host).isNull();
        }
        assertThat(loopback.checkHost(null)).isNull();
    }

    @Test
    void shouldRefuseAForeignHostNamingTheHeader() {
        for (String host :
                new String[] {"evil.example", "evil.example:8001", "127.0.0.2", "localhost.evil.example", "[::2]"}) {
            Refusal r = loopback.checkHost(host);
            assertThat(r).as(host).isNotNull();
            assertThat(r.field()).isEqualTo("Host");
            assertThat(r.message()).contains(host);
        }
    }

    @Test
    void shouldAcceptTheBoundHostWhenBoundElsewhere() {
        BrowserGuard guard = BrowserGuard.forBinding("10.1.2.3");
        assertThat(guard.checkHost("10.1.2.3:8001")).isNull();
        assertThat(guard.checkHost("localhost:8001")).isNull();
        assertThat(guard.checkHost("10.1.2.4")).isNotNull();
    }

    @Test
    void shouldAcceptTheMachinesOwnAddressesWhenBoundToEveryInterface() {
        BrowserGuard guard = BrowserGuard.forBinding("0.0.0.0");
        assertThat(guard.hosts()).contains("localhost", "127.0.0.1");
        assertThat(guard.checkHost("evil.example")).isNotNull();
    }

    @Test
    void shouldRefuseCrossSiteStateChanges() {
        assertThat(change(Map.of("Origin", "https://evil.example", "Content-Type", "application/json"), 2)
                        .field())
                .isEqualTo("Origin");
        assertThat(change(Map.of("Origin", "null", "Content-Type", "application/json"), 2)
                        .field())
                .isEqualTo("Origin");
        assertThat(change(Map.of("Sec-Fetch-Site", "cross-site", "Content-Type", "application/json"), 2)
                        .field())
                .isEqualTo("Sec-Fetch-Site");
        assertThat(change(Map.of("Host", "evil.example", "Content-Type", "application/json"), 2)
                        .field())
                .isEqualTo("Host");
    }

    @Test
    void shouldRefuseBodiesAPageCanSendWithoutAsking() {
        for (String type : new String[] {
            "text/plain",
            "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x"
        }) {
            Refusal r = change(Map.of("Content-Type", type), 2);
            assertThat(r).as(type).isNotNull();
            assertThat(r.field()).isEqualTo("Content-Type");
        }
        assertThat(change(Map.of("Content-Type", "text/plain"), 0))
                .as("even empty")
                .isNotNull();
        assertThat(change(Map.of(), 2)).as("a body without a type").isNotNull();
    }

    @Test
    void shouldLetLocalProgramsAndPagesOfThisServerChangeState() {
        assertThat(change(Map.of("Content-Type", "application/json"), 2)).isNull();
        assertThat(change(Map.of("Content-Type", "Application/JSON; charset=utf-8"), 2))
                .isNull();
        assertThat(change(Map.of(), 0)).isNull();
        assertThat(change(
                        Map.of(
                                "Origin",
                                "http://localhost:3000",
                                "Sec-Fetch-Site",
                                "same-site",
                                "Content-Type",
                                "application/json"),
                        2))
                .isNull();
        assertThat(change(
                        Map.of(
                                "Origin",
                                "http://127.0.0.1:8001",
                                "Sec-Fetch-Site",
                                "same-origin",
                                "Content-Type",
                                "application/json"),
                        2))
                .isNull();
    }

    private Refusal change(Map<String, String> headers, long bodyLength) {
        return loopback.checkStateChange(
                name -> headers.entrySet().stream()
                        .filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(Map.Entry::getValue)
                        .findFirst()
                        .orElse(null),
                bodyLength);
    }
}
