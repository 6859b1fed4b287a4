package dev.gauntlet.mesh.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.farm.FarmConfig;
import dev.gauntlet.mesh.FarmFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;

/**
 * The real farm for auth tests: the built-in Salesforce and Supabase services copied into a services folder with a
 * short token TTL and limits high enough that a burst of callers never meets a 429 (the farm's rate limit is not
 * what these tests are about).
 */
final class AuthFarm {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AuthFarm() {}

    static FarmFixture start(Path dir, InstantSource clock, long tokenTtlSeconds, Path chaosFile) {
        FarmFixture.write(dir, "salesforce_mock.yaml", shortLived("salesforce_mock", tokenTtlSeconds));
        FarmFixture.write(dir, "supabase_mock.yaml", shortLived("supabase_mock", tokenTtlSeconds));
        FarmConfig.Builder b = FarmConfig.builder().servicesDir(dir).clock(clock);
        if (chaosFile != null) b.chaosFile(chaosFile);
        return FarmFixture.start(b);
    }

    static String shortLived(String service, long ttlSeconds) {
        String yaml = builtIn(service);
        yaml = yaml.replaceFirst("token_ttl_s: \\d+", "token_ttl_s: " + ttlSeconds);
        yaml = yaml.replaceFirst(
                "rate_limit: \\{[^}]*}", "rate_limit: { max_rps: 100000, burst: 100000, per: client }");
        if (!yaml.contains("token_ttl_s: " + ttlSeconds) || !yaml.contains("max_rps: 100000")) {
            throw new IllegalStateException("the built-in " + service + " YAML changed shape; fix AuthFarm");
        }
        return yaml;
    }

    private static String builtIn(String service) {
        try (InputStream in = FarmConfig.class.getResourceAsStream("/services/" + service + ".yaml")) {
            if (in == null) throw new IllegalStateException("no built-in service " + service);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String salesforceTokenUrl(FarmFixture farm) {
        return farm.serviceUrl("salesforce_mock") + "/services/oauth2/token";
    }

    static String supabaseTokenUrl(FarmFixture farm) {
        return farm.serviceUrl("supabase_mock") + "/auth/v1/token";
    }

    /** The farm's own count of access tokens a service issued (GET /admin/status). */
    static long tokensIssued(FarmFixture farm, String service) {
        return serviceStatus(farm, service).get("tokens_issued").asLong();
    }

    static long tokensRefreshed(FarmFixture farm, String service) {
        return serviceStatus(farm, service).get("tokens_refreshed").asLong();
    }

    private static JsonNode serviceStatus(FarmFixture farm, String service) {
        try {
            for (JsonNode s : JSON.readTree(farm.get("/admin/status")).get("services")) {
                if (s.get("id").asText().equals(service)) return s;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("no service " + service + " in /admin/status");
    }
}
