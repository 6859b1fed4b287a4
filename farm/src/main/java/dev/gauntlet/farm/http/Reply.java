package dev.gauntlet.farm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An answer as a value: status, headers and body bytes. Flavours build them; the pipeline decides how they go out. */
public record Reply(int status, Map<String, String> headers, byte[] body, String contentType) {

    public static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] EMPTY = new byte[0];

    public Reply {
        headers = headers == null ? new LinkedHashMap<>() : headers;
        body = body == null ? EMPTY : body;
    }

    public static Reply json(int status, Object body) {
        try {
            return new Reply(status, new LinkedHashMap<>(), JSON.writeValueAsBytes(body), "application/json");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise reply body", e);
        }
    }

    public static Reply text(int status, String body) {
        return new Reply(status, new LinkedHashMap<>(), body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
    }

    public static Reply empty(int status) {
        return new Reply(status, new LinkedHashMap<>(), EMPTY, null);
    }

    /** Adds or replaces a header; returns this reply for chaining (headers are the one mutable part). */
    public Reply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public Reply header(String name, long value) {
        return header(name, Long.toString(value));
    }

    /** A copy with its own header map, for replaying a stored answer with extra headers. */
    public Reply copy() {
        return new Reply(status, new LinkedHashMap<>(headers), body, contentType);
    }

    /** Writes this answer to a Javalin request. */
    public void writeTo(io.javalin.http.Context ctx) {
        ctx.status(status);
        headers.forEach(ctx::header);
        if (contentType != null) ctx.contentType(contentType);
        ctx.result(body);
    }

    public JsonNode bodyJson() {
        try {
            return JSON.readTree(body);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("reply body is not JSON", e);
        }
    }
}
