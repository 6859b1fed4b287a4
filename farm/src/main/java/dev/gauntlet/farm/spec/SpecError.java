package dev.gauntlet.farm.spec;

/**
 * Why a service file could not be loaded, pointing at the spot: file, line, field and what was expected.
 *
 * @param line  1-based line, 0 when unknown
 * @param field dotted path of the offending field, e.g. {@code resources[0].count}, empty when unknown
 */
public record SpecError(String file, int line, String field, String message) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + (field.isEmpty() ? "" : " (" + field + ")") + ": " + message;
    }
}
