package dev.gauntlet.mesh.dlq;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Removes credentials from headers before a request is written to the store (DLQ entries, intents). */
public final class Secrets {
    /** The headers vendors take credentials in (Stripe/GitHub/Salesforce Authorization, Supabase apikey, Datadog's two keys, …). */
    private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "apikey", "api-key",
            "dd-api-key", "dd-application-key", "x-api-key", "cookie", "set-cookie");

    private Secrets() {}

    /** Substrings too: vendors spell their key headers many ways (X-Goog-Api-Key, X-Api-Key-Id, Private-Token, …). Lower case. */
    private static final String[] PARTS = {"secret", "token", "api-key", "apikey", "api_key", "password"};

    /** Case-insensitive, without a lower-cased copy of the name (asked for every header of every keyed write). */
    public static boolean isSecret(String header) {
        for (String name : NAMES) if (name.equalsIgnoreCase(header)) return true;
        for (String part : PARTS) if (containsIgnoreCase(header, part)) return true;
        return false;
    }

    private static boolean containsIgnoreCase(String s, String lowerPart) {
        for (int i = 0, last = s.length() - lowerPart.length(); i <= last; i++) {
            if (s.regionMatches(true, i, lowerPart, 0, lowerPart.length())) return true;
        }
        return false;
    }

    /** A copy without the secret headers, in the original order; the map itself when it holds none (it is not copied per write). */
    public static Map<String, String> strip(Map<String, String> headers) {
        boolean any = false;
        for (String k : headers.keySet()) any |= isSecret(k);
        if (!any) return headers;
        var out = new LinkedHashMap<String, String>();
        headers.forEach((k, v) -> {
            if (!isSecret(k)) out.put(k, v);
        });
        return out;
    }
}
