package dev.gauntlet.mesh.internal.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.gauntlet.mesh.store.StoreException;
import java.util.Map;

/** JSON columns as every store writes and reads them (headers, attempts, schemas): one mapper, errors as {@link StoreException}. */
public final class StoreJson {
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** Request headers as the DLQ and the intents keep them (JSON object). */
    public static final TypeReference<Map<String, String>> HEADERS = new TypeReference<>() {};

    private StoreJson() {}

    public static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new StoreException(
                    "cannot write " + o.getClass().getSimpleName() + " as JSON: " + e.getOriginalMessage(), e);
        }
    }

    public static <T> T parse(String json, TypeReference<T> type) {
        try {
            return JSON.readValue(json, type);
        } catch (JsonProcessingException e) {
            throw new StoreException("stored JSON is unreadable: " + e.getOriginalMessage(), e);
        }
    }

    public static ObjectMapper mapper() {
        return JSON;
    }
}
