package dev.gauntlet.mesh.dlq;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Removes credentials from headers before a request is written to the store (DLQ entries, intents). */
public final class Secrets {
    /** The headers vendors take credentials in (Stripe/GitHub/Salesforce Authorization, Supabase apikey, Datadog's two keys, …). */
    private static final Set<String> NAMES = Set.of("authorization", "proxy-authorization", "apikey", "api-key",
            "dd-api-key", "dd-application-key", "x-api-key", "cookie", "set-cookie");

    private Secrets() {}

    public static boolean isSecret(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        // Substrings too: vendors spell their key headers many ways (X-Goog-Api-Key, X-Api-Key-Id, Private-Token, …).
        return NAMES.contains(h) || h.contains("secret") || h.contains("token") || h.contains("api-key") || h.contains("apikey")
                || h.contains("api_key") || h.contains("password");
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
