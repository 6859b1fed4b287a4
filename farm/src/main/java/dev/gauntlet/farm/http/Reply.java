package dev.gauntlet.farm.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** An answer as a value: status, headers and body bytes. Flavours build them; the pipeline decides how they go out. */
public record Reply(int status, Map<String, String> headers, byte[] body, String contentType) {

    /** How deep a request's JSON may nest (Jackson's own default since 2.15, set here so it is a decision, not a default). */
    public static final int MAX_JSON_DEPTH = 1000;
    /**
     * The longest string a request's JSON may hold, in characters: 16 Mi, MongoDB's limit for a whole document (16 MB,
     * the largest body any vendor here takes), below Jackson's default of 20 M.
     */
    public static final int MAX_JSON_STRING = 16 * 1024 * 1024;
    /** The longest number, in digits (Jackson's default): longer ones cost quadratic time to convert. */
    public static final int MAX_JSON_NUMBER = 1000;
    /** The longest field name (Jackson's default). */
    public static final int MAX_JSON_NAME = 50_000;

    /**
     * One mapper for every body, read and written. Requests run on fresh virtual threads, so Jackson's default
     * per-thread buffer recycling never reuses anything; a shared concurrent pool does (measured: ~38 % of the farm's
     * allocation). Reading stops at the limits above (a {@code StreamConstraintsException}, a 400 in the vendor's
     * envelope); writing may nest deeper than reading, so a stored document at the read limit still fits inside the
     * envelope (list, wrapper) its answer puts around it.
     */
    public static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
            .recyclerPool(com.fasterxml.jackson.core.util.JsonRecyclerPools.newConcurrentDequePool())
            .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH)
                    .maxStringLength(MAX_JSON_STRING)
                    .maxNumberLength(MAX_JSON_NUMBER)
                    .maxNameLength(MAX_JSON_NAME)
                    .build())
            .streamWriteConstraints(com.fasterxml.jackson.core.StreamWriteConstraints.builder()
                    .maxNestingDepth(MAX_JSON_DEPTH + 100)
                    .build())
            .build());

    private static final int GZIP_MIN_BYTES = 1500;
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
        return new Reply(
                status, new LinkedHashMap<>(), body.getBytes(StandardCharsets.UTF_8), "text/plain; charset=utf-8");
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

    /**
     * Writes this answer straight to the servlet response with its Content-Length (Javalin's result path copies
     * through a fresh 8 KB buffer per answer); bodies above 1,500 bytes are gzipped when the client accepts it.
     */
    public void writeTo(io.javalin.http.Context ctx) {
        jakarta.servlet.http.HttpServletResponse res = ctx.res();
        res.setStatus(status);
        headers.forEach(res::setHeader);
        if (contentType != null) res.setContentType(contentType);
        byte[] out = body;
        String accept = ctx.header("Accept-Encoding");
        if (out.length >= GZIP_MIN_BYTES
                && accept != null
                && accept.contains("gzip")
                && !headers.containsKey("Content-Encoding")) {
            out = gzip(out);
            res.setHeader("Content-Encoding", "gzip");
            res.addHeader("Vary", "Accept-Encoding");
        }
        res.setContentLength(out.length);
        if (out.length == 0 || ctx.method() == io.javalin.http.HandlerType.HEAD) return;
        try {
            res.getOutputStream().write(out);
        } catch (IOException e) {
            // The client went away; there is nobody left to answer.
        }
    }

    private static byte[] gzip(byte[] data) {
        var buf = new ByteArrayOutputStream(data.length / 4 + 64);
        try (var gz = new GZIPOutputStream(buf)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory cannot fail", e);
        }
        return buf.toByteArray();
    }

    public JsonNode bodyJson() {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalStateException("reply body is not JSON", e);
        }
    }
}
