package dev.gauntlet.farm.vendor.github;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * GitHub REST API: OAuth at {@code /login/oauth/access_token} (form-encoded answers unless JSON is asked for),
 * {@code gho_} tokens, repository collections such as {@code /repos/{owner}/{repo}/issues} listed with
 * {@code state}/{@code sort}/{@code direction}/{@code since} and paged with {@code per_page}/{@code page} and a
 * {@code Link} header, {@code x-ratelimit-*} headers, the primary rate limit and the secondary ones (the service's
 * {@code secondary_limits}), and errors as {@code {"message","documentation_url","status"}}. No idempotency keys: a
 * retried create opens a second issue, so integrations mark their issues (the ledger's {@code op_id_patterns}).
 */
public final class GitHubVendor implements Vendor {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Override
    public String name() {
        return "github";
    }

    /** GitHub takes {@code Authorization: Bearer <token>} and the older {@code token <token>}. */
    @Override
    public Credential credential(FarmRequest request) {
        return new Credential(Credential.bearerOf(request.header("Authorization")), null);
    }

    @Override
    public Reply error(FarmError error) {
        return GitHubErrors.of(error);
    }

    @Override
    public boolean secondaryLimits() {
        return true;
    }

    @Override
    public void limitHeaders(LimitDecision limit, Reply reply) {
        reply.header("x-ratelimit-limit", limit.limit());
        reply.header("x-ratelimit-remaining", limit.remaining());
        reply.header("x-ratelimit-used", Math.max(0, limit.limit() - limit.remaining()));
        reply.header("x-ratelimit-reset", limit.resetEpochS());
        reply.header("x-ratelimit-resource", "core");
    }

    // ---------------------------------------------------------------- OAuth

    /**
     * {@code gho_} + 36 characters: 30 of randomness and a 6-character base-62 CRC32 checksum, the layout GitHub
     * described when it introduced prefixed tokens ("Behind GitHub's new authentication token formats", 2021).
     */
    @Override
    public String tokenFormat(String hex) {
        String body = (hex + hex).substring(0, 30);
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return "gho_" + body + base62(crc.getValue(), 6);
    }

    private static String base62(long value, int width) {
        String digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        StringBuilder out = new StringBuilder();
        long n = value;
        while (out.length() < width) {
            out.append(digits.charAt((int) (n % 62)));
            n /= 62;
        }
        return out.reverse().toString();
    }

    /**
     * JSON here (the farm-wide /oauth2/token speaks JSON); the GitHub path turns it into a form when the client did not
     * ask for JSON. {@code expires_in} is sent as GitHub Apps do for expiring user tokens, because farm tokens expire.
     */
    @Override
    public Reply tokenReply(Service service, TokenStore.Issued issued, FarmRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.access().value());
        body.put("expires_in", issued.ttlSeconds());
        if (issued.refresh() != null) body.put("refresh_token", issued.refresh().value());
        body.put("scope", "repo");
        body.put("token_type", "bearer");
        return Reply.json(200, body);
    }

    /** GitHub's OAuth error codes ("Troubleshooting OAuth app access token request errors"). */
    @Override
    public Reply tokenError(FarmError error) {
        if (error.kind() == ErrorKind.SERVER_ERROR || error.kind() == ErrorKind.RATE_LIMITED) return error(error);
        String code;
        String description;
        String anchor;
        switch (error.kind()) {
            case AUTH_MISSING, AUTH_INVALID -> {
                code = "incorrect_client_credentials";
                description = "The client_id and/or client_secret passed are incorrect.";
                anchor = "#incorrect-client-credentials";
            }
            case INVALID_GRANT -> {
                code = "bad_refresh_token";
                description = "The refresh token passed is incorrect or expired.";
                anchor = "#bad-refresh-token";
            }
            default -> {
                code = "unsupported_grant_type";
                description = "The grant type is not supported: " + error.message();
                anchor = "#unsupported-grant-type";
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        body.put(
                "error_uri",
                "https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/"
                        + anchor);
        return Reply.json(
                error.kind() == ErrorKind.AUTH_MISSING || error.kind() == ErrorKind.AUTH_INVALID ? 401 : 400, body);
    }

    /** Issues are numbered 1, 2, 3… per repository. */
    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) -> F.numberNode(seq);
    }

    @Override
    public void routes(Service service, RouteTable table) {
        GitHubRoutes.register(service, table);
    }
}
