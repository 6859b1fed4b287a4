package dev.gauntlet.farm.spec;

import java.util.List;

/**
 * How the ledger recognises one logical write: the body fields (dotted paths, first found wins) that carry the
 * caller's operation id. Without one the idempotency key stands in; without both each write is its own operation.
 */
public record LedgerSpec(List<String> opIdFields) {

    public static final LedgerSpec DEFAULT = new LedgerSpec(null);

    public LedgerSpec {
        opIdFields = opIdFields == null || opIdFields.isEmpty() ? List.of("external_id", "op_id") : List.copyOf(opIdFields);
    }

    /** Accepts {@code op_id_field: x} as a one-element list. */
    @com.fasterxml.jackson.annotation.JsonCreator
    public static LedgerSpec of(@com.fasterxml.jackson.annotation.JsonProperty("op_id_field") String field,
                                @com.fasterxml.jackson.annotation.JsonProperty("op_id_fields") List<String> fields) {
        if (field != null && fields != null) {
            throw new IllegalArgumentException("ledger takes op_id_field or op_id_fields, not both");
        }
        return new LedgerSpec(field != null ? List.of(field) : fields);
    }
}
