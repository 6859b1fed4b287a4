package dev.gauntlet.farm.vendor.supabase;

import static dev.gauntlet.farm.vendor.supabase.SupabaseErrors.gotrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.AuthSpec;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.OAuthEndpoint;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Supabase Auth (GoTrue) under {@code /auth/v1}: the password and refresh-token grants, the current user, and the
 * project's JWTs (the anon and service_role keys, the access tokens) checked as the API gateway checks them.
 */
final class SupabaseAuth {
    private SupabaseAuth() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /**
     * Checks the project's keys (each must be a JWT signed with the project's secret for the anon or service_role
     * role), teaches the token store to accept any JWT signed with that secret, and registers GoTrue's token and user
     * endpoints.
     */
    static void register(Service service, RouteTable table) {
        SupabaseJwt jwt = jwt(service);
        checkApiKeys(service, jwt);
        service.tokens().vendorCheck((token, now) -> verify(service, jwt, token, now));
        // Not `authenticated`: GoTrue wants only the apikey here, checked in the handler; the bearer check would
        // refuse.
        table.add(new Route(
                "POST", new PathTemplate("/auth/v1/token"), Route.TOKEN, null, false, false, SupabaseAuth::token));
        // GoTrue judges the bearer itself and answers in its own envelope, not PostgREST's.
        table.add(new Route(
                "GET",
                new PathTemplate("/auth/v1/user"),
                "GoTrue current user",
                null,
                false,
                false,
                call -> currentUser(call, jwt)));
    }

    /** The project's JWT signer: options {@code jwt_secret}, by default the local Supabase stack's. */
    static SupabaseJwt jwt(Service service) {
        return new SupabaseJwt(service.spec().option("jwt_secret", SupabaseJwt.DEFAULT_SECRET));
    }

    /**
     * A Supabase project's API keys are JWTs signed with its secret for the {@code anon} or {@code service_role} role
     * (supabase.com/docs/guides/api/api-keys): a key that is not is refused at start, naming the keys that would be.
     */
    static void checkApiKeys(Service service, SupabaseJwt jwt) {
        List<String> keys = service.spec().auth().apiKeys();
        String ref = service.spec().option("project_ref", SupabaseJwt.DEFAULT_REF);
        String expected = " For options.jwt_secret and options.project_ref '" + ref + "' the anon key is "
                + jwt.roleKey(ref, "anon") + " and the service_role key is " + jwt.roleKey(ref, "service_role") + ".";
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(
                    "auth.api_keys must list the project's anon key (and its service_role key)." + expected);
        }
        for (int i = 0; i < keys.size(); i++) {
            ObjectNode claims = jwt.verify(keys.get(i));
            String role = claims == null ? null : claims.path("role").asText(null);
            if (!"anon".equals(role) && !"service_role".equals(role)) {
                throw new IllegalArgumentException("auth.api_keys[" + i + "] is not "
                        + (claims == null
                                ? "a JWT signed with options.jwt_secret"
                                : "a key for the anon or service_role role (role " + role + ")")
                        + "." + expected);
            }
        }
    }

    /**
     * PostgREST's verdict on a bearer the store did not issue as is: any JWT signed with the project's secret, until
     * its {@code exp} (docs.postgrest.org, "Authentication"). A GoTrue access token is judged by the store under its
     * {@code session_id}, so chaos can revoke it; the role keys and JWTs signed elsewhere with the secret cannot be.
     */
    static TokenStore.Check verify(Service service, SupabaseJwt jwt, String token, Instant now) {
        ObjectNode claims = jwt.verify(token);
        if (claims == null) return TokenStore.Check.UNKNOWN;
        String session = claims.path("session_id").asText(null);
        if (session != null) {
            TokenStore.Check issued = service.tokens().checkIssued(session);
            if (issued.verdict() != TokenStore.Verdict.UNKNOWN) return issued;
        }
        String client = claims.hasNonNull("sub")
                ? claims.get("sub").asText()
                : claims.path("role").asText("anon");
        boolean expired = expired(claims, now);
        return new TokenStore.Check(expired ? TokenStore.Verdict.EXPIRED : TokenStore.Verdict.VALID, client, null);
    }

    /** Whether a JWT's {@code exp} (seconds since the epoch) has passed; a JWT without one never expires. */
    static boolean expired(ObjectNode claims, Instant now) {
        return claims.has("exp") && now.getEpochSecond() >= claims.path("exp").asLong();
    }

    /** The API gateway's key check, for routes that check their own bearer: null when the apikey is one of the project's. */
    static Reply gatewayRefusal(Call call) {
        String key = call.service().vendor().credential(call.request()).apiKey();
        if (key == null) return call.error(ErrorKind.AUTH_MISSING, "No API key found in request");
        if (!call.service().spec().auth().apiKeys().contains(key))
            return call.error(ErrorKind.AUTH_INVALID, "Invalid API key");
        return null;
    }

    /** {@code POST /auth/v1/token?grant_type=password|refresh_token} with GoTrue's JSON body. */
    static Reply token(Call call) {
        Reply refused = gatewayRefusal(call);
        if (refused != null) return refused;
        FarmRequest req = call.request();
        JsonNode body;
        try {
            body = req.json();
        } catch (BadInput e) {
            return gotrueVersioned(
                    req,
                    call.service()
                            .vendor()
                            .tokenError(new FarmError(
                                    ErrorKind.BAD_REQUEST,
                                    "Could not parse request body as JSON: " + e.getMessage(),
                                    400,
                                    null,
                                    null,
                                    "bad_json")));
        }
        ObjectNode params = F.objectNode();
        String grant = req.query("grant_type") != null
                ? req.query("grant_type")
                : body.path("grant_type").asText(null);
        if (grant != null) params.put("grant_type", grant);
        // GoTrue's password grant: the farm's OAuth client id and secret play the user's email and password.
        if (body.hasNonNull("email")) params.put("client_id", body.get("email").asText());
        if (body.hasNonNull("password"))
            params.put("client_secret", body.get("password").asText());
        if (body.hasNonNull("refresh_token"))
            params.put("refresh_token", body.get("refresh_token").asText());
        return gotrueVersioned(req, OAuthEndpoint.handle(call.service(), params, req));
    }

    /**
     * {@code GET /auth/v1/user}: GoTrue's own bearer check (supabase/auth internal/api/auth.go, requireAuthentication):
     * a JWT that does not verify, has expired or has no {@code sub} (a role key) is a 403 {@code bad_jwt}; one whose
     * session is gone is a 403 {@code session_not_found}; a subject that is no user is {@code user_not_found}.
     */
    static Reply currentUser(Call call, SupabaseJwt jwt) {
        Reply refused = gatewayRefusal(call);
        if (refused != null) return refused;
        FarmRequest req = call.request();
        String token = call.service().vendor().credential(req).bearer();
        ObjectNode claims = token == null ? null : jwt.verify(token);
        Reply answer;
        if (claims == null) {
            answer = gotrue(
                    403,
                    "bad_jwt",
                    token != null && token.chars().filter(ch -> ch == '.').count() != 2
                            ? "invalid JWT: unable to parse or verify signature, token is malformed: token contains an invalid number of segments"
                            : "invalid JWT: unable to parse or verify signature, token signature is invalid: signature is invalid");
        } else if (expired(claims, call.farm().clock().instant())) {
            answer = gotrue(
                    403,
                    "bad_jwt",
                    "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired");
        } else if (!claims.hasNonNull("sub") || claims.get("sub").asText().isEmpty()) {
            answer = gotrue(403, "bad_jwt", "invalid claim: missing sub claim");
        } else {
            String sub = claims.get("sub").asText();
            String email = call.service().spec().auth().clients().stream()
                    .map(AuthSpec.ClientSpec::id)
                    .filter(id -> userId(id).equals(sub))
                    .findFirst()
                    .orElse(null);
            String session = claims.path("session_id").asText(null);
            if (email == null) {
                answer = gotrue(403, "user_not_found", "User from sub claim in JWT does not exist");
            } else if (session != null
                    && call.service().tokens().checkIssued(session).verdict() != TokenStore.Verdict.VALID) {
                answer = gotrue(403, "session_not_found", "Session from session_id claim in JWT does not exist");
            } else {
                answer = Reply.json(200, user(email, null));
            }
        }
        return gotrueVersioned(req, answer);
    }

    /**
     * supabase-js sends {@code X-Supabase-Api-Version: 2024-01-01}; GoTrue then answers errors as
     * {@code {"code":"<error_code>","message"}} and says so in the same response header.
     */
    static Reply gotrueVersioned(FarmRequest req, Reply reply) {
        String version = req.header("X-Supabase-Api-Version");
        if (version == null || version.compareTo("2024-01-01") < 0) return reply;
        reply.header("X-Supabase-Api-Version", "2024-01-01");
        if (reply.status() < 400) return reply;
        JsonNode old = reply.bodyJson();
        ObjectNode body = F.objectNode();
        body.put("code", old.path("error_code").asText());
        body.put("message", old.path("msg").asText());
        Reply out = new Reply(
                reply.status(), reply.headers(), body.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        return out;
    }

    static String userId(String clientId) {
        return UUID.nameUUIDFromBytes(("supabase-user:" + clientId).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    static String issuer(Service service, FarmRequest request) {
        String host = request == null ? null : request.header("Host");
        return (host == null ? "http://127.0.0.1" : "http://" + host)
                + service.spec().basePath() + "/auth/v1";
    }

    static ObjectNode appMetadata() {
        ObjectNode m = F.objectNode();
        m.put("provider", "email");
        m.set("providers", F.arrayNode().add("email"));
        return m;
    }

    /** GoTrue's user object, reduced to the fields clients read. */
    static ObjectNode user(String clientId, String signedInAt) {
        ObjectNode u = F.objectNode();
        u.put("id", userId(clientId));
        u.put("aud", "authenticated");
        u.put("role", "authenticated");
        u.put("email", clientId);
        u.put("email_confirmed_at", "2025-01-01T00:00:00Z");
        u.put("phone", "");
        if (signedInAt != null) u.put("last_sign_in_at", signedInAt);
        u.set("app_metadata", appMetadata());
        u.set("user_metadata", F.objectNode());
        u.set("identities", F.arrayNode());
        u.put("created_at", "2025-01-01T00:00:00Z");
        u.put("updated_at", "2025-01-01T00:00:00Z");
        u.put("is_anonymous", false);
        return u;
    }
}
