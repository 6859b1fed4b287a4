package dev.gauntlet.farm.flavor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.http.Reply;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HS256 JSON Web Tokens the way Supabase Auth (GoTrue) signs its access tokens. */
final class SupabaseJwt {
    private SupabaseJwt() {}

    /**
     * The signing secret. It is the well-known default of a local Supabase stack ({@code supabase start}), so a user
     * can check the farm's tokens with the same tools they use against a local Supabase.
     */
    static final String SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final String HEADER = B64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    /** header.payload.signature, base64url without padding. */
    static String sign(ObjectNode claims) {
        String payload = B64.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        String input = HEADER + "." + payload;
        return input + "." + B64.encodeToString(hmac(input));
    }

    /** The claims of a token whose signature holds, else null (malformed, other secret, tampered). */
    static ObjectNode verify(String token) {
        int first = token.indexOf('.');
        int last = token.lastIndexOf('.');
        if (first <= 0 || last == first) return null;
        String input = token.substring(0, last);
        try {
            byte[] given = B64D.decode(token.substring(last + 1));
            if (!MessageDigest.isEqual(given, hmac(input))) return null;
            JsonNode claims = Reply.JSON.readTree(B64D.decode(token.substring(first + 1, last)));
            return claims instanceof ObjectNode o ? o : null;
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    private static byte[] hmac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
