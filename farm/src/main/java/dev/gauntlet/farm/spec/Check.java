package dev.gauntlet.farm.spec;

import java.util.Collection;

/** Argument checks that fail at once with the field name and the offending value in the message. */
public final class Check {
    private Check() {}

    public static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " is required, was " + (value == null ? "missing" : "blank"));
        }
        return value;
    }

    public static double positive(String field, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(field + " must be > 0, was " + value);
        }
        return value;
    }

    public static long atLeast(String field, long min, long value) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be ≥ " + min + ", was " + value);
        }
        return value;
    }

    public static double share(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be between 0 and 1, was " + value);
        }
        return value;
    }

    public static <T extends Collection<?>> T notEmpty(String field, T value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(field + " must list at least one entry, was empty");
        }
        return value;
    }

    public static String path(String field, String value) {
        text(field, value);
        if (!value.startsWith("/")) {
            throw new IllegalArgumentException(field + " must start with '/', was '" + value + "'");
        }
        if (value.length() > 1 && value.endsWith("/")) {
            throw new IllegalArgumentException(field + " must not end with '/', was '" + value + "'");
        }
        return value;
    }
}
