package dev.gauntlet.mesh.call;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Secrets, in one place for the whole project: which headers carry credentials by their name (never stored, never
 * forwarded from a caller, shown as {@code ***}), and - since a name says nothing of {@code X-Custom-Sig}, a password in
 * a {@code base_url} or a {@code ?client_secret=} in a {@code token_url} - every configured secret <em>value</em>
 * ({@link #valuesOf}), registered per connector while it is registered ({@link #register}), and masked by
 * {@link #mask} wherever text leaves the process: API answers, the event stream, proxy answers' headers, logs.
 */
public final class Secrets {
    /** What a masked value becomes. */
    public static final String MASK = "***";
    /**
     * Values shorter than this are not masked: masking "ab" in every answer would shred it, and a credential that short
     * is no secret anyway.
     */
    public static final int MIN_MASKED_LENGTH = 6;

    /** The headers vendors take credentials in (Stripe/GitHub/Salesforce Authorization, Supabase apikey, Datadog's two keys, …). */
    private static final Set<String> NAMES = Set.of(
            "authorization",
            "proxy-authorization",
            "apikey",
            "api-key",
            "dd-api-key",
            "dd-application-key",
            "x-api-key",
            "cookie",
            "set-cookie");
    /** Substrings too: vendors spell their key headers many ways (X-Goog-Api-Key, X-Api-Key-Id, Private-Token, …). */
    private static final String[] PARTS = {"secret", "token", "api-key", "apikey", "api_key", "password"};
    /** Query parameters whose value is a credential ({@code client_secret}, {@code access_token}, {@code sig}, {@code key}, …). */
    private static final String[] QUERY_PARTS = {
        "secret", "token", "key", "password", "passwd", "pwd", "sig", "auth", "credential", "session"
    };
    /**
     * Configured headers whose values are plain protocol words, not secrets ("application/json" masked everywhere would
     * wreck every answer). Any other header a connector is configured with is taken for a secret by value.
     */
    private static final Set<String> PLAIN_HEADERS = Set.of(
            "accept",
            "accept-encoding",
            "accept-language",
            "content-type",
            "prefer",
            "user-agent",
            "cache-control",
            "connection",
            "x-requested-with",
            "accept-profile",
            "content-profile",
            "notion-version",
            "stripe-version",
            "x-github-api-version",
            "sforce-call-options");

    /**
     * The answer per header name as spelled, so a keyed write's headers (the same few names on every call) are not
     * lower-cased and searched each time; bounded, names beyond it are judged afresh.
     */
    private static final int KNOWN_MAX = 1_024;

    private static final Map<String, Boolean> KNOWN = new ConcurrentHashMap<>();

    /** Registered values per owner (a registered connector). */
    private static final Map<Object, List<String>> REGISTERED = new ConcurrentHashMap<>();
    /** Every registered value and its URL-encoded form, longest first (so a value inside another is masked whole). */
    private static volatile String[] values = new String[0];

    private Secrets() {}

    /** Whether a header carries a credential by its name. */
    public static boolean isSecretHeader(String header) {
        Boolean known = KNOWN.get(header);
        if (known != null) return known;
        boolean secret = judge(header);
        if (KNOWN.size() < KNOWN_MAX) KNOWN.put(header, secret);
        return secret;
    }

    /** Former name of {@link #isSecretHeader}. */
    public static boolean isSecret(String header) {
        return isSecretHeader(header);
    }

    private static boolean judge(String header) {
        String h = header.toLowerCase(Locale.ROOT);
        if (NAMES.contains(h)) return true;
        for (String part : PARTS) if (h.contains(part)) return true;
        return false;
    }

    /**
     * A copy without the secret headers (by name, or holding a registered secret value), in the original order; the map
     * itself when it holds none (it is not copied per write). What is dropped is the connector's own to inject again.
     */
    public static Map<String, String> strip(Map<String, String> headers) {
        boolean any = false;
        for (var h : headers.entrySet()) any |= isSecretHeader(h.getKey()) || holdsSecret(h.getValue());
        if (!any) return headers;
        var out = new LinkedHashMap<String, String>();
        headers.forEach((k, v) -> {
            if (!isSecretHeader(k) && !holdsSecret(v)) out.put(k, v);
        });
        return out;
    }

    /**
     * The secret values in a URL (its user info, secret-like query values) and in header values (all but plain headers
     * such as Accept), added to {@code out}: what a connector's base URL, token URL and headers hold.
     */
    public static void collect(String url, Map<String, String> headers, Set<String> out) {
        fromUrl(url, out);
        headers.forEach((name, value) -> {
            if (!PLAIN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) add(out, value);
        });
    }

    /** Adds {@code value} to {@code out} when it is long enough to be masked safely. */
    public static void collect(String value, Set<String> out) {
        add(out, value);
    }

    /** The password of a URL's user info (and the user info whole), and the values of its secret-like query parameters. */
    static void fromUrl(String url, Set<String> out) {
        if (url == null) return;
        URI u;
        try {
            u = URI.create(url);
        } catch (IllegalArgumentException e) {
            return;
        }
        String info = u.getRawUserInfo();
        if (info != null) {
            add(out, info);
            int colon = info.indexOf(':');
            if (colon >= 0) add(out, info.substring(colon + 1));
            String decoded = u.getUserInfo();
            if (decoded != null && decoded.indexOf(':') >= 0) add(out, decoded.substring(decoded.indexOf(':') + 1));
        }
        String query = u.getRawQuery();
        if (query == null) return;
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) continue;
            String name = pair.substring(0, eq).toLowerCase(Locale.ROOT);
            for (String part : QUERY_PARTS) {
                if (name.contains(part)) {
                    add(out, pair.substring(eq + 1));
                    add(out, URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    break;
                }
            }
        }
    }

    private static void add(Set<String> out, String value) {
        if (value != null && value.length() >= MIN_MASKED_LENGTH) out.add(value);
    }

    /** Masks these values from now on, until {@link #unregister} of the same owner (a connector, replaced or removed). */
    public static void register(Object owner, Collection<String> secretValues) {
        REGISTERED.put(owner, List.copyOf(secretValues));
        rebuild();
    }

    public static void unregister(Object owner) {
        if (REGISTERED.remove(owner) != null) rebuild();
    }

    private static synchronized void rebuild() {
        var all = new LinkedHashSet<String>();
        for (List<String> each : REGISTERED.values()) {
            for (String v : each) {
                all.add(v);
                String encoded = URLEncoder.encode(v, StandardCharsets.UTF_8);
                if (!encoded.equals(v)) all.add(encoded);
            }
        }
        var sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        values = sorted.toArray(String[]::new);
    }

    /** Whether the text holds a registered secret value. */
    public static boolean holdsSecret(String text) {
        if (text == null || text.length() < MIN_MASKED_LENGTH) return false;
        for (String v : values) if (text.contains(v)) return true;
        return false;
    }

    /** The text with every registered secret value replaced by {@value #MASK}; the same string when it holds none. */
    public static String mask(String text) {
        if (text == null || text.length() < MIN_MASKED_LENGTH) return text;
        String out = text;
        for (String v : values) if (out.contains(v)) out = out.replace(v, MASK);
        return out;
    }

    /** {@link #mask} with these values too (a connector's, before or without registering it). */
    public static String mask(String text, Collection<String> more) {
        String out = mask(text);
        if (out == null) return null;
        var sorted = new ArrayList<>(more);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        for (String v : sorted) if (v.length() >= MIN_MASKED_LENGTH && out.contains(v)) out = out.replace(v, MASK);
        return out;
    }
}
