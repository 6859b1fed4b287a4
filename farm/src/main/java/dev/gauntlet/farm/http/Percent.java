package dev.gauntlet.farm.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict percent-decoding (RFC 3986 section 2.1) of paths, query strings and form bodies into UTF-8 text. A {@code %}
 * not followed by two hex digits ({@code %uD800}, {@code %zz}, a trailing {@code %}) or escapes that are not UTF-8
 * are refused with a {@link BadInput} naming the part, where {@link java.net.URLDecoder} throws an
 * IllegalArgumentException (a 500) or silently substitutes U+FFFD. Rack (Stripe, GitHub) answers such a request 400
 * "invalid %-encoding" as well.
 */
public final class Percent {

    private Percent() {}

    /**
     * Decodes one component.
     *
     * @param plusIsSpace whether {@code +} means a space (query strings and form bodies, not paths)
     * @param field       the name the refusal gives (a parameter name, "path", "query")
     */
    public static String decode(String s, boolean plusIsSpace, String field) {
        if (s.indexOf('%') < 0) return plusIsSpace && s.indexOf('+') >= 0 ? s.replace('+', ' ') : s;
        var bytes = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                int hi = i + 2 < s.length() ? Character.digit(s.charAt(i + 1), 16) : -1;
                int lo = hi < 0 ? -1 : Character.digit(s.charAt(i + 2), 16);
                if (lo < 0) {
                    String near = s.substring(i, Math.min(s.length(), i + 6));
                    throw new BadInput(
                            field,
                            "invalid %-encoding in " + field + ": '" + near
                                    + "' is not % followed by two hex digits (RFC 3986 section 2.1)");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // Already text (the server decoded the request line as UTF-8): keep the character as its UTF-8 bytes.
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                bytes.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        try {
            CharBuffer out = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()));
            return out.toString();
        } catch (CharacterCodingException e) {
            throw new BadInput(field, "invalid %-encoding in " + field + ": the escaped bytes are not UTF-8");
        }
    }

    /**
     * A query string ({@code a=1&b=2&a=3}, raw as sent) as names to values in order of appearance; null or empty gives
     * an empty map. A name without {@code =} has the value "".
     */
    public static Map<String, List<String>> query(String raw) {
        if (raw == null || raw.isEmpty()) return Map.of();
        Map<String, List<String>> out = new LinkedHashMap<>();
        int start = 0;
        int n = raw.length();
        while (start <= n) {
            int amp = raw.indexOf('&', start);
            if (amp < 0) amp = n;
            if (amp > start) {
                int eq = raw.indexOf('=', start);
                if (eq < 0 || eq > amp) eq = amp;
                String name = decode(raw.substring(start, eq), true, "query");
                String value =
                        eq == amp ? "" : decode(raw.substring(eq + 1, amp), true, name.isEmpty() ? "query" : name);
                out.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            start = amp + 1;
        }
        return out;
    }
}
