package dev.gauntlet.mesh.call;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/** Value checks for configs: fail at once, naming the field and the value. */
public final class Checks {
    private Checks() {}

    public static double positive(String field, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(field + " must be > 0, was " + v);
        return v;
    }

    public static long atLeast(String field, long min, long v) {
        if (v < min) throw new IllegalArgumentException(field + " must be ≥ " + min + ", was " + v);
        return v;
    }

    public static double between(String field, double min, double max, double v) {
        if (!(v >= min && v <= max))
            throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + v);
        return v;
    }

    public static Duration positive(String field, Duration d) {
        if (d == null || d.isNegative() || d.isZero())
            throw new IllegalArgumentException(field + " must be > 0, was " + d);
        return d;
    }

    /** An absolute http(s) URL naming a host (a file: or ftp: URL is refused). */
    public static String httpUrl(String field, String v) {
        text(field, v);
        URI u;
        try {
            u = URI.create(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + " must be an http(s) URL, was '" + v + "'");
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
            throw new IllegalArgumentException(field + " must be an http(s) URL with a host, was '" + v + "'");
        }
        return v;
    }

    public static String text(String field, String v) {
        if (v == null || v.isBlank())
            throw new IllegalArgumentException(field + " is required, was " + (v == null ? "missing" : "blank"));
        return v;
    }
}
