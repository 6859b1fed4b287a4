package dev.gauntlet.mesh.internal.store;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.gauntlet.mesh.auth.SharedToken;
import java.time.Instant;

/** A {@link SharedToken} as the credential value every store keeps it in (one JSON object; its version included). */
public final class SharedTokenJson {

    private SharedTokenJson() {}

    /** The stored shape: snake_case names, instants as ISO-8601 text. */
    record Stored(
            @JsonProperty("access_token") String accessToken,
            @JsonProperty("issued_at") Instant issuedAt,
            @JsonProperty("expires_at") Instant expiresAt,
            @JsonProperty("refresh_token") String refreshToken,
            @JsonProperty("version") long version) {}

    private static final TypeReference<Stored> STORED = new TypeReference<>() {};

    public static String write(SharedToken t, long version) {
        return StoreJson.json(new Stored(t.accessToken(), t.issuedAt(), t.expiresAt(), t.refreshToken(), version));
    }

    /** @param version the row's version where the store keeps one beside the value (PostgreSQL), else -1: the JSON's */
    public static SharedToken read(String json, long version) {
        Stored s = StoreJson.parse(json, STORED);
        return new SharedToken(
                s.accessToken(), s.issuedAt(), s.expiresAt(), s.refreshToken(), version >= 0 ? version : s.version());
    }
}
