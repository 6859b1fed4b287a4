package dev.gauntlet.mesh.call;

/** How a write can be sent again after an ambiguous failure without being carried out twice, decided by its vendor. */
public enum WriteForm {
    /** The upstream honours an idempotency key (Stripe): every attempt and replay carries the same key. */
    KEYED,
    /**
     * Idempotent by its nature: an upsert by external id or unique column, a PUT, a DELETE, a PATCH that sets values.
     * Sending it again leaves the upstream as one send would.
     */
    NATURAL,
    /**
     * A plain create the upstream would carry out twice: after an ambiguous failure it is read back before anything is
     * sent again, or parked as unknown outcome when it cannot be read back.
     */
    PLAIN
}
