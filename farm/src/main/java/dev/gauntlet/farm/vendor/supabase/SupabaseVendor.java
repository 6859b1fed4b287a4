package dev.gauntlet.farm.vendor.supabase;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.AuthSpec;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ResourceSpec.Operation;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.Credential;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.OAuthEndpoint;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.Vendor;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Supabase: the API gateway's {@code apikey} check, GoTrue tokens under {@code /auth/v1} (JWT access tokens, rotating
 * refresh tokens with reuse detection) and PostgREST tables under {@code /rest/v1}; errors in the envelope of whichever
 * part answers. The project's JWT secret and ref are the service options {@code jwt_secret} and {@code project_ref};
 * its anon and service_role keys are JWTs signed with that secret, listed in {@code auth.api_keys}.
 */
public final class SupabaseVendor implements Vendor {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    @Override
    public String name() {
        return "supabase";
    }

    /**
     * The key comes in the {@code apikey} header or query parameter, a JWT in {@code Authorization: Bearer}. Without
     * an Authorization header the gateway forwards the apikey in its place, so the request runs as the key's role (the
     * {@code LUA_AUTH_EXPR} of supabase/supabase docker/volumes/api/kong-entrypoint.sh: the Authorization header if
     * present, else the apikey). The bearer is judged by the token store, and by {@code verify} for JWTs it did not issue.
     */
    @Override
    public Credential credential(FarmRequest request) {
        String key = request.header("apikey");
        if (key == null) key = request.query("apikey");
        String jwt = Credential.bearerOf(request.header("Authorization"));
        return new Credential(jwt != null ? jwt : key, key);
    }

    /** GoTrue's session ids are UUIDs; the store's random 32 hex digits become one, and that is the stored token value. */
    @Override
    public String tokenFormat(String hex) {
        String h = (hex + "00000000000000000000000000000000").substring(0, 32);
        return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20);
    }

    /** GoTrue's session body: access_token is a signed JWT that carries the stored value as its session_id claim. */
    @Override
    public Reply tokenReply(Service service, TokenStore.Issued issued, FarmRequest request) {
        TokenStore.AccessToken access = issued.access();
        long iat = access.issuedAt().getEpochSecond();
        long exp = access.expiresAt().getEpochSecond();
        String userId = userId(access.clientId());
        ObjectNode claims = F.objectNode();
        claims.put("aud", "authenticated");
        claims.put("exp", exp);
        claims.put("iat", iat);
        claims.put("iss", issuer(service, request));
        claims.put("sub", userId);
        claims.put("email", access.clientId());
        claims.put("phone", "");
        claims.set("app_metadata", appMetadata());
        claims.set("user_metadata", F.objectNode());
        claims.put("role", "authenticated");
        claims.put("aal", "aal1");
        claims.set("amr", F.arrayNode().add(F.objectNode().put("method", "password").put("timestamp", iat)));
        claims.put("session_id", access.value());
        claims.put("is_anonymous", false);

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", jwt(service).sign(claims));
        body.put("token_type", "bearer");
        body.put("expires_in", issued.ttlSeconds());
        body.put("expires_at", exp);
        if (issued.refresh() != null) body.put("refresh_token", issued.refresh().value());
        body.put("user", user(access.clientId(), access.issuedAt().toString()));
        return Reply.json(200, body).header("Cache-Control", "no-store");
    }

    /**
     * GoTrue's error body {@code {"code":<status>,"error_code","msg"}} with the code again in {@code x-sb-error-code}
     * (supabase/auth internal/api/errors.go, handleResponseErrorHTTP); {@link #gotrueVersioned} turns it into the
     * 2024-01-01 API shape when the client asks for that.
     */
    @Override
    public Reply tokenError(FarmError error) {
        int status;
        String errorCode;
        String msg = error.message();
        switch (error.kind()) {
            case RATE_LIMITED -> {
                status = 429;
                errorCode = "over_request_rate_limit";
                msg = "Request rate limit reached";
            }
            case SERVER_ERROR -> {
                status = error.status() == 0 ? 500 : error.status();
                errorCode = "unexpected_failure";
            }
            case AUTH_INVALID -> {
                // A wrong email/password (client id/secret) is a 400 at GoTrue, not a 401.
                status = 400;
                errorCode = "invalid_credentials";
                msg = "Invalid login credentials";
            }
            case AUTH_MISSING -> {
                status = 400;
                errorCode = "validation_failed";
                msg = "missing email or phone";
            }
            case INVALID_GRANT -> {
                status = 400;
                errorCode = error.code() != null ? error.code() : "invalid_grant";
            }
            default -> {
                status = 400;
                errorCode = error.code() != null && !error.code().startsWith("invalid_") && !error.code().startsWith("unsupported_")
                        ? error.code() : "validation_failed";
            }
        }
        Reply reply = gotrue(status, errorCode, msg);
        if (error.limit() != null) reply.header("Retry-After", error.limit().retryAfterSeconds());
        return reply;
    }

    /** GoTrue's HTTPError as it goes over the wire. */
    private static Reply gotrue(int status, String errorCode, String msg) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", status);
        body.put("error_code", errorCode);
        body.put("msg", msg);
        return Reply.json(status, body).header("x-sb-error-code", errorCode);
    }

    @Override
    public Reply error(FarmError error) {
        return switch (error.kind()) {
            // The API gateway (Kong) answers before PostgREST or GoTrue see the request.
            case AUTH_MISSING -> error.message().startsWith("No API key")
                    ? gateway(401, "No API key found in request", "No `apikey` request header or url param was found.")
                    // Not reached while the gateway forwards the apikey as the bearer; PostgREST's answer when anon is off.
                    : postgrest(401, "PGRST302", "Anonymous access is disabled", null, null).header("WWW-Authenticate", "Bearer");
            case AUTH_INVALID -> error.message().startsWith("Invalid API key")
                    ? gateway(401, "Invalid API key", "Double check your Supabase `anon` or `service_role` API key.")
                    : postgrest(401, "PGRST301", "JWSError JWSInvalidSignature", null, null)
                            .header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"JWSError JWSInvalidSignature\"");
            // PostgREST 12 (what Supabase runs) answers an expired JWT with PGRST301 "JWT expired"; PostgREST 13 moved
            // JWT claim failures to PGRST303. Seen in the wild: rafaelwendel/phpsupabase#15. Revoked tokens look the same.
            case AUTH_EXPIRED -> postgrest(401, "PGRST301", "JWT expired", null, null)
                    .header("WWW-Authenticate", "Bearer error=\"invalid_token\", error_description=\"JWT expired\"");
            case RATE_LIMITED -> postgrest(429, "429", "Too Many Requests", error.message(), "Wait for the time in Retry-After before retrying.")
                    .header("Retry-After", error.limit() == null ? 1 : error.limit().retryAfterSeconds());
            case SERVER_ERROR -> serverError(error.status() == 0 ? 500 : error.status());
            case BAD_REQUEST -> postgrest(400, error.code() != null ? error.code() : "PGRST100", error.message(), null, null);
            case NOT_FOUND -> gateway(404, "no Route matched with those values", null);
            case METHOD_NOT_ALLOWED -> postgrest(405, "PGRST117", "Unsupported HTTP method", error.message(), null);
            case PAYLOAD_TOO_LARGE -> gateway(413, "Request size limit exceeded", null);
            case IDEMPOTENCY_MISMATCH -> postgrest(400, "idempotency_key_mismatch", error.message(), null, null);
            case IDEMPOTENCY_IN_FLIGHT -> postgrest(409, "idempotency_key_in_use", error.message(), null, null);
            case INVALID_GRANT -> tokenError(error);
            case CONFLICT -> SupabaseRoutes.uniqueViolation(error.duplicate().resource(), error.duplicate().field(), error.duplicate().value()).reply();
        };
    }

    /** 5xx as Supabase's parts produce them: PostgREST's pool errors for 503/504, the gateway's for 502. */
    private static Reply serverError(int status) {
        return switch (status) {
            case 502 -> gateway(502, "An invalid response was received from the upstream server", null);
            case 503 -> postgrest(503, "PGRST001", "Database client error. Retrying the connection.", null, null);
            case 504 -> postgrest(504, "PGRST003", "Timed out acquiring connection from connection pool.", null, null);
            default -> postgrest(status, "XX000", "internal error (injected by the farm)", null, null);
        };
    }

    /** PostgREST's error body: every key present, null when empty. */
    static Reply postgrest(int status, String code, String message, String details, String hint) {
        ObjectNode body = F.objectNode();
        body.put("code", code);
        body.put("details", details);
        body.put("hint", hint);
        body.put("message", message);
        return Reply.json(status, body);
    }

    /** The API gateway's error body: {@code {"message"}} plus a hint where Kong gives one. */
    private static Reply gateway(int status, String message, String hint) {
        ObjectNode body = F.objectNode();
        body.put("message", message);
        if (hint != null) body.put("hint", hint);
        return Reply.json(status, body);
    }

    /** Primary keys of the usual {@code id bigint generated by default as identity} column. */
    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) -> F.numberNode(seq);
    }

    /**
     * Checks the project's keys (each must be a JWT signed with the project's secret for the anon or service_role
     * role), teaches the token store to accept any JWT signed with that secret, and registers GoTrue's and
     * PostgREST's routes.
     */
    @Override
    public void routes(Service service, RouteTable table) {
        SupabaseJwt jwt = jwt(service);
        checkApiKeys(service, jwt);
        service.tokens().vendorCheck((token, now) -> verify(service, jwt, token, now));
        // Not `authenticated`: GoTrue wants only the apikey here, checked in the handler; the bearer check would refuse.
        table.add(new Route("POST", new PathTemplate("/auth/v1/token"), Route.TOKEN, null, false, false,
                SupabaseVendor::token));
        // GoTrue judges the bearer itself and answers in its own envelope, not PostgREST's.
        table.add(new Route("GET", new PathTemplate("/auth/v1/user"), "GoTrue current user", null, false, false,
                call -> currentUser(call, jwt)));
        for (ResourceSpec r : service.spec().resources()) {
            PathTemplate path = new PathTemplate(r.path());
            String res = r.name();
            if (r.offers(Operation.list) || r.offers(Operation.get)) {
                table.add(new Route("GET", path, "select " + res, res, true, false, call -> SupabaseRoutes.select(call, r)));
                table.add(new Route("HEAD", path, "count " + res, res, true, false, call -> SupabaseRoutes.select(call, r)));
            }
            if (r.offers(Operation.create)) table.add(new Route("POST", path, "insert or upsert " + res, res, true, true, call -> SupabaseRoutes.insert(call, r)));
            if (r.offers(Operation.update)) table.add(new Route("PATCH", path, "update " + res, res, true, true, call -> SupabaseRoutes.update(call, r)));
            if (r.offers(Operation.delete)) table.add(new Route("DELETE", path, "delete " + res, res, true, true, call -> SupabaseRoutes.delete(call, r)));
        }
        // Any other table under /rest/v1 exists only to say it does not, after the credentials are checked (as PostgREST).
        for (String method : new String[] {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"}) {
            table.add(new Route(method, new PathTemplate("/rest/v1/{table}"), method + " unknown table", null, true, false,
                    call -> SupabaseRoutes.unknownTable(call, service)));
        }
    }

    /** The project's JWT signer: options {@code jwt_secret}, by default the local Supabase stack's. */
    static SupabaseJwt jwt(Service service) {
        return new SupabaseJwt(service.spec().option("jwt_secret", SupabaseJwt.DEFAULT_SECRET));
    }

    /**
     * A Supabase project's API keys are JWTs signed with its secret for the {@code anon} or {@code service_role} role
     * (supabase.com/docs/guides/api/api-keys): a key that is not is refused at start, naming the keys that would be.
     */
    private static void checkApiKeys(Service service, SupabaseJwt jwt) {
        List<String> keys = service.spec().auth().apiKeys();
        String ref = service.spec().option("project_ref", SupabaseJwt.DEFAULT_REF);
        String expected = " For options.jwt_secret and options.project_ref '" + ref + "' the anon key is "
                + jwt.roleKey(ref, "anon") + " and the service_role key is " + jwt.roleKey(ref, "service_role") + ".";
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("auth.api_keys must list the project's anon key (and its service_role key)." + expected);
        }
        for (int i = 0; i < keys.size(); i++) {
            ObjectNode claims = jwt.verify(keys.get(i));
            String role = claims == null ? null : claims.path("role").asText(null);
            if (!"anon".equals(role) && !"service_role".equals(role)) {
                throw new IllegalArgumentException("auth.api_keys[" + i + "] is not "
                        + (claims == null ? "a JWT signed with options.jwt_secret" : "a key for the anon or service_role role (role " + role + ")")
                        + "." + expected);
            }
        }
    }

    /**
     * PostgREST's verdict on a bearer the store did not issue as is: any JWT signed with the project's secret, until
     * its {@code exp} (docs.postgrest.org, "Authentication"). A GoTrue access token is judged by the store under its
     * {@code session_id}, so chaos can revoke it; the role keys and JWTs signed elsewhere with the secret cannot be.
     */
    private static TokenStore.Check verify(Service service, SupabaseJwt jwt, String token, Instant now) {
        ObjectNode claims = jwt.verify(token);
        if (claims == null) return TokenStore.Check.UNKNOWN;
        String session = claims.path("session_id").asText(null);
        if (session != null) {
            TokenStore.Check issued = service.tokens().checkIssued(session);
            if (issued.verdict() != TokenStore.Verdict.UNKNOWN) return issued;
        }
        String client = claims.hasNonNull("sub") ? claims.get("sub").asText() : claims.path("role").asText("anon");
        boolean expired = expired(claims, now);
        return new TokenStore.Check(expired ? TokenStore.Verdict.EXPIRED : TokenStore.Verdict.VALID, client, null);
    }

    /** Whether a JWT's {@code exp} (seconds since the epoch) has passed; a JWT without one never expires. */
    private static boolean expired(ObjectNode claims, Instant now) {
        return claims.has("exp") && now.getEpochSecond() >= claims.path("exp").asLong();
    }

    /** The API gateway's key check, for routes that check their own bearer: null when the apikey is one of the project's. */
    private static Reply gatewayRefusal(Call call) {
        String key = call.service().vendor().credential(call.request()).apiKey();
        if (key == null) return call.error(ErrorKind.AUTH_MISSING, "No API key found in request");
        if (!call.service().spec().auth().apiKeys().contains(key)) return call.error(ErrorKind.AUTH_INVALID, "Invalid API key");
        return null;
    }

    /** {@code POST /auth/v1/token?grant_type=password|refresh_token} with GoTrue's JSON body. */
    private static Reply token(Call call) {
        Reply refused = gatewayRefusal(call);
        if (refused != null) return refused;
        FarmRequest req = call.request();
        JsonNode body;
        try {
            body = req.json();
        } catch (BadInput e) {
            return gotrueVersioned(req, call.service().vendor().tokenError(new FarmError(ErrorKind.BAD_REQUEST,
                    "Could not parse request body as JSON: " + e.getMessage(), 400, null, null, "bad_json")));
        }
        ObjectNode params = F.objectNode();
        String grant = req.query("grant_type") != null ? req.query("grant_type") : body.path("grant_type").asText(null);
        if (grant != null) params.put("grant_type", grant);
        // GoTrue's password grant: the farm's OAuth client id and secret play the user's email and password.
        if (body.hasNonNull("email")) params.put("client_id", body.get("email").asText());
        if (body.hasNonNull("password")) params.put("client_secret", body.get("password").asText());
        if (body.hasNonNull("refresh_token")) params.put("refresh_token", body.get("refresh_token").asText());
        return gotrueVersioned(req, OAuthEndpoint.handle(call.service(), params, req));
    }

    /**
     * {@code GET /auth/v1/user}: GoTrue's own bearer check (supabase/auth internal/api/auth.go, requireAuthentication):
     * a JWT that does not verify, has expired or has no {@code sub} (a role key) is a 403 {@code bad_jwt}; one whose
     * session is gone is a 403 {@code session_not_found}; a subject that is no user is {@code user_not_found}.
     */
    private static Reply currentUser(Call call, SupabaseJwt jwt) {
        Reply refused = gatewayRefusal(call);
        if (refused != null) return refused;
        FarmRequest req = call.request();
        String token = call.service().vendor().credential(req).bearer();
        ObjectNode claims = token == null ? null : jwt.verify(token);
        Reply answer;
        if (claims == null) {
            answer = gotrue(403, "bad_jwt", token != null && token.chars().filter(ch -> ch == '.').count() != 2
                    ? "invalid JWT: unable to parse or verify signature, token is malformed: token contains an invalid number of segments"
                    : "invalid JWT: unable to parse or verify signature, token signature is invalid: signature is invalid");
        } else if (expired(claims, call.farm().clock().instant())) {
            answer = gotrue(403, "bad_jwt", "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired");
        } else if (!claims.hasNonNull("sub") || claims.get("sub").asText().isEmpty()) {
            answer = gotrue(403, "bad_jwt", "invalid claim: missing sub claim");
        } else {
            String sub = claims.get("sub").asText();
            String email = call.service().spec().auth().clients().stream().map(AuthSpec.ClientSpec::id)
                    .filter(id -> userId(id).equals(sub)).findFirst().orElse(null);
            String session = claims.path("session_id").asText(null);
            if (email == null) {
                answer = gotrue(403, "user_not_found", "User from sub claim in JWT does not exist");
            } else if (session != null && call.service().tokens().checkIssued(session).verdict() != TokenStore.Verdict.VALID) {
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
    private static Reply gotrueVersioned(FarmRequest req, Reply reply) {
        String version = req.header("X-Supabase-Api-Version");
        if (version == null || version.compareTo("2024-01-01") < 0) return reply;
        reply.header("X-Supabase-Api-Version", "2024-01-01");
        if (reply.status() < 400) return reply;
        JsonNode old = reply.bodyJson();
        ObjectNode body = F.objectNode();
        body.put("code", old.path("error_code").asText());
        body.put("message", old.path("msg").asText());
        Reply out = new Reply(reply.status(), reply.headers(), body.toString().getBytes(StandardCharsets.UTF_8), "application/json");
        return out;
    }

    static String userId(String clientId) {
        return UUID.nameUUIDFromBytes(("supabase-user:" + clientId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static String issuer(Service service, FarmRequest request) {
        String host = request == null ? null : request.header("Host");
        return (host == null ? "http://127.0.0.1" : "http://" + host) + service.spec().basePath() + "/auth/v1";
    }

    private static ObjectNode appMetadata() {
        ObjectNode m = F.objectNode();
        m.put("provider", "email");
        m.set("providers", F.arrayNode().add("email"));
        return m;
    }

    /** GoTrue's user object, reduced to the fields clients read. */
    private static ObjectNode user(String clientId, String signedInAt) {
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
