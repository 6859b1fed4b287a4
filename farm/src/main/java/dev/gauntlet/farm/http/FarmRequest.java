package dev.gauntlet.farm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
    private java.util.function.Supplier<String> serviceUrl = () -> "";
    private JsonNode parsed;

    public FarmRequest(String method, String path, Map<String, List<String>> query, Function<String, String> headers,
                       byte[] body, String contentType) {
        this.method = method;
        this.path = path;
        this.query = query;
        this.headers = headers;
        this.body = body == null ? new byte[0] : body;
        this.contentType = contentType == null ? "" : contentType.toLowerCase();
    }

    public String method() { return method; }
    public String path() { return path; }
    public byte[] body() { return body; }
    public String contentType() { return contentType; }
    public Map<String, List<String>> queryMap() { return query; }

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
            if (n < min || n > max) throw new BadInput(name, name + " must be between " + min + " and " + max + ", was " + n);
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
    public void serviceUrl(java.util.function.Supplier<String> url) {
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

    /** The body as JSON; an empty body is an empty object. */
    public JsonNode json() {
        if (parsed != null) return parsed;
        if (body.length == 0) return parsed = JsonNodeFactory.instance.objectNode();
        try {
            parsed = Reply.JSON.readTree(body);
            if (parsed == null) parsed = JsonNodeFactory.instance.objectNode();
            return parsed;
        } catch (JsonProcessingException e) {
            throw new BadInput(null, "request body is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
        } catch (java.io.IOException e) {
            throw new BadInput(null, "request body cannot be read: " + e.getMessage());
        }
    }

    /** The body as JSON that must be an object. */
    public ObjectNode jsonObject() {
        JsonNode node = json();
        if (!node.isObject()) throw new BadInput(null, "request body must be a JSON object, was " + node.getNodeType().name().toLowerCase());
        return (ObjectNode) node;
    }

    /**
     * The body as a form, with Stripe's bracket notation turned into nesting:
     * {@code metadata[op_id]=x&items[0][price]=p} becomes {@code {"metadata":{"op_id":"x"},"items":{"0":{"price":"p"}}}}.
     */
    public ObjectNode form() {
        if (parsed instanceof ObjectNode o) return o;
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.isBlank()) {
            for (String pair : text.split("&")) {
                if (pair.isEmpty()) continue;
                int eq = pair.indexOf('=');
                String key;
                String value;
                try {
                    key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                    value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new BadInput(null, "request body is not valid form encoding near '" + pair + "': " + e.getMessage());
                }
                put(root, key, value);
            }
        }
        parsed = root;
        return root;
    }

    /** JSON or form, whichever the content type says (form when it says nothing and the body looks like one). */
    public ObjectNode fields() {
        if (isForm()) return form();
        if (contentType.isEmpty() && body.length > 0 && body[0] != '{' && body[0] != '[') return form();
        return jsonObject();
    }

    private static void put(ObjectNode root, String key, String value) {
        int open = key.indexOf('[');
        if (open <= 0) {
            root.put(key, value);
            return;
        }
        ObjectNode node = root;
        String head = key.substring(0, open);
        String rest = key.substring(open);
        while (true) {
            int close = rest.indexOf(']');
            if (!rest.startsWith("[") || close < 0) throw new BadInput(key, "malformed form key '" + key + "'");
            String next = rest.substring(1, close);
            rest = rest.substring(close + 1);
            JsonNode child = node.get(head);
            if (!(child instanceof ObjectNode)) {
                child = JsonNodeFactory.instance.objectNode();
                node.set(head, child);
            }
            node = (ObjectNode) child;
            head = next;
            if (rest.isEmpty()) {
                node.put(head, value);
                return;
            }
        }
    }
}
