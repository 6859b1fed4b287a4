package dev.gauntlet.farm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a route handler may know of a request: method, path below the service root, query, headers and the body,
 * parsed on demand as JSON or as a (Stripe-style bracketed) form.
 */
public final class FarmRequest {
    private final String method;
    private final String path;
    private final Map<String, List<String>> query;
    private final Function<String, String> headers;
    private final byte[] body;
    private final String contentType;
    private Map<String, String> pathParams = Map.of();
    private Supplier<String> serviceUrl = () -> "";
    private JsonNode parsed;

    public FarmRequest(
            String method,
            String path,
            Map<String, List<String>> query,
            Function<String, String> headers,
            byte[] body,
            String contentType) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.body = body == null ? new byte[0] : body;
        this.contentType = contentType == null ? "" : contentType.toLowerCase();
    }

    public String method() {
        return method;
    }

    public String path() {
        return path;
    }

    public byte[] body() {
        return body;
    }

    public String contentType() {
        return contentType;
    }

    public Map<String, List<String>> queryMap() {
        return query;
    }

    public String header(String name) {
        return headers.apply(name);
    }

    public String query(String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** An integer query parameter within bounds, or the fallback when absent; out of bounds or not a number is a BadInput. */
    public int queryInt(String name, int fallback, int min, int max) {
        String v = query(name);
        if (v == null || v.isEmpty()) return fallback;
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max)
                throw new BadInput(name, name + " must be between " + min + " and " + max + ", was " + n);
            return n;
        } catch (NumberFormatException e) {
            throw new BadInput(name, name + " must be an integer, was '" + v + "'");
        }
    }

    /**
     * The absolute URL clients reach the service at (scheme and Host of this request, plus the base path unless the
     * service was reached on a port of its own), for vendor fields such as Salesforce's instance_url or GitHub's
     * Link header.
     */
    public String serviceUrl() {
        return serviceUrl.get();
    }

    public void serviceUrl(String url) {
        this.serviceUrl = () -> url;
    }

    /** Sets the service URL to be worked out only if a flavour asks (most answers never need it). */
    public void serviceUrl(Supplier<String> url) {
        this.serviceUrl = url;
    }

    /** scheme://host[:port] as the client addressed us (Host header; X-Forwarded-Proto behind a proxy). */
    public static String origin(String host, String forwardedProto, String localAddress) {
        String h = host == null || host.isBlank() ? localAddress : host.trim();
        String scheme = forwardedProto == null || forwardedProto.isBlank() ? "http" : forwardedProto.trim();
        return scheme + "://" + h;
    }

    public String pathParam(String name) {
        return pathParams.get(name);
    }

    public void pathParams(Map<String, String> params) {
        this.pathParams = params;
    }

    public boolean isForm() {
        return contentType.startsWith("application/x-www-form-urlencoded");
    }

    /** The body as JSON; an empty body is an empty object. Limits: {@link Reply#MAX_JSON_DEPTH} and the others of {@link Reply#JSON}. */
    public JsonNode json() {
        if (parsed != null) return parsed;
        if (body.length == 0) return parsed = JsonNodeFactory.instance.objectNode();
        try {
            parsed = Reply.JSON.readTree(body);
            if (parsed == null) parsed = JsonNodeFactory.instance.objectNode();
            return parsed;
        } catch (StreamConstraintsException e) {
            // Over a limit (nesting depth, string or number length): said as such; Jackson gives no location for these.
            throw new BadInput(null, "request body is over a limit of the JSON parser: " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new BadInput(
                    null,
                    "request body is not valid JSON: " + e.getOriginalMessage()
                            + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr()));
        } catch (IOException e) {
            throw new BadInput(null, "request body cannot be read: " + e.getMessage());
        }
    }

    /** The body as JSON that must be an object. */
    public ObjectNode jsonObject() {
        JsonNode node = json();
        if (!node.isObject())
            throw new BadInput(
                    null,
                    "request body must be a JSON object, was "
                            + node.getNodeType().name().toLowerCase());
        return (ObjectNode) node;
    }

    /**
     * The body as a form, with Stripe's bracket notation turned into nesting:
     * {@code metadata[op_id]=x&items[0][price]=p} becomes {@code {"metadata":{"op_id":"x"},"items":{"0":{"price":"p"}}}}.
     * Keys nest at most {@link #MAX_FORM_DEPTH} brackets deep; names and values are percent-decoded strictly.
     */
    public ObjectNode form() {
        if (parsed instanceof ObjectNode o) return o;
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        String text = new String(body, StandardCharsets.UTF_8);
        int start = text.isBlank() ? text.length() + 1 : 0;
        while (start <= text.length()) {
            int amp = text.indexOf('&', start);
            if (amp < 0) amp = text.length();
            if (amp > start) {
                int eq = text.indexOf('=', start);
                if (eq < 0 || eq > amp) eq = amp;
                String key = Percent.decode(text.substring(start, eq), true, "body");
                String value = eq == amp ? "" : Percent.decode(text.substring(eq + 1, amp), true, key);
                put(root, key, value);
            }
            start = amp + 1;
        }
        parsed = root;
        return root;
    }

    /**
     * How deep a form key may nest ({@code a[b][c]} is 2): Rack's {@code param_depth_limit} (100, rack/lib/rack/utils.rb),
     * the parser of the Ruby APIs (Stripe, GitHub) that read these keys. Deeper keys are refused before any nesting is
     * built, so a key nested 100,000 deep costs one scan of its text.
     */
    public static final int MAX_FORM_DEPTH = 100;

    /** Puts a value at a bracketed key, scanning the key once (no substrings per level). */
    private static void put(ObjectNode root, String key, String value) {
        int open = key.indexOf('[');
        if (open <= 0) {
            root.put(key, value);
            return;
        }
        int depth = 0;
        for (int i = open; i < key.length(); i++) {
            if (key.charAt(i) == '[' && ++depth > MAX_FORM_DEPTH) {
                throw new BadInput(
                        key.substring(0, open),
                        "form key '" + abbreviate(key) + "' nests more than " + MAX_FORM_DEPTH + " levels deep");
            }
        }
        ObjectNode node = root;
        String head = key.substring(0, open);
        int pos = open;
        while (true) {
            int close = key.indexOf(']', pos);
            if (key.charAt(pos) != '[' || close < 0)
                throw new BadInput(key.substring(0, open), "malformed form key '" + abbreviate(key) + "'");
            String next = key.substring(pos + 1, close);
            pos = close + 1;
            JsonNode child = node.get(head);
            if (!(child instanceof ObjectNode)) {
                child = JsonNodeFactory.instance.objectNode();
                node.set(head, child);
            }
            node = (ObjectNode) child;
            head = next;
            if (pos == key.length()) {
                node.put(head, value);
                return;
            }
        }
    }

    /** A key short enough to quote in an error message. */
    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "… (" + s.length() + " characters)";
    }

    /** JSON or form, whichever the content type says (form when it says nothing and the body looks like one). */
    public ObjectNode fields() {
        if (isForm()) return form();
        if (contentType.isEmpty() && body.length > 0 && body[0] != '{' && body[0] != '[') return form();
        return jsonObject();
    }
}
