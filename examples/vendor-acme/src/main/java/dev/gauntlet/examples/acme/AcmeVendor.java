package dev.gauntlet.examples.acme;

import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.CommonRules;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.classify.WaitHeader;
import dev.gauntlet.mesh.vendor.BodyEncoding;
import dev.gauntlet.mesh.vendor.Vendor;
import java.util.List;

/**
 * Acme's API as the mesh should treat it, found through {@link java.util.ServiceLoader} from this jar's
 * {@code META-INF/services/dev.gauntlet.mesh.vendor.Vendor}; connectors name it with {@code flavor: acme}.
 * Acme (an imagined vendor) reads from lagging replicas, takes form bodies, and keeps writes exactly once under
 * its own {@code X-Acme-Request-Id} header.
 */
public final class AcmeVendor implements Vendor {

    /** The header Acme takes idempotency keys in. */
    public static final String REQUEST_ID = "X-Acme-Request-Id";

    @Override
    public String name() {
        return "acme";
    }

    /**
     * A record created a moment ago may not be on the replica that answers the read yet: Acme's 404 is worth a retry
     * (a server error), where any other vendor's 404 is the caller's mistake.
     */
    @Override
    public List<Rule> rules() {
        return List.of(Rule.status("acme replica lag", 404, ErrorClass.server_error));
    }

    /** Retry-After first; Acme's bucket also says when it is full again, as an epoch second. */
    @Override
    public List<WaitHeader> waitHeaders() {
        return List.of(
                CommonRules.RETRY_AFTER, new WaitHeader("X-RateLimit-Reset", WaitHeader.Format.EPOCH_SECONDS, true));
    }

    @Override
    public BodyEncoding bodyEncoding() {
        return BodyEncoding.FORM;
    }

    @Override
    public String idempotencyHeader() {
        return REQUEST_ID;
    }

    /** Creates are keyed (Acme honours {@link #REQUEST_ID}); PUT and DELETE are idempotent by HTTP's definition. */
    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        return switch (write.method()) {
            case "PUT", "DELETE" -> WriteForm.NATURAL;
            default -> keyed ? WriteForm.KEYED : WriteForm.PLAIN;
        };
    }
}
