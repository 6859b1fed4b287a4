package dev.gauntlet.farm.vendor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.AuthSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The OAuth 2.0 token endpoint logic shared by {@code POST /oauth2/token} and the vendors' own token paths:
 * client credentials (form, JSON or HTTP Basic) and the refresh-token grant with rotation; {@link #farmWide} finds the
 * service (or services) of a farm-wide request.
 */
public final class OAuthEndpoint {
    private OAuthEndpoint() {}

    /** Token request parameters from a form or JSON body, query string and Basic auth, in that order. */
    public static ObjectNode params(FarmRequest request) {
        ObjectNode p = request.body().length == 0
                ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                : request.fields();
        request.queryMap().forEach((k, v) -> {
            if (!p.has(k) && !v.isEmpty()) p.put(k, v.getFirst());
        });
        String auth = request.header("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6) && !p.has("client_id")) {
            try {
                String decoded =
                        new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    p.put("client_id", URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8));
                    p.put("client_secret", URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException ignored) {
                // A malformed Basic header is treated as absent; the missing client_id is reported below.
            }
        }
        return p;
    }

    /** Runs a token request against a service and renders the answer in its flavour. */
    public static Reply handle(Service service, ObjectNode params, FarmRequest request) {
        Vendor vendor = service.vendor();
        AuthSpec auth = service.spec().auth();
        if (!auth.usesTokens()) {
            return vendor.tokenError(new FarmError(
                    ErrorKind.BAD_REQUEST,
                    "service " + service.id() + " does not issue tokens (auth.type is " + auth.type() + ")",
                    400,
                    "grant_type",
                    null,
                    "unsupported_grant_type"));
        }
        String grant = text(params, "grant_type");
        if (grant == null) {
            return vendor.tokenError(new FarmError(
                    ErrorKind.BAD_REQUEST,
                    "grant_type is required: client_credentials or refresh_token",
                    400,
                    "grant_type",
                    null,
                    "invalid_request"));
        }
        switch (grant) {
            case "client_credentials", "password" -> {
                String id = text(params, "client_id");
                String secret = text(params, "client_secret");
                if (id == null || secret == null) {
                    return vendor.tokenError(new FarmError(
                            ErrorKind.AUTH_MISSING,
                            "client_id and client_secret are required (form fields or HTTP Basic)",
                            401,
                            "client_id",
                            null,
                            "invalid_client"));
                }
                boolean ok = auth.clients().stream()
                        .anyMatch(c -> c.id().equals(id) && constantTimeEquals(c.secret(), secret));
                if (!ok) {
                    return vendor.tokenError(new FarmError(
                            ErrorKind.AUTH_INVALID,
                            "invalid client credentials",
                            401,
                            "client_secret",
                            null,
                            "invalid_client"));
                }
                return vendor.tokenReply(
                        service,
                        service.tokens().issue(id, auth.type() == AuthSpec.Type.oauth2_refresh_token),
                        request);
            }
            case "refresh_token" -> {
                String rt = text(params, "refresh_token");
                if (rt == null) {
                    return vendor.tokenError(new FarmError(
                            ErrorKind.BAD_REQUEST,
                            "refresh_token is required for grant_type refresh_token",
                            400,
                            "refresh_token",
                            null,
                            "invalid_request"));
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
                    return vendor.tokenError(
                            new FarmError(ErrorKind.INVALID_GRANT, message, 400, "refresh_token", null, code));
                }
                return vendor.tokenReply(service, r.issued(), request);
            }
            default -> {
                return vendor.tokenError(new FarmError(
                        ErrorKind.BAD_REQUEST,
                        "grant_type '" + grant + "' is not supported; use client_credentials or refresh_token",
                        400,
                        "grant_type",
                        null,
                        "unsupported_grant_type"));
            }
        }
    }

    /**
     * The farm-wide {@code POST /oauth2/token}, an authorization server for every OAuth service of the farm. The service
     * is named by {@code service} (or {@code audience}) with its id, or by {@code resource} with its base URL (RFC 8707
     * resource indicators); the answer is then that service's own. Unnamed, it is found by the request: a refresh token
     * by the service that issued it, client credentials by the services that know them. Credentials that several
     * services know (the built-in {@code gauntlet} client) get one access token that each of them accepts, valid for the
     * shortest of their TTLs, without a refresh token: a refresh token belongs to one service, so name it to get one.
     *
     * @param origin the farm's origin as the client reached it, for answers that carry URLs (Salesforce's instance_url)
     */
    public static Reply farmWide(
            List<? extends Service> running, ObjectNode params, FarmRequest request, String origin) {
        List<Service> services = List.copyOf(running);
        Service named = null;
        String id = text(params, "service") != null ? text(params, "service") : text(params, "audience");
        if (id != null) {
            named = services.stream().filter(s -> s.id().equals(id)).findFirst().orElse(null);
            if (named == null) {
                return oauthError(
                        400,
                        "invalid_request",
                        "unknown service '" + id + "'; known: "
                                + services.stream().map(Service::id).toList());
            }
        }
        String resource = text(params, "resource");
        if (resource != null) {
            Service target;
            try {
                target = byResource(services, resource);
            } catch (IllegalArgumentException e) {
                return oauthError(400, "invalid_target", e.getMessage());
            }
            if (named != null && named != target) {
                return oauthError(
                        400,
                        "invalid_target",
                        "resource '" + resource + "' is " + target.id() + ", but service names " + named.id());
            }
            named = target;
        }
        if (named != null) return handleAt(named, params, request, origin);

        if ("refresh_token".equals(text(params, "grant_type"))) {
            String rt = text(params, "refresh_token");
            if (rt == null)
                return oauthError(400, "invalid_request", "refresh_token is required for grant_type refresh_token");
            Service issuer = services.stream()
                    .filter(s -> s.tokens().knowsRefreshToken(rt))
                    .findFirst()
                    .orElse(null);
            if (issuer != null) return handleAt(issuer, params, request, origin);
            return oauthError(400, "invalid_grant", "Invalid Refresh Token: Refresh Token Not Found");
        }
        String client = text(params, "client_id");
        List<Service> owners = services.stream()
                .filter(s -> s.spec().auth().usesTokens()
                        && s.spec().auth().clients().stream().anyMatch(c -> c.id().equals(client)))
                .toList();
        if (owners.isEmpty()) {
            return oauthError(
                    401,
                    "invalid_client",
                    client == null
                            ? "client_id and client_secret are required (form fields or HTTP Basic)"
                            : "unknown client_id '" + client + "'");
        }
        // One owner answers in its own flavour, its own refusals included.
        if (owners.size() == 1) return handleAt(owners.getFirst(), params, request, origin);
        String grant = text(params, "grant_type");
        if (!"client_credentials".equals(grant) && !"password".equals(grant)) {
            return oauthError(
                    400,
                    grant == null ? "invalid_request" : "unsupported_grant_type",
                    "grant_type must be client_credentials (or refresh_token with a refresh token), was "
                            + (grant == null ? "missing" : "'" + grant + "'"));
        }
        String secret = text(params, "client_secret");
        List<Service> matching = owners.stream()
                .filter(s -> s.spec().auth().clients().stream()
                        .anyMatch(
                                c -> c.id().equals(client) && secret != null && constantTimeEquals(c.secret(), secret)))
                .toList();
        if (matching.isEmpty()) return oauthError(401, "invalid_client", "invalid client credentials");
        if (matching.size() == 1) return handleAt(matching.getFirst(), params, request, origin);
        return shared(matching, client);
    }

    /** One access token for several services, registered in each of their stores. */
    private static Reply shared(List<Service> services, String client) {
        Duration ttl = services.stream()
                .map(s -> s.tokens().ttl())
                .min(Duration::compareTo)
                .orElseThrow();
        String value = "farm_" + TokenStore.randomHex();
        for (Service s : services) s.tokens().accept(value, client, ttl);
        var body = new LinkedHashMap<String, Object>();
        body.put("access_token", value);
        body.put("token_type", "Bearer");
        body.put("expires_in", ttl.toSeconds());
        // Not an RFC 6749 field (section 5.1 allows more): the services that accept the token.
        body.put("services", services.stream().map(Service::id).toList());
        return Reply.json(200, body).header("Cache-Control", "no-store");
    }

    /**
     * The service an RFC 8707 resource indicator names: "an absolute URI … MUST NOT include a fragment component"
     * (section 2); its path is the service's base path on the farm (the host is not compared: the farm may sit
     * behind a proxy).
     */
    private static Service byResource(List<Service> services, String resource) {
        URI uri;
        try {
            uri = new URI(resource);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("resource must be an absolute URI, was '" + resource + "'");
        }
        if (!uri.isAbsolute() || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "resource must be an absolute URI without a fragment (RFC 8707), was '" + resource + "'");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        return services.stream()
                .filter(s -> s.spec().basePath().equals(path))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("resource '" + resource
                        + "' is no service's base URL; base paths: "
                        + services.stream().map(s -> s.spec().basePath()).toList()));
    }

    private static Reply handleAt(Service service, ObjectNode params, FarmRequest request, String origin) {
        request.serviceUrl(origin + service.spec().basePath());
        return handle(service, params, request);
    }

    /** RFC 6749 section 5.2 error body, for refusals that belong to no one service. */
    private static Reply oauthError(int status, String code, String description) {
        var body = new LinkedHashMap<String, Object>();
        body.put("error", code);
        body.put("error_description", description);
        return Reply.json(status, body).header("Cache-Control", "no-store");
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
