package dev.gauntlet.mesh.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;

/** An event as the store keeps it: its type name and its fields as a JSON object. */
public record StoredEvent(long id, Instant at, String connector, String type, String json) {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** An event's fields as the JSON every store keeps; an event that cannot be written says so instead of failing. */
    public static String json(MeshEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            return "{\"error\":\"not serialisable: " + e.getOriginalMessage().replace('"', '\'') + "\"}";
        }
    }
}
