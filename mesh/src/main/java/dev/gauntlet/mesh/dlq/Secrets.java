package dev.gauntlet.mesh.dlq;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Removes credentials from headers before a request is written to the store (DLQ entries, intents). */
public final class Secrets {
    /** The headers vendors take credentials in (Stripe/GitHub/Salesforce Authorization, Supabase apikey, Datadog's two keys, …). */
    private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "apikey", "api-key",
            "dd-api-key", "dd-application-key", "x-api-key", "cookie", "set-cookie");

    private Secrets() {}

    /** Substrings too: vendors spell their key headers many ways (X-Goog-Api-Key, X-Api-Key-Id, Private-Token, …). */
    private static final String[] PARTS = {"secret", "token", "api-key", "apikey", "api_key", "password"};
    /**
     * The answer per header name as spelled, so a keyed write's headers (the same few names on every call) are not
     * lower-cased and searched each time; bounded, names beyond it are judged afresh.
     */
    private static final int KNOWN_MAX = 1_024;
    private static final Map<String, Boolean> KNOWN = new ConcurrentHashMap<>();

    public static boolean isSecret(String header) {
        Boolean known = KNOWN.get(header);
        if (known != null) return known;
        boolean secret = judge(header);
        if (KNOWN.size() < KNOWN_MAX) KNOWN.put(header, secret);
        return secret;
    }

    private static boolean judge(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        if (NAMES.contains(h)) return true;
        for (String part : PARTS) if (h.contains(part)) return true;
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
