package dev.gauntlet.mesh.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which URLs the egress policy lets a connector use (IP literals only: no test depends on DNS). */
class EgressPolicyTest {

    private final EgressPolicy strict =
            EgressPolicy.builder().allowOrigin("http://127.0.0.1:8001").build();

    @Test
    void shouldRefuseLoopbackLinkLocalPrivateAndUnspecifiedAddressesByDefault() {
        for (String url : List.of(
                "http://127.0.0.1:9000/",
                "http://127.1.2.3/",
                "http://[::1]:9000/",
                "http://0.0.0.0:9/",
                "http://[::]:9/",
                "http://169.254.169.254/latest/meta-data",
                "http://[fe80::1]/",
                "http://10.1.2.3/",
                "http://172.16.0.1/",
                "http://192.168.0.1/",
                "http://100.64.0.1/",
                "http://[fd12::1]/",
                "http://[::ffff:127.0.0.1]/",
                "http://224.0.0.1/")) {
            assertThatThrownBy(() -> strict.check("base_url", URI.create(url)))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("base_url")
                    .hasMessageContaining("egress policy");
        }
    }

    @Test
    void shouldReadTheAddressTheSystemResolverWouldConnectTo() {
        // glibc reads 0x7f000001 (and 2130706433) as 127.0.0.1, and so does the HTTP client that would connect there.
        for (String url : List.of("http://0x7f000001:9000/", "http://2130706433:9000/")) {
            assertThatThrownBy(() -> strict.check("base_url", URI.create(url)))
                    .as(url)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void shouldAllowPublicAddressesAndTheFarmsOriginOnly() {
        assertThatCode(() -> strict.check("base_url", URI.create("https://93.184.216.34/v1")))
                .doesNotThrowAnyException();
        assertThatCode(() -> strict.check("base_url", URI.create("http://127.0.0.1:8001/api/stripe")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> strict.check("base_url", URI.create("http://127.0.0.1:8002/proxy/x")))
                .as("the farm's host on another port")
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> strict.check("base_url", URI.create("https://127.0.0.1:8001/")))
                .as("another scheme")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseSchemesOtherThanHttpAndCredentialsInTheUrlWhateverThePolicy() {
        for (EgressPolicy p : List.of(strict, EgressPolicy.OPEN)) {
            assertThatThrownBy(() -> p.check("auth.token_url", URI.create("file:///etc/passwd")))
                    .hasMessageContaining("auth.token_url")
                    .hasMessageContaining("http(s)");
            assertThatThrownBy(() -> p.check("base_url", URI.create("gopher://93.184.216.34/")))
                    .hasMessageContaining("http(s)");
            assertThatThrownBy(() -> p.check("base_url", URI.create("https://user:pw@93.184.216.34/")))
                    .hasMessageContaining("password");
        }
        assertThatCode(() -> EgressPolicy.OPEN.check("base_url", URI.create("http://127.0.0.1:9/")))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldTakeRangesCidrsAndHostNamesAsAllowances() {
        EgressPolicy allowing = EgressPolicy.builder()
                .allow("loopback")
                .allow("10.1.0.0/16")
                .allow("fd00::/8")
                .allow("vault.internal")
                .build();
        assertThatCode(() -> allowing.check("base_url", URI.create("http://127.0.0.1:9/")))
                .doesNotThrowAnyException();
        assertThatCode(() -> allowing.check("base_url", URI.create("http://10.1.200.3/")))
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> allowing.check("base_url", URI.create("http://10.2.0.1/")))
                .hasMessageContaining("private");
        assertThatCode(() -> allowing.check("base_url", URI.create("http://[fd00::5]/")))
                .doesNotThrowAnyException();
        assertThatCode(() -> allowing.check("base_url", URI.create("http://vault.internal/")))
                .as("by name, not resolved")
                .doesNotThrowAnyException();
        assertThatThrownBy(() -> allowing.check("base_url", URI.create("http://169.254.169.254/")))
                .hasMessageContaining("link local");
        assertThat(allowing.describe())
                .contains("public addresses", "loopback addresses", "10.1.0.0/16", "vault.internal");
        assertThatThrownBy(() -> EgressPolicy.builder().allow("10.0.0.0/40")).hasMessageContaining("CIDR");
        assertThatThrownBy(() -> EgressPolicy.builder().allow("every thing")).hasMessageContaining("every thing");
    }
}
