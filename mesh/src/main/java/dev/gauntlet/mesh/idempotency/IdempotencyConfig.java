package dev.gauntlet.mesh.idempotency;

import dev.gauntlet.mesh.call.Checks;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.vendor.Vendor;
import java.util.List;

/**
 * How writes are made exactly once upstream, and which calls are writes at all. A connector's defaults come from its
 * vendor ({@link #forVendor}): keys only where the vendor honours them.
 *
 * @param header    the header keys go in ("Idempotency-Key" for Stripe)
 * @param enabled   whether writes carry a key: only where the upstream honours one (a key it ignores would let a
 *                  retried write happen twice). Without keys, writes are protected by the vendor's idempotent forms
 *                  and by reading a write back before sending it again
 * @param readPaths path endings of calls that are reads although their method is not GET (MongoDB's Data API finds
 *                  with {@code POST …/action/find}): they get no key, no intent, and are retried and never parked as reads are
 * @param opIdField where a write carries the caller's op id for a read-back (Salesforce's External_Id__c, a unique
 *                  column); null: the vendor's default
 */
public record IdempotencyConfig(String header, boolean enabled, List<String> readPaths, String opIdField) {
    public IdempotencyConfig {
        Checks.text("idempotency.header", header);
        if (opIdField != null && opIdField.isBlank())
            throw new IllegalArgumentException("idempotency.op_id_field must not be blank");
        readPaths = readPaths == null ? List.of() : List.copyOf(readPaths);
        for (String p : readPaths) {
            if (p == null || !p.startsWith("/"))
                throw new IllegalArgumentException(
                        "idempotency.read_paths entries must start with '/', was '" + p + "'");
        }
    }

    /** A generic REST upstream's defaults (keys in Idempotency-Key, no read paths): {@link Builder}'s. */
    public static final IdempotencyConfig DEFAULT = builder().build();

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this config's values, to change a few. */
    public Builder toBuilder() {
        return builder().header(header).enabled(enabled).readPaths(readPaths).opIdField(opIdField);
    }

    /** Named settings over the defaults; {@link #build()} refuses bad values, naming the field and the value. */
    public static final class Builder {
        private String header = "Idempotency-Key";
        private boolean enabled = true;
        private List<String> readPaths = List.of();
        private String opIdField;

        private Builder() {}

        public Builder header(String v) {
            this.header = v;
            return this;
        }

        public Builder enabled(boolean v) {
            this.enabled = v;
            return this;
        }

        public Builder readPaths(List<String> v) {
            this.readPaths = v;
            return this;
        }
        /** null: the vendor's default. */
        public Builder opIdField(String v) {
            this.opIdField = v;
            return this;
        }

        public IdempotencyConfig build() {
            return new IdempotencyConfig(header, enabled, readPaths, opIdField);
        }
    }

    /** A vendor's defaults: its key header when it has one (keys on), its read paths. */
    public static IdempotencyConfig forVendor(Vendor vendor) {
        String h = vendor.idempotencyHeader();
        Builder b = builder().enabled(h != null).readPaths(vendor.readPaths());
        return (h == null ? b : b.header(h)).build();
    }

    /** Whether the call changes state upstream: not GET, HEAD or OPTIONS, and not one of the {@link #readPaths}. */
    public boolean isWrite(MeshRequest request) {
        return isWrite(request.method(), request.path());
    }

    /** The same rule for a call described by its method and path alone (a client that builds no {@link MeshRequest}). */
    public boolean isWrite(String method, String path) {
        return MeshRequest.isWriteMethod(method) && !isReadPath(path);
    }

    /** Whether the path (query aside) ends with one of the {@link #readPaths}. */
    private boolean isReadPath(String path) {
        if (readPaths.isEmpty()) return false;
        int q = path.indexOf('?');
        int end = q < 0 ? path.length() : q;
        for (String read : readPaths) {
            if (end >= read.length() && path.startsWith(read, end - read.length())) return true;
        }
        return false;
    }
}
