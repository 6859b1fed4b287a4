package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gauntlet.mesh.ConnectorSpec;
import dev.gauntlet.mesh.Forms;
import dev.gauntlet.mesh.auth.AuthConfig;
import dev.gauntlet.mesh.auth.TokenEndpoint;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The baseline a user compares the mesh with: what an integration without it typically does. One attempt per call,
 * a token fetched once and never refreshed, no limiter, no idempotency key, no DLQ. {@link #keyed} is the same client
 * written once "the right way", as a vendor's SDK does it: each write carries the caller's operation id as its
 * idempotency key, so the upstream does its keyed-write work for it as it does for the mesh (a fair benchmark baseline).
 */
public final class NaiveApi implements Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectorSpec spec;
    private final HttpClient http;
    private final boolean sendsKeys;
    private volatile String token;

    public NaiveApi(ConnectorSpec spec, HttpClient http) {
        this(spec, http, false);
    }

    private NaiveApi(ConnectorSpec spec, HttpClient http, boolean sendsKeys) {
        this.spec = spec;
        this.http = http;
        this.sendsKeys = sendsKeys;
    }

    /**
     * The same one-attempt client, but every write with an op id sends it in the connector's idempotency header (none
     * where the connector's idempotency is off, as the mesh does).
     */
    public static NaiveApi keyed(ConnectorSpec spec, HttpClient http) {
        return new NaiveApi(spec, http, true);
    }

    @Override
    public String connector() {
        return spec.id();
    }

    @Override
    public String flavor() {
        return spec.flavor();
    }

    @Override
    public ApiResult call(String method, String path, Object body, String opId) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(spec.resolve(path)).timeout(spec.timeouts().attempt());
            spec.headers().forEach(b::header);
            switch (spec.auth()) {
                case AuthConfig.None none -> { }
                case AuthConfig.ApiKey k -> b.header(k.header(), k.prefix() + k.key());
                case AuthConfig.OAuth2 o -> b.header("Authorization", "Bearer " + token(o));
            }
            // The mesh's own rule: a POST that only reads (MongoDB's find) carries no key.
            if (sendsKeys && opId != null && spec.idempotency().enabled() && spec.idempotency().isWrite(method, path)) {
                b.header(spec.idempotency().header(), opId);
            }
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else if (spec.flavor().equals("stripe")) {
                b.header("Content-Type", "application/x-www-form-urlencoded");
                b.method(method, HttpRequest.BodyPublishers.ofString(Forms.encode(JSON.valueToTree(body))));
            } else {
                b.header("Content-Type", "application/json");
                b.method(method, HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = parse(r.body());
            int s = r.statusCode();
            // The naive client knows only success and failure; the class is a rough status bucket for the report.
            String failure = s < 400 ? null : s == 429 ? "rate_limit" : s == 401 ? "auth_expired" : s >= 500 ? "server_error" : "client_error";
            return new ApiResult(spec.id(), s, json, failure, 1, false, false, null);
        } catch (HttpTimeoutException e) {
            return new ApiResult(spec.id(), 0, null, "timeout", 1, false, false, null);
        } catch (IOException e) {
            return new ApiResult(spec.id(), 0, null, "network_error", 1, false, false, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ApiResult(spec.id(), 0, null, "timeout", 1, false, false, null);
        } catch (IllegalStateException tokenRefused) {
            return new ApiResult(spec.id(), 0, null, "invalid_creds", 1, false, false, null);
        }
    }

    /** Fetched on first use and kept for ever: the naive client's classic bug. */
    private String token(AuthConfig.OAuth2 o) {
        String t = token;
        if (t != null) return t;
        synchronized (this) {
            if (token == null) token = TokenEndpoint.fetchOnce(o, http, spec.timeouts().attempt());
            return token;
        }
    }

    private static JsonNode parse(byte[] body) {
        if (body.length == 0) return null;
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }
}
