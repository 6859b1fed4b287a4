package dev.gauntlet.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON Schemas (OpenAPI 3.1's dialect) of the answers, generated from the Java types they are written from, through the
 * answering server's own mapper's introspection (the AAM's and the farm's): the property names, their order and the
 * date forms are those that mapper writes, so the document cannot say one thing while the server sends another. Records and beans become named
 * components ({@code #/components/schemas/Name}); a property of an open type (Object, a JSON tree) is any value; a
 * property annotated {@code @JsonInclude(NON_NULL)} (or NON_EMPTY …) is not required.
 */
public final class JsonSchemas {

    private final ObjectMapper mapper;
    /** The named schemas made so far, by simple class name (a type reached twice is described once). */
    private final Map<String, Map<String, Object>> components = new LinkedHashMap<>();

    /** Schemas as {@code mapper} writes the values. */
    public JsonSchemas(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The schema of a value of this type: a {@code $ref} for records and beans, inline for the rest. */
    public Map<String, Object> of(Type type) {
        return of(mapper.constructType(type));
    }

    /** Every named schema made so far. */
    public Map<String, Map<String, Object>> components() {
        return components;
    }

    private Map<String, Object> of(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw == String.class || raw == char.class || raw == Character.class) return Map.of("type", "string");
        if (raw == boolean.class || raw == Boolean.class) return Map.of("type", "boolean");
        if (raw == int.class
                || raw == long.class
                || raw == short.class
                || raw == Integer.class
                || raw == Long.class
                || raw == Short.class) {
            return Map.of("type", "integer");
        }
        if (raw == double.class || raw == float.class || Number.class.isAssignableFrom(raw))
            return Map.of("type", "number");
        if (raw == Instant.class || Temporal.class.isAssignableFrom(raw))
            return Map.of("type", "string", "format", "date-time");
        // Written as ISO-8601 durations (the mapper's WRITE_DURATIONS_AS_TIMESTAMPS is off).
        if (raw == Duration.class) return Map.of("type", "string", "format", "duration");
        if (raw.isEnum())
            return Map.of(
                    "type",
                    "string",
                    "enum",
                    Arrays.stream(raw.getEnumConstants())
                            .map(e -> ((Enum<?>) e).name())
                            .toList());
        if (t.isArrayType() || t.isCollectionLikeType())
            return Map.of("type", "array", "items", of(t.getContentType()));
        if (t.isMapLikeType()) return Map.of("type", "object", "additionalProperties", of(t.getContentType()));
        if (t.isReferenceType()) return of(t.getReferencedType()); // Optional<T>: absent is null
        if (raw == Object.class || JsonNode.class.isAssignableFrom(raw) || raw.isInterface()) return Map.of();
        return ref(t);
    }

    private Map<String, Object> ref(JavaType t) {
        String name = t.getRawClass().getSimpleName();
        if (!components.containsKey(name)) {
            components.put(name, Map.of()); // a placeholder while its properties are described (a type may hold itself)
            Map<String, Object> properties = new LinkedHashMap<>();
            List<String> required = new ArrayList<>();
            properties(t, properties, required, false);
            Map<String, Object> schema = new LinkedHashMap<>();
            schema.put("type", "object");
            schema.put("properties", properties);
            schema.put("required", required);
            components.put(name, schema);
        }
        return Map.of("$ref", "#/components/schemas/" + name);
    }

    /**
     * The properties the mapper writes for a type, a {@code @JsonUnwrapped} one's flattened into it.
     *
     * @param optional whether the type's properties may all be absent (an unwrapped value left out when null)
     */
    private void properties(JavaType t, Map<String, Object> properties, List<String> required, boolean optional) {
        for (BeanPropertyDefinition p :
                mapper.getSerializationConfig().introspect(t).findProperties()) {
            if (!p.couldSerialize()) continue;
            JavaType type = p.getPrimaryType();
            boolean leftOut = leftOutWhenEmpty(p);
            if (p.getPrimaryMember() != null && p.getPrimaryMember().hasAnnotation(JsonUnwrapped.class)) {
                properties(type, properties, required, optional || leftOut);
                continue;
            }
            // Every property is written, null too (the mapper drops none) unless it says it is left out when null or
            // empty (then it is optional, never null); only an int, long or boolean is never null (a double nobody
            // measured, NaN, is written as null).
            boolean nullable = !leftOut
                    && (!type.isPrimitive() || type.getRawClass() == double.class || type.getRawClass() == float.class);
            properties.put(p.getName(), nullable ? nullable(of(type)) : of(type));
            if (!optional && !leftOut) required.add(p.getName());
        }
    }

    /** Whether the property is annotated to be left out when null (or empty, or its default). */
    private static boolean leftOutWhenEmpty(BeanPropertyDefinition p) {
        JsonInclude.Include include = p.findInclusion().getValueInclusion();
        return include == JsonInclude.Include.NON_NULL
                || include == JsonInclude.Include.NON_ABSENT
                || include == JsonInclude.Include.NON_EMPTY
                || include == JsonInclude.Include.NON_DEFAULT;
    }

    private static Map<String, Object> nullable(Map<String, Object> schema) {
        if (schema.isEmpty()) return schema;
        if (schema.containsKey("$ref")) return Map.of("anyOf", List.of(schema, Map.of("type", "null")));
        Map<String, Object> out = new LinkedHashMap<>(schema);
        out.put("type", List.of(schema.get("type"), "null"));
        if (schema.get("enum") instanceof List<?> names) {
            List<Object> orNull = new ArrayList<>(names);
            orNull.add(null);
            out.put("enum", orNull);
        }
        return out;
    }
}
