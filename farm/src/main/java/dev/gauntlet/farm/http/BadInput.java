package dev.gauntlet.farm.http;

/** The request itself is wrong (malformed body, missing or invalid parameter); answered with the vendor's 400. */
public final class BadInput extends RuntimeException {
    private final String field;

    public BadInput(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The parameter at fault, or null when the whole body is. */
    public String field() {
        return field;
    }
}
