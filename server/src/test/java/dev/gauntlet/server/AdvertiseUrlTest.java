package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --advertise-url}: a node behind NAT, a proxy or a container's port mapping is known to the other nodes and the
 * UI by the URL it is reached at, not by its bind address.
 */
class AdvertiseUrlTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    AamConfig.Builder config() {
        return AamConfig.builder().port(0).dataDir(data).store(StorageUrls.store("memory"));
    }

    @Test
    void aNodeIsListedByTheUrlItAdvertises() throws Exception {
        try (AamServer aam = AamServer.start(
                        config().advertiseUrl("http://aam-1.internal:9002/").build());
                HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(aam.url() + "/health"))
                            .timeout(Duration.ofSeconds(20))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode self = JSON.readTree(r.body()).path("nodes").get(0);
            assertThat(self.path("url").asText()).isEqualTo("http://aam-1.internal:9002");
            assertThat(self.path("id").asText()).isEqualTo("aam-1.internal:9002");
            assertThat(self.path("self").asBoolean()).isTrue();
        }
    }

    @Test
    void anAdvertisedUrlWithoutAPortOrWithAPathIsRefusedNamingTheField() {
        for (String bad : new String[] {"aam-1:9002", "http://aam-1.internal", "http://aam-1:9002/api", "ftp://a:1"}) {
            assertThatThrownBy(() -> config().advertiseUrl(bad).build())
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("advertise_url must be an http(s) URL with a host and a port");
        }
        assertThat(config().advertiseUrl(null).build().advertiseUrl()).isNull();
    }
}
