package dev.gauntlet.farm.http;

import java.util.HashMap;
import java.util.Map;

/** A path with {@code {name}} segments; a final {@code {name...}} takes the rest of the path. Matching allocates only on success. */
public final class PathTemplate {
    private final String text;
    private final String[] segments;
    private final boolean tail;

    public PathTemplate(String text) {
        if (!text.startsWith("/"))
            throw new IllegalArgumentException("path template must start with '/', was '" + text + "'");
        this.text = text;
        String trimmed = text.length() > 1 && text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.segments =
                trimmed.equals("/") ? new String[0] : trimmed.substring(1).split("/");
        this.tail = segments.length > 0 && segments[segments.length - 1].endsWith("...}");
    }

    public String text() {
        return text;
    }

    /** The OpenAPI form of the path ({name...} becomes {name}). */
    public String openApi() {
        return text.replace("...}", "}");
    }

    /** Parameters when the path matches, else null. */
    public Map<String, String> match(String path) {
        int pos = path.startsWith("/") ? 1 : 0;
        int n = path.length();
        if (n > 1 && path.endsWith("/")) n--;
        Map<String, String> params = null;
        for (int i = 0; i < segments.length; i++) {
            String seg = segments[i];
            if (pos > n) return null;
            if (tail && i == segments.length - 1) {
                if (pos >= n) return null;
                if (params == null) params = new HashMap<>(4);
                params.put(seg.substring(1, seg.length() - 4), path.substring(pos, n));
                return params;
            }
            int end = path.indexOf('/', pos);
            if (end < 0 || end > n) end = n;
            if (seg.startsWith("{")) {
                if (end == pos) return null;
                if (params == null) params = new HashMap<>(4);
                params.put(seg.substring(1, seg.length() - 1), decode(path.substring(pos, end)));
            } else if (!path.regionMatches(pos, seg, 0, seg.length()) || end - pos != seg.length()) {
                return null;
            }
            pos = end + 1;
        }
        return pos > n || (segments.length == 0 && n <= 1) ? (params == null ? Map.of() : params) : null;
    }

    /**
     * A path segment percent-decoded strictly (a malformed escape is a {@link BadInput}, the vendor's 400). A '+' still
     * means a space, as it always has here: clients that build paths with URLEncoder rely on it.
     */
    private static String decode(String s) {
        return s.indexOf('%') < 0 ? s : Percent.decode(s, true, "path");
    }

    @Override
    public String toString() {
        return text;
    }
}
