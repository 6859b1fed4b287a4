package dev.gauntlet.farm.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.ServiceRuntime;
import dev.gauntlet.farm.flavor.Credential;
import dev.gauntlet.farm.flavor.ErrorKind;
import dev.gauntlet.farm.flavor.FarmError;
import dev.gauntlet.farm.flavor.Flavor;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.AuthSpec;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The OAuth 2.0 token endpoint logic shared by {@code POST /oauth2/token} and the vendors' own token paths:
 * client credentials (form, JSON or HTTP Basic) and the refresh-token grant with rotation.
 */
public final class OAuthEndpoint {
    private OAuthEndpoint() {}

    /** Token request parameters from a form or JSON body, query string and Basic auth, in that order. */
    public static ObjectNode params(FarmRequest request) {
        ObjectNode p = request.body().length == 0 ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : request.fields();
        request.queryMap().forEach((k, v) -> {
            if (!p.has(k) && !v.isEmpty()) p.put(k, v.getFirst());
        });
        String auth = request.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6) && !p.has("client_id")) {
            try {
                String decoded = new String(java.util.Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    p.put("client_id", java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8));
                    p.put("client_secret", java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException ignored) {
                // A malformed Basic header is treated as absent; the missing client_id is reported below.
            }
        }
        return p;
    }

    /** Runs a token request against a service and renders the answer in its flavour. */
    public static Reply handle(ServiceRuntime service, ObjectNode params, FarmRequest request) {
        Flavor flavor = service.flavor();
        AuthSpec auth = service.spec().auth();
        if (!auth.usesTokens()) {
            return flavor.tokenError(new FarmError(ErrorKind.BAD_REQUEST, "service " + service.id() + " does not issue tokens (auth.type is " + auth.type() + ")", 400, "grant_type", null, "unsupported_grant_type"));
        }
        String grant = text(params, "grant_type");
        if (grant == null) {
            return flavor.tokenError(new FarmError(ErrorKind.BAD_REQUEST, "grant_type is required: client_credentials or refresh_token", 400, "grant_type", null, "invalid_request"));
        }
        switch (grant) {
            case "client_credentials", "password" -> {
                String id = text(params, "client_id");
                String secret = text(params, "client_secret");
                if (id == null || secret == null) {
                    return flavor.tokenError(new FarmError(ErrorKind.AUTH_MISSING, "client_id and client_secret are required (form fields or HTTP Basic)", 401, "client_id", null, "invalid_client"));
                }
                boolean ok = auth.clients().stream().anyMatch(c -> c.id().equals(id) && constantTimeEquals(c.secret(), secret));
                if (!ok) {
                    return flavor.tokenError(new FarmError(ErrorKind.AUTH_INVALID, "invalid client credentials", 401, "client_secret", null, "invalid_client"));
                }
                return flavor.tokenReply(service, service.tokens().issue(id, auth.type() == AuthSpec.Type.oauth2_refresh_token), request);
            }
            case "refresh_token" -> {
                String rt = text(params, "refresh_token");
                if (rt == null) {
                    return flavor.tokenError(new FarmError(ErrorKind.BAD_REQUEST, "refresh_token is required for grant_type refresh_token", 400, "refresh_token", null, "invalid_request"));
                }
                TokenStore.Refreshed r = service.tokens().refresh(rt);
                if (r.failure() != null) {
                    String message = switch (r.failure()) {
                        case ALREADY_USED -> "Invalid Refresh Token: Already Used";
                        case EXPIRED -> "Invalid Refresh Token: Expired";
                        case UNKNOWN -> "Invalid Refresh Token: Refresh Token Not Found";
                    };
                    String code = switch (r.failure()) {
                        case ALREADY_USED -> "refresh_token_already_used";
                        case EXPIRED, UNKNOWN -> "refresh_token_not_found";
                    };
                    return flavor.tokenError(new FarmError(ErrorKind.INVALID_GRANT, message, 400, "refresh_token", null, code));
                }
                return flavor.tokenReply(service, r.issued(), request);
            }
            default -> {
                return flavor.tokenError(new FarmError(ErrorKind.BAD_REQUEST, "grant_type '" + grant + "' is not supported; use client_credentials or refresh_token", 400, "grant_type", null, "unsupported_grant_type"));
            }
        }
    }

    /** The client a token request names, for the farm-wide endpoint to find the service. */
    public static String clientId(ObjectNode params) {
        return text(params, "client_id");
    }

    /** The bearer token of a request, if any. */
    public static String bearer(FarmRequest request) {
        return Credential.bearerOf(request.header("Authorization"));
    }

    private static String text(JsonNode params, String name) {
        JsonNode v = params.get(name);
        return v == null || v.isNull() || v.asText().isEmpty() ? null : v.asText();
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
