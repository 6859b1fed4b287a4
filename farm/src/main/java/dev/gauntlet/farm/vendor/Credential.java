package dev.gauntlet.farm.vendor;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a request presents, as the vendor's clients send it.
 *
 * @param bearer  an OAuth access token, or null
 * @param apiKey  an API key (Stripe secret key, Mongo apiKey header, DD-API-KEY, Supabase apikey), or null
 */
public record Credential(String bearer, String apiKey) {
    public static final Credential NONE = new Credential(null, null);

    public boolean isEmpty() {
        return bearer == null && apiKey == null;
    }

    /** The token of an {@code Authorization: Bearer …} (or {@code token …}) header, else null. */
    public static String bearerOf(String authorization) {
        if (authorization == null) return null;
        String a = authorization.trim();
        int space = a.indexOf(' ');
        if (space < 0) return null;
        String scheme = a.substring(0, space);
        if (scheme.equalsIgnoreCase("bearer") || scheme.equalsIgnoreCase("token") || scheme.equalsIgnoreCase("oauth")) {
            String token = a.substring(space + 1).trim();
            return token.isEmpty() ? null : token;
        }
        return null;
    }

    /** The user name of an {@code Authorization: Basic …} header (Stripe accepts its key that way), else null. */
    public static String basicUserOf(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) return null;
        try {
            String decoded = new String(
                    Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            return colon < 0 ? decoded : decoded.substring(0, colon);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
