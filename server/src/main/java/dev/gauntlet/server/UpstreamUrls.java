package dev.gauntlet.server;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Points the upstream's own URLs in a proxied answer back at the proxy, so a client that follows them (a GitHub
 * {@code Link} rel="next", a Salesforce {@code nextRecordsUrl}, a {@code Location}) stays on the mesh instead of
 * going around it without credentials. A value is rewritten when it starts with the connector's base URL (absolute)
 * or with the base URL's path (root-relative); the rest of it (path, query, fragment) is kept.
 */
final class UpstreamUrls {

    private static final JsonFactory JSON = new JsonFactory();
    /** A {@code Link} header's URI-references (RFC 8288 §3: {@code <URI-Reference>; params}, comma-separated). */
    private static final Pattern LINK_TARGET = Pattern.compile("<([^>]*)>");

    /** The upstream's origin as written, and with or without its scheme's default port (both spellings name it). */
    private final List<String> origins;
    /** The base URL's path without a trailing slash; empty for a base URL at the host's root. */
    private final String upstreamPath;

    private final String proxyOrigin;
    private final String proxyPath;
    /** What every rewritable value contains: the base path, or "://" for a base URL at the host's root. */
    private final byte[] needle;

    /**
     * @param upstream the connector's base URL (scheme://host:port + base path)
     * @param proxy    where the proxy answers for that connector (e.g. http://127.0.0.1:8002/proxy/github_mock)
     */
    UpstreamUrls(URI upstream, URI proxy) {
        Objects.requireNonNull(upstream, "upstream");
        Objects.requireNonNull(proxy, "proxy");
        if (upstream.getScheme() == null || upstream.getRawAuthority() == null) {
            throw new IllegalArgumentException("upstream must be an absolute http(s) URL, was '" + upstream + "'");
        }
        if (proxy.getScheme() == null || proxy.getRawAuthority() == null) {
            throw new IllegalArgumentException("proxy must be an absolute http(s) URL, was '" + proxy + "'");
        }
        this.origins = origins(upstream);
        this.upstreamPath = trimmed(upstream.getRawPath());
        this.proxyOrigin = proxy.getScheme() + "://" + proxy.getRawAuthority();
        this.proxyPath = trimmed(proxy.getRawPath());
        this.needle = (upstreamPath.isEmpty() ? "://" : upstreamPath).getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> origins(URI u) {
        String scheme = u.getScheme().toLowerCase(Locale.ROOT);
        int defaultPort = scheme.equals("https") ? 443 : 80;
        String host = u.getHost() != null ? u.getHost() : u.getRawAuthority();
        List<String> out = new ArrayList<>();
        out.add(scheme + "://" + u.getRawAuthority());
        if (u.getPort() == -1) out.add(scheme + "://" + host + ":" + defaultPort);
        if (u.getPort() == defaultPort) out.add(scheme + "://" + host);
        return out;
    }

    private static String trimmed(String path) {
        if (path == null) return "";
        return path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    /**
     * Whether a body can hold a value {@link #value} rewrites, by a byte search instead of a parse (the parse cost a
     * twentieth of the AAM's CPU under load, for answers most of which hold no URL): every such value contains the
     * base path, or "://" when there is none. A body with a backslash may spell them escaped ({@code \/}): parsed.
     */
    private boolean mayHoldUpstreamUrl(byte[] body) {
        return indexOf(body, BACKSLASH) >= 0 || indexOf(body, needle) >= 0;
    }

    private static final byte[] BACKSLASH = {'\\'};

    /** The first index of {@code what} in {@code in}, or -1. */
    static int indexOf(byte[] in, byte[] what) {
        outer:
        for (int i = 0; i <= in.length - what.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    /** The value with an upstream URL at its start pointed at the proxy; the same instance when it has none. */
    String value(String v) {
        if (v == null) return null;
        for (String origin : origins) {
            // Scheme and host are case-insensitive (RFC 3986 §6.2.2.1); the path is not.
            if (v.regionMatches(true, 0, origin, 0, origin.length())
                    && boundary(v, origin.length())
                    && v.startsWith(upstreamPath, origin.length())
                    && boundary(v, origin.length() + upstreamPath.length())) {
                return proxyOrigin + proxyPath + v.substring(origin.length() + upstreamPath.length());
            }
        }
        // Root-relative: only under a base path of its own. At the host's root every "/..." string would match,
        // including data that merely looks like a path; there the proxy's own port serves the same paths unchanged.
        if (!upstreamPath.isEmpty()
                && v.startsWith(upstreamPath)
                && !v.startsWith("//")
                && boundary(v, upstreamPath.length())) {
            String rewritten = proxyPath + v.substring(upstreamPath.length());
            return rewritten.startsWith("/") ? rewritten : "/" + rewritten;
        }
        return v;
    }

    /** Whether a URL prefix ends at {@code at}: the value ends there or goes on with a path, query or fragment. */
    private static boolean boundary(String v, int at) {
        if (at == v.length()) return true;
        char c = v.charAt(at);
        return c == '/' || c == '?' || c == '#';
    }

    /** A response header's value with its upstream URLs rewritten; each part of a {@code Link} header separately. */
    String header(String name, String v) {
        if (v == null || !name.equalsIgnoreCase("Link")) return value(v);
        Matcher m = LINK_TARGET.matcher(v);
        StringBuilder out = new StringBuilder();
        boolean changed = false;
        while (m.find()) {
            String target = value(m.group(1));
            changed |= !target.equals(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement("<" + target + ">"));
        }
        if (!changed) return v;
        m.appendTail(out);
        return out.toString();
    }

    /**
     * A JSON body with every string value that is an upstream URL rewritten, the rest kept byte for byte; the same
     * array when the body is not JSON (by its Content-Type), cannot be parsed, or has no upstream URL.
     */
    byte[] body(String contentType, byte[] body) {
        if (body == null || body.length == 0 || !isJson(contentType) || !mayHoldUpstreamUrl(body)) return body;
        List<Edit> edits = new ArrayList<>();
        try (JsonParser p = JSON.createParser(body)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t != JsonToken.VALUE_STRING) continue;
                long start = p.currentTokenLocation().getByteOffset();
                String text = p.getText();
                // After getText() the parser stands just past the closing quote.
                long end = p.currentLocation().getByteOffset();
                String rewritten = value(text);
                // A body Jackson did not read as bytes (UTF-16 or UTF-32) gives no offsets: leave it as it came.
                if (start < 0 || end < 0) return body;
                if (!rewritten.equals(text)) edits.add(new Edit((int) start, (int) end, rewritten));
            }
        } catch (IOException e) {
            return body; // not JSON after all: forwarded untouched
        }
        if (edits.isEmpty()) return body;
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64 * edits.size());
        int at = 0;
        for (Edit e : edits) {
            out.write(body, at, e.start() - at);
            out.write('"');
            out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(e.text()));
            out.write('"');
            at = e.end();
        }
        out.write(body, at, body.length - at);
        return out.toByteArray();
    }

    /** One string literal (its bytes from the opening to past the closing quote) and what replaces its value. */
    private record Edit(int start, int end, String text) {}

    /** application/json and the {@code +json} types (RFC 6839 §3.1), e.g. application/vnd.github+json. */
    static boolean isJson(String contentType) {
        if (contentType == null) return false;
        int semi = contentType.indexOf(';');
        String type =
                (semi < 0 ? contentType : contentType.substring(0, semi)).trim().toLowerCase(Locale.ROOT);
        return type.endsWith("/json") || type.endsWith("+json");
    }
}
