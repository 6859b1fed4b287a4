package dev.gauntlet.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.harness.scenario.ScenarioLoader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** A JSON request object with typed getters that refuse a wrong field with a 400 naming it and what was expected. */
public record Body(JsonNode node) {

    /** Refuses fields other than {@code allowed} (a typo should not be silently ignored). */
    public Body only(String... allowed) {
        List<String> ok = List.of(allowed);
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!ok.contains(f)) throw ApiError.badRequest(f, "unknown field '" + f + "', expected one of " + ok);
        }
        return this;
    }

    public boolean has(String field) {
        return node.hasNonNull(field);
    }

    public String text(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) throw ApiError.badRequest(field, field + " is required (text)");
        if (!v.isTextual() || v.asText().isBlank())
            throw ApiError.badRequest(field, field + " must be non-empty text, was " + v);
        return v.asText();
    }

    public String text(String field, String fallback) {
        return has(field) ? text(field) : fallback;
    }

    /** A name: letters, digits, '_', '-' and '.' only (no paths). */
    public String name(String field) {
        String v = text(field);
        if (!v.matches("[A-Za-z0-9_.:-]{1,100}") || v.contains("..")) {
            throw ApiError.badRequest(field, field + " must be a name of letters, digits, '_' or '-', was '" + v + "'");
        }
        return v;
    }

    public double number(String field, double fallback, double min, double max) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isNumber()) throw ApiError.badRequest(field, field + " must be a number, was " + v);
        double d = v.asDouble();
        if (!(d >= min && d <= max))
            throw ApiError.badRequest(field, field + " must be between " + min + " and " + max + ", was " + v);
        return d;
    }

    public Long integer(String field) {
        if (!has(field)) return null;
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong())
            throw ApiError.badRequest(field, field + " must be a whole number, was " + v);
        return v.asLong();
    }

    public Boolean bool(String field) {
        if (!has(field)) return null;
        JsonNode v = node.get(field);
        if (!v.isBoolean()) throw ApiError.badRequest(field, field + " must be true or false, was " + v);
        return v.asBoolean();
    }

    /** A positive duration like 30s, 2m or 500ms (or a number of seconds), at most {@code max}. */
    public Duration duration(String field, Duration fallback, Duration max) {
        if (!has(field)) return fallback;
        JsonNode v = node.get(field);
        if (!v.isTextual() && !v.isNumber())
            throw ApiError.badRequest(field, field + " must be a duration like 30s, 2m or 500ms, was " + v);
        Duration d;
        try {
            d = ScenarioLoader.duration(v, field);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ApiError.badRequest(field, field + " must be a duration like 30s, 2m or 500ms, was " + v);
        }
        if (d.isNegative() || d.isZero() || d.compareTo(max) > 0) {
            throw ApiError.badRequest(field, field + " must be > 0 and at most " + max.toSeconds() + "s, was " + v);
        }
        return d;
    }

    /** A list of names; empty when absent. */
    public List<String> names(String field) {
        if (!has(field)) return List.of();
        JsonNode v = node.get(field);
        if (!v.isArray())
            throw ApiError.badRequest(
                    field,
                    field + " must be a list of names, was "
                            + v.getNodeType().name().toLowerCase());
        var out = new ArrayList<String>();
        for (JsonNode x : v) {
            if (!x.isTextual() || x.asText().isBlank())
                throw ApiError.badRequest(field, field + " must be a list of names, had " + x);
            out.add(x.asText());
        }
        return out;
    }
}
