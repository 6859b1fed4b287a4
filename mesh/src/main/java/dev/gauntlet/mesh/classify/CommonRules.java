package dev.gauntlet.mesh.classify;

import static dev.gauntlet.mesh.call.ErrorClass.auth_expired;
import static dev.gauntlet.mesh.call.ErrorClass.client_error;
import static dev.gauntlet.mesh.call.ErrorClass.invalid_creds;
import static dev.gauntlet.mesh.call.ErrorClass.rate_limit;
import static dev.gauntlet.mesh.call.ErrorClass.server_error;
import static dev.gauntlet.mesh.call.ErrorClass.timeout;

import dev.gauntlet.mesh.classify.WaitHeader.Format;
import java.util.List;

/**
 * The classification every vendor shares, as data: rules tried after a vendor's own (see the mesh's {@code Vendor}
 * plug-ins, which hold each vendor's signals as its docs describe them), then the rules by status alone.
 */
public final class CommonRules {
    private CommonRules() {}

    /** Signals shared by every vendor, tried after the vendor's own rules. */
    public static final List<Rule> COMMON = List.of(
            // RFC 6749 section 5.2 token errors: the client or the grant is refused; retrying cannot help.
            Rule.statuses("oauth invalid_client", 400, 401, invalid_creds).whenBody("invalid_client"),
            Rule.statuses("oauth invalid_grant", 400, 401, invalid_creds).whenBody("invalid_grant"),
            // A key whose first request is still running: the retry gets the first answer replayed once it is done, and
            // surfacing it as a client error would report a write that may still commit as failed.
            Rule.status("idempotency key in use", 409, server_error).whenBody("idempotency_key_in_use"),
            Rule.status("idempotency key in flight", 409, server_error)
                    .whenBody("in-progress request using this idempotency key"));

    /** By status alone, last: together they cover every status from 400 to 599, so classification is total. */
    public static final List<Rule> DEFAULTS = List.of(
            Rule.status("401", 401, auth_expired),
            // 408: the server gave up waiting for the request; whether it acted is not known, like a timeout of ours.
            Rule.status("408", 408, timeout),
            Rule.status("429", 429, rate_limit),
            Rule.statuses("4xx", 400, 499, client_error),
            Rule.statuses("5xx", 500, 599, server_error));

    /** RFC 9110 Retry-After, for every vendor and every class (a 503 may carry it too). */
    public static final WaitHeader RETRY_AFTER = new WaitHeader("Retry-After", Format.RETRY_AFTER, false);
}
