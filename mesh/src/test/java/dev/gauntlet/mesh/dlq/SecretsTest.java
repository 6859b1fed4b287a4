package dev.gauntlet.mesh.dlq;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What never reaches the store. */
class SecretsTest {

    @Test
    void shouldStripEveryCredentialHeaderWhateverItsCase() {
        var h = new LinkedHashMap<String, String>();
        for (String name : List.of("Authorization", "apikey", "API-KEY", "DD-API-KEY", "dd-application-key", "X-API-Key", "Cookie",
                "X-Client-Secret", "X-Refresh-Token", "Private-Token", "X-Goog-Api-Key", "Proxy-Authorization")) {
            h.put(name, "s3cr3t");
        }
        h.put("Idempotency-Key", "mesh_1");
        h.put("Content-Type", "application/json");
        h.put("X-Trace", "t");

        assertThat(Secrets.strip(h)).containsOnlyKeys("Idempotency-Key", "Content-Type", "X-Trace");
    }
}
