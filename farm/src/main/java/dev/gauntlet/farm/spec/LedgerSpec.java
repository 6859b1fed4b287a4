package dev.gauntlet.farm.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * How the ledger recognises one logical write: the body fields (dotted paths, first found wins) that carry the
 * caller's operation id, then the patterns that find it inside a text field (a marker an integration writes into an
 * issue body, say). Without either the idempotency key stands in; without both each write is its own operation.
 * When neither list is given, {@code external_id} and {@code op_id} are the fields.
 */
public record LedgerSpec(List<String> opIdFields, List<OpIdPattern> opIdPatterns) {

    public static final LedgerSpec DEFAULT = new LedgerSpec(null, null);

    public LedgerSpec {
        opIdPatterns = opIdPatterns == null ? List.of() : List.copyOf(opIdPatterns);
        // Patterns alone mean the vendor stores no id field of its own (GitHub issues): no default fields then.
        opIdFields = opIdFields == null || opIdFields.isEmpty()
                ? (opIdPatterns.isEmpty() ? List.of("external_id", "op_id") : List.of())
                : List.copyOf(opIdFields);
    }

    /** Accepts {@code op_id_field: x} as a one-element list. */
    @JsonCreator
    public static LedgerSpec of(
            @JsonProperty("op_id_field") String field,
            @JsonProperty("op_id_fields") List<String> fields,
            @JsonProperty("op_id_patterns") List<OpIdPattern> patterns) {
        if (field != null && fields != null) {
            throw new IllegalArgumentException("ledger takes op_id_field or op_id_fields, not both");
        }
        return new LedgerSpec(field != null ? List.of(field) : fields, patterns);
    }

    /**
     * An operation id inside a text field: the first match of {@code regex} in the field's text, its one capture group
     * being the id (e.g. {@code field: body, regex: '<!-- op_id: (\S+) -->'}).
     *
     * @param field dotted path of a text field in the request body
     * @param regex a Java regular expression with exactly one capture group
     */
    public record OpIdPattern(String field, Pattern regex) {

        public OpIdPattern {
            Check.text("ledger.op_id_patterns[].field", field);
            if (regex == null)
                throw new IllegalArgumentException("ledger.op_id_patterns[].regex is required, was missing");
            int groups = regex.matcher("").groupCount();
            if (groups != 1) {
                throw new IllegalArgumentException(
                        "ledger.op_id_patterns[].regex must have exactly one capture group (the op id), has " + groups
                                + ": '" + regex.pattern() + "'");
            }
        }

        @JsonCreator
        public static OpIdPattern of(@JsonProperty("field") String field, @JsonProperty("regex") String regex) {
            Check.text("ledger.op_id_patterns[].regex", regex);
            try {
                return new OpIdPattern(field, Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("ledger.op_id_patterns[].regex does not compile: "
                        + e.getDescription() + " near index " + e.getIndex() + " of '" + regex + "'");
            }
        }
    }
}
