package dev.gauntlet.mesh.classify;

import dev.gauntlet.mesh.call.ErrorClass;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;

/**
 * One classification rule as data: an answer whose status is in {@code [minStatus, maxStatus]}, which carries
 * {@code header} (with {@code headerValue}, when given) and whose body contains {@code bodyContains} (when given,
 * case-insensitive) gets {@code errorClass}. Rules are tried in order; the first match wins.
 *
 * @param name         short reason, shown in the attempt's message (e.g. "salesforce REQUEST_LIMIT_EXCEEDED")
 * @param header       a response header that must be present, or null
 * @param headerValue  the value that header must have (trimmed, case-insensitive), or null for any value
 * @param bodyContains text the body must contain (case-insensitive; only the first 8 KB are read), or null
 */
public record Rule(
        String name,
        int minStatus,
        int maxStatus,
        String header,
        String headerValue,
        String bodyContains,
        ErrorClass errorClass) {

    public Rule {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(errorClass, "errorClass");
        if (minStatus < 100 || maxStatus > 599 || minStatus > maxStatus) {
            throw new IllegalArgumentException(
                    "rule '" + name + "': status range must be within 100..599, was " + minStatus + ".." + maxStatus);
        }
        // A rule may never turn a success into a failure: classification of < 400 is fixed (success).
        if (minStatus < 400)
            throw new IllegalArgumentException(
                    "rule '" + name + "': rules classify failures (status ≥ 400), was " + minStatus);
        if (headerValue != null && header == null)
            throw new IllegalArgumentException("rule '" + name + "': header_value needs a header");
        bodyContains = bodyContains == null ? null : bodyContains.toLowerCase(Locale.ROOT);
    }

    /** Every answer with this status gets the class (refine with {@link #whenHeader} / {@link #whenBody}). */
    public static Rule status(String name, int status, ErrorClass errorClass) {
        return new Rule(name, status, status, null, null, null, errorClass);
    }

    public static Rule statuses(String name, int minStatus, int maxStatus, ErrorClass errorClass) {
        return new Rule(name, minStatus, maxStatus, null, null, null, errorClass);
    }

    /** Only when the header is present with this value (null: any value). */
    public Rule whenHeader(String headerName, String value) {
        return new Rule(name, minStatus, maxStatus, headerName, value, bodyContains, errorClass);
    }

    /** Only when the body contains this text (case-insensitive). */
    public Rule whenBody(String text) {
        return new Rule(name, minStatus, maxStatus, header, headerValue, text, errorClass);
    }

    boolean needsBody() {
        return bodyContains != null;
    }

    boolean matches(int status, Function<String, String> headers, String lowerBody) {
        if (status < minStatus || status > maxStatus) return false;
        if (header != null) {
            String v = headers.apply(header);
            if (v == null) return false;
            if (headerValue != null && !v.trim().equalsIgnoreCase(headerValue)) return false;
        }
        return bodyContains == null || lowerBody.contains(bodyContains);
    }
}
