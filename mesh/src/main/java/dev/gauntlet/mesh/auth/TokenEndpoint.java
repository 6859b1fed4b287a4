package dev.gauntlet.mesh.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.mesh.call.ErrorClass;
import dev.gauntlet.mesh.classify.Classifier;
import dev.gauntlet.mesh.classify.RetryAfter;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * One OAuth 2.0 token endpoint: builds the token request of a grant (form per RFC 6749 §4.4 / §6, or GoTrue's JSON
 * body with {@code ?grant_type=} in the query) and reads the answer. Secrets never appear in the messages it gives.
 */
public final class TokenEndpoint {

    public static final String REFRESH_GRANT = "refresh_token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Classifier IO = Classifier.common();

    /** What a token request gave. */
    public sealed interface Answer permits Granted, TokenState.Failed {}

    /**
     * A token response.
     *
     * @param refreshToken null when none was issued
     * @param expiresIn    null when the answer had no (usable) expires_in, e.g. Salesforce
     */
    public record Granted(String accessToken, String refreshToken, Duration expiresIn) implements Answer {
        @Override
        public String toString() {
            return "Granted[expiresIn=" + expiresIn + ", refreshToken=" + (refreshToken == null ? "none" : "***") + "]";
        }
    }

    private final AuthConfig.OAuth2 config;
    private final HttpClient http;
    private final InstantSource clock;
    private final Classifier vendor;

    public TokenEndpoint(AuthConfig.OAuth2 config, HttpClient http, InstantSource clock) {
        this(config, http, clock, IO);
    }

    /** With the connector's classifier, so a vendor's own rate-limit or outage answer is told from a refusal. */
    public TokenEndpoint(AuthConfig.OAuth2 config, HttpClient http, InstantSource clock, Classifier vendor) {
        this.config = config;
        this.http = http;
        this.clock = clock;
        this.vendor = vendor;
    }

    /**
     * One token from the configured grant, without the mesh around it (no cache, no refresh, no retry): what a
     * client that fetches a token once does. The access token, or an exception saying why there is none.
     */
    public static String fetchOnce(AuthConfig.OAuth2 config, HttpClient http, Duration timeout) {
        Answer a = new TokenEndpoint(config, http, dev.gauntlet.mesh.time.TimeSource.SYSTEM).primary(timeout);
        if (a instanceof Granted g) return g.accessToken();
        TokenState.Failed f = (TokenState.Failed) a;
        throw new IllegalStateException(
                "token endpoint " + config.tokenUrl() + ": " + f.errorClass() + ": " + f.message());
    }

    /** The configured grant: client_credentials, or password (client id/secret as username or email and password). */
    public Answer primary(Duration timeout) {
        var fields = new LinkedHashMap<String, String>();
        if (config.grant().equals("password") && config.jsonBody()) {
            // GoTrue's password grant body: {"email","password"}.
            fields.put("email", config.clientId());
            fields.put("password", config.clientSecret());
        } else {
            fields.put("client_id", config.clientId());
            fields.put("client_secret", config.clientSecret());
            if (config.grant().equals("password")) {
                fields.put("username", config.clientId());
                fields.put("password", config.clientSecret());
            }
        }
        return send(config.grant(), fields, timeout);
    }

    /** RFC 6749 §6: exchange a refresh token (GoTrue: {"refresh_token"} only; forms also carry the client). */
    public Answer refresh(String refreshToken, Duration timeout) {
        var fields = new LinkedHashMap<String, String>();
        fields.put("refresh_token", refreshToken);
        if (!config.jsonBody()) {
            fields.put("client_id", config.clientId());
            fields.put("client_secret", config.clientSecret());
        }
        return send(REFRESH_GRANT, fields, timeout);
    }

    private Answer send(String grant, Map<String, String> fields, Duration timeout) {
        if (http == null)
            return new TokenState.Failed(
                    ErrorClass.network_error, 0, "no HTTP client to reach the token endpoint", null);
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(uri(grant)).timeout(timeout);
        } catch (IllegalArgumentException e) {
            return new TokenState.Failed(
                    ErrorClass.invalid_creds, 0, "auth.token_url is not a usable URL: " + e.getMessage(), null);
        }
        config.tokenHeaders().forEach(b::header);
        b.header("Accept", "application/json");
        if (config.jsonBody()) {
            ObjectNode body = JSON.createObjectNode();
            fields.forEach(body::put);
            b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            StringJoiner form = new StringJoiner("&");
            form.add("grant_type=" + enc(grant));
            fields.forEach((k, v) -> form.add(enc(k) + "=" + enc(v)));
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form.toString()));
        }
        HttpResponse<byte[]> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            return new TokenState.Failed(
                    IO.classify(e),
                    0,
                    "token endpoint unreachable: " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TokenState.Failed(
                    ErrorClass.timeout, 0, "interrupted while waiting for the token endpoint", null);
        }
        return read(
                grant,
                r.statusCode(),
                r.body(),
                name -> r.headers().firstValue(name).orElse(null));
    }

    /** Reads a token answer; package-visible for tests of the shapes vendors send. */
    Answer read(String grant, int status, byte[] body, Function<String, String> header) {
        JsonNode json = parse(body);
        if (status >= 200 && status < 300) {
            String access = text(json, "access_token");
            if (access == null) {
                return new TokenState.Failed(
                        ErrorClass.server_error,
                        status,
                        "token endpoint answered " + status + " without an access_token",
                        null);
            }
            return new Granted(access, text(json, "refresh_token"), expiresIn(json));
        }
        String code = firstText(json, "error", "error_code", "code");
        String description = firstText(json, "error_description", "msg", "message");
        String message = "token endpoint (" + grant + ") HTTP " + status + (code == null ? "" : " " + code)
                + (description == null ? "" : ": " + description);
        if (status == 429) {
            String ra = header.apply("Retry-After");
            Duration wait =
                    ra == null ? null : RetryAfter.parse(ra, clock.instant()).orElse(null);
            return new TokenState.Failed(ErrorClass.rate_limit, status, message, wait);
        }
        if (status >= 500) return new TokenState.Failed(ErrorClass.server_error, status, message, null);
        // A vendor's rate-limit signal on its token endpoint (Salesforce's 403 REQUEST_LIMIT_EXCEEDED, GitHub's 403
        // with
        // x-ratelimit-remaining 0) says "later", not "never": it must not be taken for refused credentials.
        var answer = new dev.gauntlet.mesh.call.MeshResponse(status, headerMap(header), body, null, null, false);
        Classifier.Verdict verdict = vendor.judge(answer, clock.instant());
        if (verdict.errorClass() == ErrorClass.rate_limit)
            return new TokenState.Failed(ErrorClass.rate_limit, status, message, verdict.retryAfter());
        // 400/401/403 from a token endpoint (invalid_client, invalid_grant, a spent refresh token, wrong password,
        // unsupported grant) all mean the same thing: this credential will not be accepted again as it is.
        if (status == 400 || status == 401 || status == 403)
            return new TokenState.Failed(ErrorClass.invalid_creds, status, message, null);
        return new TokenState.Failed(ErrorClass.client_error, status, message, null);
    }

    /** The few headers the vendor rules read, as the map a MeshResponse carries. */
    private static Map<String, List<String>> headerMap(Function<String, String> header) {
        var out = new HashMap<String, List<String>>();
        for (String name : List.of(
                "Retry-After",
                "x-ratelimit-remaining",
                "x-ratelimit-reset",
                "X-RateLimit-Reset",
                "X-RateLimit-Remaining")) {
            String v = header.apply(name);
            if (v != null) out.put(name, List.of(v));
        }
        return out;
    }

    private URI uri(String grant) {
        String url = config.tokenUrl();
        // GoTrue takes the grant in the query string; a URL that already names one is left alone.
        if (config.jsonBody() && !url.contains("grant_type="))
            url = url + (url.contains("?") ? "&" : "?") + "grant_type=" + enc(grant);
        return URI.create(url);
    }

    /** expires_in as a number or numeric string (some vendors quote it); absent, zero or garbage means "not said". */
    private static Duration expiresIn(JsonNode json) {
        JsonNode v = json.get("expires_in");
        if (v == null || v.isNull()) return null;
        long seconds;
        if (v.isNumber()) seconds = v.asLong();
        else {
            try {
                seconds = Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return seconds > 0 ? Duration.ofSeconds(seconds) : null;
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode n = body.length == 0 ? null : JSON.readTree(body);
            return n == null || !n.isObject() ? JSON.createObjectNode() : n;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode v = json.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isEmpty() ? null : v.asText();
    }

    private static String firstText(JsonNode json, String... fields) {
        for (String f : fields) {
            String v = text(json, f);
            if (v != null) return v.length() > 200 ? v.substring(0, 200) : v;
        }
        return null;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
