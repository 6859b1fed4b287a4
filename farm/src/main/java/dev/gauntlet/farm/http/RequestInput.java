package dev.gauntlet.farm.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.List;
import java.util.Map;

/**
 * The parts of a request the farm reads from Javalin, read so that a malformed request is a {@link BadInput} (the
 * vendor's 400) and never an exception from the server's own parsing: the query decoded strictly ({@link Percent}),
 * the Content-Type read raw (Jetty's own reading throws on an unknown charset), and a body whose transfer breaks off
 * (a malformed chunk, an early end) refused as such.
 */
public final class RequestInput {

    private RequestInput() {}

    /** A request as the farm's handlers see it; {@code path} is the path below the service root (or the full path). */
    public static FarmRequest of(Context ctx, String method, String path, byte[] body) {
        return new FarmRequest(method, path, query(ctx), ctx::header, body, contentType(ctx));
    }

    /** The query string decoded strictly. */
    public static Map<String, List<String>> query(Context ctx) {
        return Percent.query(ctx.queryString());
    }

    /**
     * The Content-Type header as sent (null when absent). A charset the JVM does not know ({@code charset=ebcdic}) is
     * refused: the body could not be read as the client meant it.
     */
    public static String contentType(Context ctx) {
        String ct = ctx.header("Content-Type");
        if (ct == null) return null;
        String charset = parameter(ct, "charset");
        if (charset != null && !supported(charset)) {
            throw new BadInput(
                    "Content-Type",
                    "unsupported charset '" + charset + "' in Content-Type '" + ct
                            + "'; send the body as UTF-8 (charset=utf-8)");
        }
        return ct;
    }

    private static boolean supported(String charset) {
        try {
            return Charset.isSupported(charset);
        } catch (IllegalCharsetNameException e) {
            return false;
        }
    }

    /** A parameter of a media type ({@code text/plain; charset="utf-8"} → utf-8), unquoted; null when absent. */
    static String parameter(String mediaType, String name) {
        for (String part : mediaType.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0 || !part.substring(0, eq).trim().equalsIgnoreCase(name)) continue;
            String v = part.substring(eq + 1).trim();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            return v;
        }
        return null;
    }

    /**
     * The whole body. A transfer that breaks off (a malformed chunk size, the connection ending before the declared
     * length) is a BadInput; the server's own size limit (its 413) is left to the server.
     */
    public static byte[] body(Context ctx) {
        try {
            return ctx.bodyAsBytes();
        } catch (HttpResponseException e) {
            // Javalin's own cap (the server's maxRequestSize) on a body whose length was not announced (chunked).
            if (e.getStatus() == 413) {
                dev.gauntlet.http.UnreadBody.drain(ctx.req(), DRAIN_LIMIT);
                throw new TooLarge(e.getMessage());
            }
            throw e;
        } catch (Exception e) {
            // Jetty's EofException and other IOExceptions arrive undeclared (Javalin is Kotlin).
            throw unreadable(e);
        }
    }

    /**
     * Bodies up to this size are read and dropped before a 413 (declared too long, or found over the cap while read):
     * answering while unread bytes wait makes the close a TCP reset, which can destroy the 413 before the client reads
     * it. Longer ones get the answer and a closed connection.
     */
    public static final long DRAIN_LIMIT = 16L * 1024 * 1024;

    /** A body over the server's own size limit, found while reading it (a chunked body announces no length). */
    public static final class TooLarge extends RuntimeException {
        TooLarge(String message) {
            super(message);
        }
    }

    private static BadInput unreadable(Exception e) {
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new BadInput(
                null,
                "request body could not be read: " + why
                        + " (a malformed chunked encoding, or fewer bytes than Content-Length)");
    }
}
