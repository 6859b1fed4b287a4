package dev.gauntlet.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.gauntlet.harness.report.ReportWriter;
import dev.gauntlet.mesh.event.MeshEvent;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The API's JSON: snake_case keys, ISO instants, NaN as null (the report's conventions), and the reply helpers. */
public final class Json {

    /** The mapper every answer is written with. */
    public static final ObjectMapper MAPPER = ReportWriter.JSON
            .copy()
            .disable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .registerModule(new JavaTimeModule());

    private static final ObjectMapper READER = new ObjectMapper();

    private Json() {}

    /**
     * The value as JSON, every configured secret value masked ({@link dev.gauntlet.mesh.call.Secrets#mask}): API answers,
     * recent errors, DLQ entries and the event stream are all written here.
     */
    public static String write(Object value) {
        try {
            return dev.gauntlet.mesh.call.Secrets.mask(MAPPER.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static void reply(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(write(body));
    }

    /** An event as the stream and the API show it: its fields in snake_case plus {@code type}. */
    public static Map<String, Object> event(MeshEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("type", e.type());
        out.putAll(fields(e));
        return out;
    }

    /** A record's or bean's fields as a map, keyed as the API writes them. */
    public static Map<String, Object> fields(Object value) {
        return MAPPER.convertValue(value, MAP);
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<LinkedHashMap<String, Object>> MAP =
            new com.fasterxml.jackson.core.type.TypeReference<>() {};

    /** The request body as a JSON object; 400 naming {@code body} when it is empty, not JSON, or not an object. */
    public static Body body(Context ctx) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) throw ApiError.badRequest("body", "expected a JSON object, the body was empty");
        JsonNode node;
        try {
            node = READER.readTree(bytes);
        } catch (IOException e) {
            throw ApiError.badRequest(
                    "body",
                    "expected a JSON object, the body is not valid JSON: "
                            + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                                    ? j.getOriginalMessage()
                                    : e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw ApiError.badRequest(
                    "body",
                    "expected a JSON object, was "
                            + (node == null
                                    ? "nothing"
                                    : node.getNodeType().name().toLowerCase()));
        }
        return new Body(node);
    }
}
