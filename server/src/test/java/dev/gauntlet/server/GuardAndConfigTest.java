package dev.gauntlet.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.dlq.DlqEntry;
import dev.gauntlet.mesh.dlq.DlqFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The last-resort guard (an unexpected failure is a 500 with a message, not a stack trace) and the config's checks. */
class GuardAndConfigTest {

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    /** A DLQ that fails in a way no handler expects. */
    private static final DlqBackend BROKEN = new DlqBackend() {
        @Override
        public List<DlqEntry> list(DlqFilter filter) {
            throw new IllegalStateException("disk on fire");
        }

        @Override
        public Optional<DlqEntry> get(String id) {
            return Optional.empty();
        }

        @Override
        public Optional<Replay> replay(String id) {
            return Optional.of(new Replay(id, "succeeded", 200, "ok"));
        }

        @Override
        public List<Replay> replayAll(String connector) {
            return List.of();
        }

        @Override
        public boolean discard(String id) {
            return false;
        }

        @Override
        public Map<String, Object> stats() {
            return Map.of();
        }
    };

    @Test
    void shouldMapAnUnexpectedFailureToA500WithAMessageAndWireAGivenDlq() throws Exception {
        try (AamServer aam = AamServer.start(
                        AamConfig.builder()
                                .port(0)
                                .dataDir(dir)
                                .farmUrl("http://127.0.0.1:9")
                                .build(),
                        BROKEN);
                HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create(aam.url() + "/dlq")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(500);
            var body = new ObjectMapper().readTree(r.body());
            assertThat(body.path("error").asText()).isEqualTo("internal_error");
            assertThat(body.path("message").asText()).contains("disk on fire");
            HttpResponse<String> missing = http.send(
                    HttpRequest.newBuilder(URI.create(aam.url() + "/dlq/d-1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).isEqualTo(404);
            HttpResponse<String> replay = http.send(
                    HttpRequest.newBuilder(URI.create(aam.url() + "/dlq/d-1/replay"))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(replay.statusCode()).isEqualTo(200);
            assertThat(replay.body()).contains("\"outcome\":\"succeeded\"");
        }
    }

    @Test
    void shouldRefuseABadConfigNamingTheField() {
        assertThatThrownBy(() -> AamConfig.builder().port(70000).build())
                .hasMessageContaining("port")
                .hasMessageContaining("70000");
        assertThatThrownBy(() -> AamConfig.builder().farmUrl("farm:8001").build())
                .hasMessageContaining("farm_url");
        assertThat(AamConfig.builder().farmUrl("http://h:1/").build().farmUrl()).isEqualTo("http://h:1");
        assertThat(AamConfig.builder().build().host()).isEqualTo("127.0.0.1");
        assertThat(AamConfig.builder().build().port()).isEqualTo(8002);
    }

    @Test
    void shouldAcceptSqlitePostgresOrNoStoreAndSayOthersAreNotSupportedYet() {
        assertThat(StorageUrls.store(null))
                .as("the default: the config puts SQLite in the data folder")
                .isNull();
        assertThat(StorageUrls.store("memory").inMemory()).isTrue();
        assertThat(AamConfig.builder().dataDir(Path.of("d")).build().store().sqlite())
                .isEqualTo(Path.of("d/mesh.db"));
        assertThat(StorageUrls.store("sqlite:data/g.db").sqlite()).isEqualTo(Path.of("data/g.db"));
        assertThat(StorageUrls.store("postgresql://db/g?user=postgres")
                        .postgres()
                        .database())
                .isEqualTo("g");
        assertThat(StorageUrls.store("postgresql://db/g").kind()).isEqualTo("postgresql");
        assertThat(StorageUrls.store("postgres://u:pw@db/g").safe()).isEqualTo("postgresql://db:5432/g?user=u");
        assertThatThrownBy(() -> StorageUrls.store("postgresql://db/"))
                .hasMessageContaining("database name is required");
        assertThatThrownBy(() -> StorageUrls.store("mysql://x")).hasMessageContaining("sqlite:PATH");
        assertThatThrownBy(() -> StorageUrls.store("sqlite:")).hasMessageContaining("file path");
        assertThat(StorageUrls.limits(null).url()).isEqualTo("local");
        assertThat(StorageUrls.limits("redis://localhost:6379").url())
                .isEqualTo("redis://localhost:6379/0?prefix=gauntlet");
        assertThat(StorageUrls.limits("redis://127.0.0.1/2?prefix=a1").redis().database())
                .isEqualTo(2);
        assertThat(StorageUrls.limits("local").kind()).isEqualTo("local");
        assertThatThrownBy(() -> StorageUrls.limits("redis://h/x")).hasMessageContaining("database must be a number");
        assertThatThrownBy(() -> StorageUrls.limits("redis://h/0?pfx=a")).hasMessageContaining("prefix=NAME");
        // TLS and credentials: the password is used, never shown.
        var secured = StorageUrls.limits("rediss://mesh:s%40cret@redis.example:6380/1?prefix=p");
        assertThat(secured.url()).isEqualTo("rediss://mesh:***@redis.example:6380/1?prefix=p");
        assertThat(secured.redis().tls()).isTrue();
        assertThat(secured.redis().user()).isEqualTo("mesh");
        assertThat(secured.redis().password()).isEqualTo("s@cret");
        assertThat(StorageUrls.limits("redis://:pw@h").redis().password()).isEqualTo("pw");
        assertThat(StorageUrls.limits("redis://:pw@h").url()).isEqualTo("redis://:***@h:6379/0?prefix=gauntlet");
        assertThatThrownBy(() -> StorageUrls.limits("redis://mesh:@h")).hasMessageContaining("needs a password");
        assertThatThrownBy(() -> StorageUrls.limits("redis://u:top-secret@h/x"))
                .hasMessageContaining("database must be a number")
                .hasMessageNotContaining("top-secret");
    }
}
