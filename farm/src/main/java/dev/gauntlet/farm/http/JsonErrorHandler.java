package dev.gauntlet.farm.http;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests it refuses before any handler sees them (a path whose escapes are not UTF-8, headers or
 * a URI over the limits, a malformed request line) as JSON instead of Jetty's HTML page: the vendor's envelope where
 * the path names a service, else the farm's own {@code {"error","field","message"}}.
 */
public final class JsonErrorHandler extends ErrorHandler {

    /** The answer for a refused request: its status, its raw path (null when unknown) and Jetty's reason. */
    @FunctionalInterface
    public interface Answers {
        Reply answer(int status, String path, String reason);
    }

    private final Answers answers;

    public JsonErrorHandler(Answers answers) {
        this.answers = answers;
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        Reply reply = answer(code, path, message);
        response.setStatus(reply.status());
        reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
        response.getHeaders()
                .put(HttpHeader.CONTENT_TYPE, reply.contentType() == null ? "application/json" : reply.contentType());
        response.getHeaders().put(ERROR_CACHE_CONTROL);
        response.write(true, ByteBuffer.wrap(reply.body()), callback);
    }

    /** Refusals at the parser (no request yet: a bad request line, headers too large): the farm's JSON. */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        Reply reply = answer(status, null, reason);
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(reply.body());
    }

    private Reply answer(int code, String path, String message) {
        try {
            return answers.answer(code, path, message);
        } catch (RuntimeException e) {
            // Whatever the farm's answer cannot be built from, Jetty's status and reason still go out.
            return farmError(code, message);
        }
    }

    /** The farm's own JSON for a status Jetty chose. */
    public static Reply farmError(int status, String message) {
        String reason = message == null || message.isBlank() ? "the request could not be read" : message;
        var body = new LinkedHashMap<String, Object>();
        body.put("error", status == 400 ? "bad_request" : "http_" + status);
        body.put("field", null);
        body.put("message", reason);
        return Reply.json(status, body);
    }
}
