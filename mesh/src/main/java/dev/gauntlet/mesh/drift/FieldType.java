package dev.gauntlet.mesh.drift;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/** The JSON type of a field's value, as schema learning compares them (integers and decimals are both numbers). */
public enum FieldType {
    string,
    number,
    bool,
    object,
    array,
    nul;

    /** The type of a value token (the token that starts it, for objects and arrays). */
    public static FieldType of(JsonToken t) {
        return switch (t) {
            case VALUE_STRING -> string;
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number;
            case VALUE_TRUE, VALUE_FALSE -> bool;
            case START_OBJECT -> object;
            case START_ARRAY -> array;
            default -> nul;
        };
    }

    public static FieldType of(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) return nul;
        if (n.isTextual()) return string;
        if (n.isNumber()) return number;
        if (n.isBoolean()) return bool;
        if (n.isObject()) return object;
        if (n.isArray()) return array;
        return string;
    }

    /** Parses the stored name; unknown names read as {@link #nul} (compatible with anything). */
    public static FieldType parse(String name) {
        for (FieldType t : values()) if (t.name().equals(name)) return t;
        return nul;
    }
}
