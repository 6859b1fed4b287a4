package dev.gauntlet.farm.vendor.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.http.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 JSON Web Tokens signed with a Supabase project's JWT secret: GoTrue's access tokens and the project's two role
 * keys (anon and service_role), which are such JWTs too.
 */
final class SupabaseJwt {

    /**
     * The default secret: the well-known one of a local Supabase stack ({@code supabase start}), so the farm's tokens
     * can be checked with the same tools as a local Supabase's.
     */
    static final String DEFAULT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";
    /** The default project ref: twenty lower-case letters, like a hosted project's. */
    static final String DEFAULT_REF = "gauntletfarmsupabase";
    /** The role keys' issue time (2025-01-01T00:00:00Z): fixed, so the keys are the same strings on every start. */
    static final long KEYS_ISSUED_AT = 1_735_689_600L;
    /** Hosted projects' role keys expire ten years (of 365.25 days) after they were issued. */
    static final long KEYS_EXPIRE_AT = KEYS_ISSUED_AT + 315_576_000L;

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER =
            B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private final SecretKeySpec key;

    /** @param secret the project's JWT secret; Supabase wants at least 32 characters */
    SupabaseJwt(String secret) {
        // Self-hosted Supabase refuses shorter secrets (supabase.com/docs/guides/self-hosting/docker, "Generate API
        // keys").
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("options.jwt_secret must be at least 32 characters long, was "
                    + (secret == null ? "missing" : secret.length() + " characters"));
        }
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /**
     * A project's role key as the dashboard shows it under "API keys" (legacy JWT keys):
     * {@code {"iss":"supabase","ref":<project ref>,"role":<role>,"iat","exp"}}.
     */
    String roleKey(String projectRef, String role) {
        ObjectNode claims = JsonNodeFactory.instance.objectNode();
        claims.put("iss", "supabase");
        claims.put("ref", projectRef);
        claims.put("role", role);
        claims.put("iat", KEYS_ISSUED_AT);
        claims.put("exp", KEYS_EXPIRE_AT);
        return sign(claims);
    }

    /** header.payload.signature, base64url without padding. */
    String sign(ObjectNode claims) {
        String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        String input = HEADER + "." + payload;
        return input + "." + B64.encodeToString(hmac(input));
    }

    /** The claims of a token whose signature holds, else null (malformed, other secret, tampered). */
    ObjectNode verify(String token) {
        int first = token.indexOf('.');
        int last = token.lastIndexOf('.');
        if (first <= 0 || last == first) return null;
        String input = token.substring(0, last);
        try {
            byte[] given = B64D.decode(token.substring(last + 1));
            if (!MessageDigest.isEqual(given, hmac(input))) return null;
            JsonNode claims = Reply.JSON.readTree(B64D.decode(token.substring(first + 1, last)));
            return claims instanceof ObjectNode o ? o : null;
        } catch (IllegalArgumentException | IOException e) {
            return null;
        }
    }

    private byte[] hmac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
