package dev.gauntlet.farm.vendor.salesforce;

import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.vendor.ErrorKind;
import dev.gauntlet.farm.vendor.FarmError;
import dev.gauntlet.farm.vendor.Service;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Salesforce's token endpoint answers (OAuth 2.0 Client Credentials Flow): its success body and its error codes. */
final class SalesforceOAuth {
    private SalesforceOAuth() {}

    /**
     * The Salesforce token answer has no {@code expires_in} (clients learn of expiry from a 401); fields as in the
     * OAuth 2.0 Client Credentials Flow docs: access_token, instance_url, id, token_type, issued_at (epoch ms), signature.
     */
    static Reply tokenReply(Service service, TokenStore.Issued issued, FarmRequest request) {
        String instance = request.serviceUrl();
        String clientId = issued.access().clientId();
        String id = instance + "/id/" + orgId(clientId) + "/"
                + SalesforceIds.sfId("005", Math.abs((long) clientId.hashCode()) % 1_000_000L + 1);
        String issuedAt = Long.toString(issued.access().issuedAt().toEpochMilli());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", issued.access().value());
        if (issued.refresh() != null) body.put("refresh_token", issued.refresh().value());
        body.put("instance_url", instance);
        body.put("id", id);
        body.put("token_type", "Bearer");
        body.put("issued_at", issuedAt);
        body.put("signature", signature(service, clientId, id + issuedAt));
        return Reply.json(200, body).header("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private");
    }

    /**
     * Salesforce's token errors are 400 with its own codes: a wrong secret is {@code invalid_client / invalid client
     * credentials}, an unknown or missing client id {@code invalid_client_id / client identifier invalid}
     * (seen in restforce and forrest issue reports), a missing or unknown grant {@code unsupported_grant_type}.
     */
    static Reply tokenError(FarmError error) {
        if (error.kind() == ErrorKind.SERVER_ERROR || error.kind() == ErrorKind.RATE_LIMITED)
            return SalesforceErrors.of(error);
        String code;
        String description;
        switch (error.kind()) {
            case AUTH_MISSING -> {
                code = "invalid_client_id";
                description = "client identifier invalid";
            }
            case AUTH_INVALID -> {
                code = "invalid_client";
                description = "invalid client credentials";
            }
            case INVALID_GRANT -> {
                code = "invalid_grant";
                description = "expired access/refresh token";
            }
            default -> {
                boolean grant = "grant_type".equals(error.field()) || "unsupported_grant_type".equals(error.code());
                code = grant ? "unsupported_grant_type" : "invalid_request";
                description = grant ? "grant type not supported" : error.message();
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", code);
        body.put("error_description", description);
        return Reply.json(400, body).header("Cache-Control", "no-cache,must-revalidate,max-age=0,no-store,private");
    }

    private static String orgId(String clientId) {
        return SalesforceIds.sfId("00D", Math.abs((long) clientId.hashCode()) % 1_000_000L + 1);
    }

    private static String signature(Service service, String clientId, String payload) {
        // Salesforce signs id + issued_at with the connected app's consumer secret (HMAC-SHA256, Base64).
        String secret = service.spec().auth().clients().stream()
                .filter(c -> c.id().equals(clientId))
                .map(c -> c.secret())
                .findFirst()
                .orElse(clientId);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
