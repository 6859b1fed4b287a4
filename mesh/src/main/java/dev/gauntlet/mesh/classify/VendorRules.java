package dev.gauntlet.mesh.classify;

import static dev.gauntlet.mesh.classify.ErrorClass.auth_expired;
import static dev.gauntlet.mesh.classify.ErrorClass.client_error;
import static dev.gauntlet.mesh.classify.ErrorClass.invalid_creds;
import static dev.gauntlet.mesh.classify.ErrorClass.rate_limit;
import static dev.gauntlet.mesh.classify.ErrorClass.server_error;
import static dev.gauntlet.mesh.classify.ErrorClass.timeout;

import dev.gauntlet.mesh.classify.WaitHeader.Format;
import java.util.List;
import java.util.Map;

/**
 * The default rules per vendor flavour, as data. Each vendor's signals are the ones its docs describe and the farm's
 * flavours implement (farm/src/main/java/dev/gauntlet/farm/flavor/*Flavor.java, docs/farm.md).
 */
final class VendorRules {
    private VendorRules() {}

    static final Map<String, List<Rule>> BY_FLAVOR = Map.of(
            // Salesforce REST API "Status Codes and Error Responses": errors are [{"message","errorCode"}].
            "salesforce", List.of(
                    Rule.status("salesforce INVALID_SESSION_ID", 401, auth_expired).whenBody("INVALID_SESSION_ID"),
                    Rule.status("salesforce REQUEST_LIMIT_EXCEEDED", 403, rate_limit).whenBody("REQUEST_LIMIT_EXCEEDED")),
            // GitHub "Rate limits for the REST API": the primary limit is 403/429 with x-ratelimit-remaining 0; a secondary
            // limit is 403 with "secondary rate limit" in the message and usually retry-after.
            "github", List.of(
                    Rule.status("github primary rate limit", 403, rate_limit).whenHeader("x-ratelimit-remaining", "0"),
                    Rule.status("github secondary rate limit", 403, rate_limit).whenHeader("retry-after", null),
                    Rule.status("github rate limit message", 403, rate_limit).whenBody("rate limit")),
            // PostgREST PGRST301 is an expired or badly signed JWT: a fresh token fixes it. The gateway's "Invalid API key" /
            // "No API key found" concern the static apikey header, which no refresh can fix.
            "supabase", List.of(
                    Rule.status("supabase PGRST301", 401, auth_expired).whenBody("PGRST301"),
                    Rule.status("supabase invalid API key", 401, invalid_creds).whenBody("Invalid API key"),
                    Rule.status("supabase no API key", 401, invalid_creds).whenBody("No API key found")),
            // Atlas Data API keys do not expire, so its 401 InvalidSession means the key itself is refused.
            "mongodb", List.of(
                    Rule.status("mongodb InvalidSession", 401, invalid_creds).whenBody("InvalidSession")),
            // Datadog answers a missing or wrong DD-API-KEY with 403 {"errors":["Forbidden"]}; keys do not expire.
            "datadog", List.of(
                    Rule.status("datadog forbidden", 403, invalid_creds)),
            // Stripe secret keys do not expire with time: a 401 (invalid or rolled key) needs a human, not a refresh.
            // Stripe-Should-Retry: true on a 409 (idempotency key in use, lock timeout) is Stripe's own "retry this".
            "stripe", List.of(
                    Rule.status("stripe key refused", 401, invalid_creds),
                    Rule.status("stripe should retry", 409, server_error).whenHeader("Stripe-Should-Retry", "true")),
            // The generic REST flavour's codes: invalid_credentials is a refused key, token_expired an expired token.
            "rest", List.of(
                    Rule.status("rest invalid_credentials", 401, invalid_creds).whenBody("invalid_credentials")));

    /** Signals shared by every vendor, tried after the vendor's own rules. */
    static final List<Rule> COMMON = List.of(
            // RFC 6749 section 5.2 token errors: the client or the grant is refused; retrying cannot help.
            Rule.statuses("oauth invalid_client", 400, 401, invalid_creds).whenBody("invalid_client"),
            Rule.statuses("oauth invalid_grant", 400, 401, invalid_creds).whenBody("invalid_grant"),
            // A key whose first request is still running: the retry gets the first answer replayed once it is done, and
            // surfacing it as a client error would report a write that may still commit as failed.
            Rule.status("idempotency key in use", 409, server_error).whenBody("idempotency_key_in_use"),
            Rule.status("idempotency key in flight", 409, server_error).whenBody("in-progress request using this idempotency key"));

    /** By status alone, last: together they cover every status from 400 to 599, so classification is total. */
    static final List<Rule> DEFAULTS = List.of(
            Rule.status("401", 401, auth_expired),
            // 408: the server gave up waiting for the request; whether it acted is not known, like a timeout of ours.
            Rule.status("408", 408, timeout),
            Rule.status("429", 429, rate_limit),
            Rule.statuses("4xx", 400, 499, client_error),
            Rule.statuses("5xx", 500, 599, server_error));

    /** RFC 9110 Retry-After, for every vendor and every class (a 503 may carry it too). */
    static final WaitHeader RETRY_AFTER = new WaitHeader("Retry-After", Format.RETRY_AFTER, false);

    static final Map<String, List<WaitHeader>> WAITS = Map.of(
            "github", List.of(RETRY_AFTER, new WaitHeader("x-ratelimit-reset", Format.EPOCH_SECONDS, true)),
            // docs.datadoghq.com/api/latest/rate-limits: X-RateLimit-Reset is the seconds until the period resets.
            "datadog", List.of(RETRY_AFTER, new WaitHeader("X-RateLimit-Reset", Format.DELTA_SECONDS, true)),
            // The IETF-draft style headers of the generic REST flavour carry the reset as an epoch second.
            "rest", List.of(RETRY_AFTER, new WaitHeader("X-RateLimit-Reset", Format.EPOCH_SECONDS, true)));

    static List<WaitHeader> waits(String flavor) {
        return WAITS.getOrDefault(flavor, List.of(RETRY_AFTER));
    }
}
