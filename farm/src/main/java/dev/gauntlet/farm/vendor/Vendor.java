package dev.gauntlet.farm.vendor;

import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
import java.util.LinkedHashMap;

/**
 * A vendor's behaviour: where its clients put credentials, its routes and body encodings, its success shapes, error
 * envelopes and rate-limit headers. The pipeline (auth, chaos, limits, idempotency, ledger) is shared; a vendor only
 * says how things look on the wire. The built-ins live one package each under this one ({@code vendor.salesforce}, …)
 * and are found by {@link Vendors} through {@link java.util.ServiceLoader}; an implementation needs a public no-argument
 * constructor and keeps no state (a service's state is its {@link Service}).
 */
public interface Vendor {

    /** The name services use in {@code flavor:}. */
    String name();

    /** The credential a request presents, read the way this vendor's clients send it. */
    Credential credential(FarmRequest request);

    /** The vendor's answer to an error. */
    Reply error(FarmError error);

    /** Adds the vendor's rate-limit headers to an answer (success or 429). */
    default void limitHeaders(LimitDecision limit, Reply reply) {}

    /**
     * Whether the vendor has a second kind of rate limit beside its counted one (GitHub's secondary limits): an
     * injected rate-limit fault is then that kind, and the counted limit's headers keep the bucket's real numbers.
     */
    default boolean secondaryLimits() {
        return false;
    }

    /**
     * An error inside execution (an HTTP 500) as the vendor's idempotency layer saves it under the request's key, to be
     * replayed for that key's later requests until the key expires; null (the default) when the vendor saves no errors,
     * and the error then strikes before the key is looked at.
     */
    default Reply savedExecutionError(FarmError error) {
        return null;
    }

    /**
     * The share (0 to 1) of injected rate-limit faults this vendor answers as an object-lock timeout instead (Stripe's
     * retryable 429 {@code lock_timeout}); 0 (the default) for vendors without one.
     */
    default double lockTimeoutShare() {
        return 0;
    }

    /** Registers every route of the service: resources, and any token endpoint of the vendor's own. */
    void routes(Service service, RouteTable table);

    /** Mints record ids in the vendor's style. */
    ResourceStore.IdMinter ids();

    /** Shapes a random hex string into the vendor's access-token format. */
    default String tokenFormat(String hex) {
        return hex;
    }

    /** The token endpoint's success body (RFC 6749 by default); the request gives the host for vendor fields like instance_url. */
    default Reply tokenReply(Service service, TokenStore.Issued issued, FarmRequest request) {
        var body = new LinkedHashMap<String, Object>();
        body.put("access_token", issued.access().value());
        body.put("token_type", "Bearer");
        body.put("expires_in", issued.ttlSeconds());
        if (issued.refresh() != null) body.put("refresh_token", issued.refresh().value());
        return Reply.json(200, body).header("Cache-Control", "no-store");
    }

    /** The token endpoint's error body (RFC 6749 section 5.2 by default). */
    default Reply tokenError(FarmError error) {
        var body = new LinkedHashMap<String, Object>();
        String code = error.code() != null
                ? error.code()
                : switch (error.kind()) {
                    case AUTH_INVALID, AUTH_MISSING -> "invalid_client";
                    case INVALID_GRANT -> "invalid_grant";
                    default -> "invalid_request";
                };
        body.put("error", code);
        body.put("error_description", error.message());
        int status = error.kind() == ErrorKind.AUTH_INVALID || error.kind() == ErrorKind.AUTH_MISSING ? 401 : 400;
        if (error.kind() == ErrorKind.SERVER_ERROR || error.kind() == ErrorKind.RATE_LIMITED) return error(error);
        return Reply.json(status, body).header("Cache-Control", "no-store");
    }
}
