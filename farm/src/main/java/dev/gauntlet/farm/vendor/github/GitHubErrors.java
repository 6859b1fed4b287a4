package dev.gauntlet.farm.vendor.github;

import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.vendor.FarmError;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/** GitHub's error answers: {@code {"message","documentation_url","status"}}, 422 validation errors and its rate-limit refusals. */
final class GitHubErrors {
    private GitHubErrors() {}

    static final String DOCS = "https://docs.github.com/rest";
    private static final String RATE_DOCS = "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api";

    /** The answer to an error: GitHub's {@code {message, documentation_url, status}}, with its rate-limit answers. */
    static Reply of(FarmError error) {
        return switch (error.kind()) {
            // GitHub: 401 {"message":"Bad credentials",...} for a wrong or expired token; "Requires authentication"
            // without one.
            case AUTH_MISSING -> ghError(401, "Requires authentication", DOCS);
            case AUTH_INVALID, AUTH_EXPIRED -> ghError(401, "Bad credentials", DOCS);
            case RATE_LIMITED -> rateLimited(error.limit());
            case SERVER_ERROR -> {
                int status = error.status() == 0 ? 500 : error.status();
                String message = switch (status) {
                    case 503 -> "Service Unavailable";
                    // GitHub's answer when a request runs past its time budget.
                    case 502, 504 ->
                        "We couldn't respond to your request in time. Sorry about that. Please try resubmitting your request and contact us if the problem persists.";
                    default -> "Server Error";
                };
                yield ghError(status, message, DOCS);
            }
            case BAD_REQUEST, INVALID_GRANT ->
                error.field() == null
                        ? ghError(400, "Problems parsing JSON", DOCS)
                        : validationFailed(null, error.field(), "invalid", DOCS);
            // GitHub's router answers a method a path does not take with 404, not 405.
            case NOT_FOUND, METHOD_NOT_ALLOWED -> ghError(404, "Not Found", DOCS);
            case PAYLOAD_TOO_LARGE -> ghError(413, "Payload too large: " + error.message(), DOCS);
            // GitHub's REST API has no idempotency keys; these keep its envelope for services that declare them.
            case IDEMPOTENCY_MISMATCH -> ghError(422, error.message(), DOCS);
            case IDEMPOTENCY_IN_FLIGHT -> ghError(409, error.message(), DOCS);
            // GitHub's validation error for a value that must be unique ("Validation failed" with code already_exists).
            case CONFLICT -> validationFailed(null, error.field(), "already_exists", DOCS);
        };
    }

    /**
     * "Rate limits for the REST API" (docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, "Exceeding
     * the rate limit"): the primary limit answers 403 (the docs say "403 or 429"; 403 is what api.github.com sends for
     * the hourly limit and what Octokit's throttling plugin keys on) with x-ratelimit-remaining 0, the reset time and no
     * retry-after; a secondary limit answers 403 "You have exceeded a secondary rate limit" with retry-after and the
     * primary headers as they are. Both messages end with the request ID GitHub asks support requests to quote.
     */
    private static Reply rateLimited(LimitDecision limit) {
        String requestId = requestId();
        Reply reply;
        if (limit != null && isSecondary(limit)) {
            reply = ghError(
                            403,
                            "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
                                    + "If you reach out to GitHub Support for help, please include the request ID "
                                    + requestId + ".",
                            RATE_DOCS + "#about-secondary-rate-limits")
                    .header("retry-after", limit.retryAfterSeconds());
        } else {
            reply = ghError(
                    403,
                    "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include "
                            + "the request ID " + requestId + ".",
                    RATE_DOCS + "#about-the-primary-rate-limits");
        }
        return reply.header("x-github-request-id", requestId);
    }

    /** GitHub's request ids look like {@code C0A1:3D5A:1A4F6B2:1B2C3D4:6571A2B3}: five hex groups. */
    private static String requestId() {
        var r = ThreadLocalRandom.current();
        return String.format(
                "%04X:%04X:%07X:%07X:%08X",
                r.nextInt(0x10000),
                r.nextInt(0x10000),
                r.nextInt(0x10000000),
                r.nextInt(0x10000000),
                r.nextLong(0x100000000L));
    }

    /**
     * Injected (chaos) rate limits and the service's {@code secondary_limits} are GitHub's secondary limits; the primary
     * window running dry is the primary one.
     */
    static boolean isSecondary(LimitDecision limit) {
        return limit.injected();
    }

    static Reply ghError(int status, String message, String docs) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", message);
        body.put("documentation_url", docs);
        body.put("status", Integer.toString(status));
        return Reply.json(status, body);
    }

    /** GitHub's 422: {"message":"Validation Failed","errors":[{"resource","code","field"}],"documentation_url"}. */
    static Reply validationFailed(String resource, String field, String code, String docs) {
        return validationFailed(null, resource, field, code, docs);
    }

    /** As above, the errors entry naming the refused value first, as GitHub's query-parameter checks do. */
    static Reply validationFailed(String value, String resource, String field, String code, String docs) {
        Map<String, Object> e = new LinkedHashMap<>();
        if (value != null) e.put("value", value);
        if (resource != null) e.put("resource", resource);
        e.put("code", code);
        e.put("field", field);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message", "Validation Failed");
        body.put("errors", List.of(e));
        body.put("documentation_url", docs);
        body.put("status", "422");
        return Reply.json(422, body);
    }
}
