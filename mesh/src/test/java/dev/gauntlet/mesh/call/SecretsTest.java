package dev.gauntlet.mesh.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.gauntlet.mesh.ConnectorSpec;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What never reaches the store. */
class SecretsTest {

    @Test
    void shouldStripEveryCredentialHeaderWhateverItsCase() {
        var h = new LinkedHashMap<String, String>();
        for (String name : List.of(
                "Authorization",
                "apikey",
                "API-KEY",
                "DD-API-KEY",
                "dd-application-key",
                "X-API-Key",
                "Cookie",
                "X-Client-Secret",
                "X-Refresh-Token",
                "Private-Token",
                "X-Goog-Api-Key",
                "Proxy-Authorization")) {
            h.put(name, "s3cr3t");
        }
        h.put("Idempotency-Key", "mesh_1");
        h.put("Content-Type", "application/json");
        h.put("X-Trace", "t");

        assertThat(Secrets.strip(h)).containsOnlyKeys("Idempotency-Key", "Content-Type", "X-Trace");
    }

    @Test
    void shouldFindEveryConfiguredSecretValueWhateverItsName() {
        ConnectorSpec spec = ConnectorSpec.builder(
                        "odd", "http://svc:pa55w0rd-base@api.example.com/v1?sig=sig-in-base-url&page=2")
                .header("X-Custom-Sig", "custom-sig-value")
                .header("Accept", "application/json")
                .auth(dev.gauntlet.mesh.auth.AuthConfig.OAuth2.clientCredentials(
                        "https://login.example.com/token?client_secret=secret-in-token-url",
                        "client-id",
                        "client-secret-value"))
                .build();
        assertThat(spec.secretValues())
                .contains(
                        "pa55w0rd-base",
                        "sig-in-base-url",
                        "custom-sig-value",
                        "secret-in-token-url",
                        "client-secret-value")
                .doesNotContain("application/json", "2", "client-id");
    }

    @Test
    void shouldMaskRegisteredValuesInAnyTextUntilUnregistered() {
        Object owner = new Object();
        Secrets.register(owner, List.of("custom-sig-value", "pa55 w0rd"));
        try {
            assertThat(Secrets.mask("upstream said: custom-sig-value was wrong"))
                    .isEqualTo("upstream said: *** was wrong");
            assertThat(Secrets.mask("GET /x?p=pa55+w0rd")).as("URL-encoded too").isEqualTo("GET /x?p=***");
            assertThat(Secrets.mask("nothing here")).isEqualTo("nothing here");
            var h = new LinkedHashMap<String, String>();
            h.put("X-Echo", "custom-sig-value");
            h.put("X-Trace", "t-1");
            assertThat(Secrets.strip(h)).containsOnlyKeys("X-Trace");
        } finally {
            Secrets.unregister(owner);
        }
        assertThat(Secrets.mask("custom-sig-value")).isEqualTo("custom-sig-value");
    }

    @Test
    void shouldLeaveValuesTooShortToBeSecretsAlone() {
        Object owner = new Object();
        Secrets.register(
                owner,
                ConnectorSpec.builder("short", "http://api.example.com")
                        .header("X-Sig", "ab")
                        .build()
                        .secretValues());
        try {
            assertThat(Secrets.mask("ab abc abcd")).isEqualTo("ab abc abcd");
        } finally {
            Secrets.unregister(owner);
        }
    }
}
