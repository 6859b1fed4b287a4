package dev.gauntlet.mesh.internal.vendor;

import static dev.gauntlet.mesh.call.ErrorClass.invalid_creds;

import dev.gauntlet.mesh.call.MeshRequest;
import dev.gauntlet.mesh.call.WriteForm;
import dev.gauntlet.mesh.classify.CommonRules;
import dev.gauntlet.mesh.classify.Rule;
import dev.gauntlet.mesh.classify.WaitHeader;
import dev.gauntlet.mesh.vendor.Vendor;
import java.util.List;

/**
 * A generic REST API of the user's own (and the farm's rest flavour). Whether it honours idempotency keys is the
 * connector's to say ({@code idempotency.enabled}, on by default): POST and PATCH are keyed when it does and plain
 * when it does not; PUT and DELETE are idempotent by HTTP's definition (RFC 9110 §9.2.2).
 */
public final class RestVendor implements Vendor {

    @Override
    public String name() {
        return "rest";
    }

    /** The generic REST flavour's codes: invalid_credentials is a refused key. */
    @Override
    public List<Rule> rules() {
        return List.of(
                Rule.status("rest invalid_credentials", 401, invalid_creds).whenBody("invalid_credentials"));
    }

    /** The IETF-draft style headers carry the reset as an epoch second. */
    @Override
    public List<WaitHeader> waitHeaders() {
        return List.of(
                CommonRules.RETRY_AFTER, new WaitHeader("X-RateLimit-Reset", WaitHeader.Format.EPOCH_SECONDS, true));
    }

    @Override
    public String idempotencyHeader() {
        return "Idempotency-Key";
    }

    @Override
    public WriteForm writeForm(MeshRequest write, boolean keyed) {
        return switch (write.method()) {
            case "PUT", "DELETE" -> WriteForm.NATURAL;
            default -> keyed ? WriteForm.KEYED : WriteForm.PLAIN;
        };
    }
}
