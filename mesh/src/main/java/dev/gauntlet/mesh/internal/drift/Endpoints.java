package dev.gauntlet.mesh.internal.drift;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Names an endpoint by method and normalised path: id-like path segments become {@code {id}}, and the query string
 * keeps its parameter names (sorted) but not their values, except for the few parameters that choose the answer's
 * shape (SOQL {@code q}, Supabase {@code select}, Stripe {@code expand[]}), whose literals are blanked instead.
 */
public final class Endpoints {
    private Endpoints() {}

    /** Parameters whose value decides which fields come back: two different selects are two different schemas. */
    private static final Set<String> SHAPE_PARAMS =
            Set.of("q", "select", "fields", "expand", "expand[]", "projection", "include");

    public static String of(String method, String path) {
        int q = path.indexOf('?');
        String p = q < 0 ? path : path.substring(0, q);
        StringBuilder out = new StringBuilder(method.length() + path.length() + 8)
                .append(method)
                .append(' ');
        int start = 1;
        if (p.isEmpty() || p.equals("/")) out.append('/');
        while (start <= p.length() && p.length() > 1) {
            int end = p.indexOf('/', start);
            if (end < 0) end = p.length();
            out.append('/');
            if (isIdLike(p, start, end)) out.append("{id}");
            else out.append(p, start, end);
            start = end + 1;
        }
        if (q >= 0 && q + 1 < path.length()) appendQuery(out, path.substring(q + 1));
        return out.toString();
    }

    private static void appendQuery(StringBuilder out, String query) {
        List<String> params = new ArrayList<>(4);
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String decodedName = URLDecoder.decode(name, StandardCharsets.UTF_8);
            if (eq >= 0 && SHAPE_PARAMS.contains(decodedName)) {
                String value = URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.add(decodedName + "=" + blankLiterals(value));
            } else {
                params.add(decodedName);
            }
        }
        if (params.isEmpty()) return;
        params.sort(null);
        out.append('?').append(String.join("&", params));
    }

    /** {@code WHERE Id = '001…' LIMIT 5} → {@code WHERE Id = ? LIMIT ?}: the same query shape for every record. */
    static String blankLiterals(String v) {
        StringBuilder b = new StringBuilder(v.length());
        int i = 0;
        while (i < v.length()) {
            char c = v.charAt(i);
            if (c == '\'' || c == '"') {
                int close = v.indexOf(c, i + 1);
                b.append('?');
                i = close < 0 ? v.length() : close + 1;
            } else if (Character.isDigit(c)
                    && (i == 0 || !Character.isLetterOrDigit(v.charAt(i - 1)) && v.charAt(i - 1) != '_')) {
                while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) i++;
                b.append('?');
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    /**
     * Whether a segment names one record rather than a collection: all digits (GitHub issue numbers), or at least
     * 8 characters of letters/digits/{@code _-.:} with a digit (Salesforce, Mongo, UUIDs), or a vendor prefix and a
     * long token ({@code cus_NffrFeUfNV2Hib}). Versions ({@code v59.0}) and names ({@code sobjects}) stay.
     */
    static boolean isIdLike(String s, int from, int to) {
        int n = to - from;
        if (n <= 0) return false;
        boolean digit = false;
        boolean allDigits = true;
        int underscore = -1;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
                continue;
            }
            allDigits = false;
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || c == '-'
                    || c == '.'
                    || c == ':'
                    || c == '~'
                    || c == '%';
            if (c == '_') {
                if (underscore < 0) underscore = i;
                ok = true;
            }
            if (!ok) return false;
        }
        if (allDigits) return true;
        if (n >= 8 && digit) return true;
        // Stripe-style "cus_…": a short lower-case prefix, then a long token.
        return underscore > from && underscore - from <= 6 && to - underscore - 1 >= 8;
    }
}
