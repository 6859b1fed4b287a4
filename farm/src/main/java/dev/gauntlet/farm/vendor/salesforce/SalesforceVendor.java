package dev.gauntlet.farm.vendor.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.auth.TokenStore;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.limit.LimitDecision;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Salesforce REST API: OAuth 2.0 token endpoint at {@code /services/oauth2/token}, sObject rows under each resource's
 * path ({@code /services/data/v59.0/sobjects/Account}, see {@link SalesforceRows}) with upsert by External ID, SOQL at
 * {@code /services/data/v59.0/query} with {@code nextRecordsUrl} batches, 18-character ids, errors as
 * {@code [{"message","errorCode"[,"fields"]}]}, {@code Sforce-Limit-Info} on every counted answer and no idempotency
 * keys (Salesforce has none; its idempotent write is the upsert).
 */
public final class SalesforceVendor implements Vendor {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern DATA_PREFIX = Pattern.compile("^(.*)/sobjects/[^/]+$");
    private static final String DEFAULT_PREFIX = "/services/data/v59.0";
    private static final Pattern BATCH_SIZE = Pattern.compile("(?i)batchSize\\s*=\\s*(\\d{1,9})");
    // Query Options Header (REST API Developer Guide): "The default is 2,000; the minimum is 200, and the maximum is 2,000."
    private static final int MIN_BATCH = 200;
    // Standard key prefixes, from the Salesforce "Standard Field Record ID Prefix Decoder" knowledge article.
    private static final Map<String, String> KEY_PREFIXES = Map.of(
            "Account", "001", "Contact", "003", "User", "005", "Opportunity", "006", "Lead", "00Q",
            "Case", "500", "Task", "00T", "Event", "00U", "Campaign", "701", "Product2", "01t");
    private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    @Override
    public String name() {
        return "salesforce";
    }

    /** Salesforce takes {@code Authorization: Bearer <token>} and the older {@code OAuth <token>} scheme. */
    @Override
    public Credential credential(FarmRequest request) {
        return new Credential(Credential.bearerOf(request.header("Authorization")), null);
    }

    // ---------------------------------------------------------------- errors

    @Override
    public Reply error(FarmError error) {
        return switch (error.kind()) {
            // REST API "Status Codes and Error Responses": 401 means "the session ID or OAuth token used has expired or is invalid".
            case AUTH_MISSING, AUTH_INVALID, AUTH_EXPIRED -> sfError(401, "INVALID_SESSION_ID", "Session expired or invalid");
            // Same page: 403 REQUEST_LIMIT_EXCEEDED, and no wait header: the org's allocation is a rolling 24 h count
            // (help.salesforce.com "API Request Limits and Allocations"), so no moment exists at which it is whole
            // again. The farm's own count says "TotalRequests"; a refusal the chaos dial injects is Salesforce's other
            // REQUEST_LIMIT_EXCEEDED, the org's concurrent long-running requests (25 of 20 s or more in production
            // orgs, same help page), which leaves the daily count as it is (see secondaryLimits()).
            case RATE_LIMITED -> sfError(403, "REQUEST_LIMIT_EXCEEDED", error.limit() != null && error.limit().injected()
                    ? "ConcurrentPerOrgLongTxn Limit exceeded." : "TotalRequests Limit exceeded.");
            case SERVER_ERROR -> {
                int status = error.status() == 0 ? 500 : error.status();
                yield status == 503
                        ? sfError(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable. Please retry your request.")
                        : sfError(status, "UNKNOWN_EXCEPTION", "An unexpected error occurred. Please include this ErrorId if you contact support: "
                                + Integer.toHexString(error.hashCode() & 0x7fffffff) + "-" + status + " (-1427542231)");
            }
            case BAD_REQUEST, INVALID_GRANT -> {
                String code = error.code() != null && error.code().equals(error.code().toUpperCase(Locale.ROOT)) ? error.code()
                        : error.field() == null ? "JSON_PARSER_ERROR" : "INVALID_FIELD";
                yield sfError(400, code, error.message(), error.field());
            }
            case NOT_FOUND -> notFound();
            case METHOD_NOT_ALLOWED -> sfError(405, "METHOD_NOT_ALLOWED", error.message());
            case PAYLOAD_TOO_LARGE -> sfError(413, "REQUEST_ENTITY_TOO_LARGE", error.message());
            // Salesforce's sObject API has no idempotency keys; these follow its envelope with self-explaining codes.
            case IDEMPOTENCY_MISMATCH -> sfError(400, "IDEMPOTENCY_KEY_MISMATCH", error.message(), error.field());
            case IDEMPOTENCY_IN_FLIGHT -> sfError(409, "IDEMPOTENCY_KEY_IN_USE", error.message(), error.field());
            // A unique External ID's value used twice: 400 DUPLICATE_VALUE naming the record that holds it, with an
            // empty fields array (StatusCode DUPLICATE_VALUE in "Core Data Types Used in API Calls"; the answer as
            // reported from a real org in k-capehart/go-salesforce issue 133).
            case CONFLICT -> dmlError(400, "DUPLICATE_VALUE", "duplicate value found: " + error.duplicate().field()
                    + " duplicates value on record with id: " + error.duplicate().existingId(), List.of());
        };
    }

    /** An error of a whole request: message and errorCode, and fields only when it names some. */
    static Reply sfError(int status, String code, String message, String... fields) {
        List<String> named = fields == null ? List.of() : java.util.Arrays.stream(fields).filter(java.util.Objects::nonNull).toList();
        return named.isEmpty() ? Reply.json(status, List.of(errorBody(code, message))) : dmlError(status, code, message, named);
    }

    /** An error of a record's save (Error in "Core Data Types Used in API Calls"): always with its fields array, even empty. */
    static Reply dmlError(int status, String code, String message, List<String> fields) {
        Map<String, Object> e = errorBody(code, message);
        e.put("fields", fields);
        return Reply.json(status, List.of(e));
    }

    private static Map<String, Object> errorBody(String code, String message) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("errorCode", code);
        return e;
    }

    static Reply notFound() {
        return sfError(404, "NOT_FOUND", "The requested resource does not exist");
    }

    /**
     * Salesforce's second limit: an injected rate-limit fault is the concurrent long-running request limit, so
     * Sforce-Limit-Info keeps the org's real daily count on that answer.
     */
    @Override
    public boolean secondaryLimits() {
        return true;
    }

    /**
     * REST API "Limit Info Header": "This response header is returned in each request to REST API" - successes and
     * errors alike (a recorded 400 INVALID_FIELD carries "Sforce-Limit-Info: api-usage=60/100000"):
     * {@code api-usage=<used>/<limit>} of the org's rolling allocation.
     */
    @Override
    public void limitHeaders(LimitDecision limit, Reply reply) {
        reply.header("Sforce-Limit-Info", "api-usage=" + Math.max(0, limit.limit() - limit.remaining()) + "/" + limit.limit());
    }

    // ---------------------------------------------------------------- OAuth

    /**
     * The Salesforce token answer has no {@code expires_in} (clients learn of expiry from a 401); fields as in the
     * OAuth 2.0 Client Credentials Flow docs: access_token, instance_url, id, token_type, issued_at (epoch ms), signature.
     */
    @Override
    public Reply tokenReply(Service service, TokenStore.Issued issued, FarmRequest request) {
        String instance = request.serviceUrl();
        String clientId = issued.access().clientId();
        String id = instance + "/id/" + orgId(clientId) + "/" + sfId("005", Math.abs((long) clientId.hashCode()) % 1_000_000L + 1);
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
    @Override
    public Reply tokenError(FarmError error) {
        if (error.kind() == ErrorKind.SERVER_ERROR || error.kind() == ErrorKind.RATE_LIMITED) return error(error);
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

    // ---------------------------------------------------------------- ids

    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) -> F.textNode(sfId(keyPrefix(resource.name()), seq));
    }

    /** The object's key prefix: the standard one when Salesforce has it, else a stable custom-object-like one. */
    static String keyPrefix(String object) {
        String known = KEY_PREFIXES.get(object);
        if (known != null) return known;
        int h = Math.abs(object.hashCode());
        return "a" + BASE62.charAt(h % 62) + BASE62.charAt((h / 62) % 62);
    }

    /** An 18-character id: 3-char key prefix, pod "Gx", a reserved 0, 9 base-62 digits of the sequence, 3-char case suffix. */
    static String sfId(String prefix, long seq) {
        StringBuilder digits = new StringBuilder();
        long n = seq;
        do {
            digits.append(BASE62.charAt((int) (n % 62)));
            n /= 62;
        } while (n > 0);
        while (digits.length() < 9) digits.append('0');
        return to18(prefix + "Gx0" + digits.reverse());
    }

    /**
     * Salesforce's case-safe suffix: for each 5-character chunk of the 15-character id, a bit per upper-case letter,
     * mapped onto A–Z0–5 (the documented algorithm behind CASESAFEID()).
     */
    static String to18(String id15) {
        StringBuilder out = new StringBuilder(id15);
        for (int chunk = 0; chunk < 3; chunk++) {
            int flags = 0;
            for (int i = 0; i < 5; i++) {
                char c = id15.charAt(chunk * 5 + i);
                if (c >= 'A' && c <= 'Z') flags |= 1 << i;
            }
            out.append("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345".charAt(flags));
        }
        return out.toString();
    }

    /** Salesforce accepts both the 15- and the 18-character form of an id. */
    static String normalizeId(String id) {
        return id != null && id.length() == 15 && isIdShaped(id) ? to18(id) : id;
    }

    /** Whether the text has the shape of a record id: 15 or 18 base-62 characters. */
    static boolean isIdShaped(String id) {
        return id != null && (id.length() == 15 || id.length() == 18) && id.chars().allMatch(c -> BASE62.indexOf(c) >= 0);
    }

    private static String orgId(String clientId) {
        return sfId("00D", Math.abs((long) clientId.hashCode()) % 1_000_000L + 1);
    }

    private static String signature(Service service, String clientId, String payload) {
        // Salesforce signs id + issued_at with the connected app's consumer secret (HMAC-SHA256, Base64).
        String secret = service.spec().auth().clients().stream().filter(c -> c.id().equals(clientId))
                .map(c -> c.secret()).findFirst().orElse(clientId);
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }


    // ---------------------------------------------------------------- routes

    @Override
    public void routes(Service service, RouteTable table) {
        table.add(new Route("POST", new PathTemplate("/services/oauth2/token"), Route.TOKEN, null, false, false,
                call -> OAuthEndpoint.handle(call.service(), OAuthEndpoint.params(call.request()), call.request())));
        Set<String> prefixes = new LinkedHashSet<>();
        for (ResourceSpec r : service.spec().resources()) {
            prefixes.add(dataPrefix(r));
            String base = r.path();
            String res = r.name();
            table.add(new Route("GET", new PathTemplate(base), "describe " + res, res, true, false, call -> SalesforceRows.basicInfo(call, r)));
            table.add(new Route("GET", new PathTemplate(base + "/describe"), "describe " + res, res, true, false, call -> SalesforceRows.describe(call, r)));
            if (r.offers(Operation.create)) table.add(new Route("POST", new PathTemplate(base), "create " + res, res, true, true, call -> SalesforceRows.create(call, r)));
            if (r.offers(Operation.get)) {
                table.add(new Route("GET", new PathTemplate(base + "/{id}"), "get " + res, res, true, false, call -> SalesforceRows.get(call, r)));
                table.add(new Route("GET", new PathTemplate(base + "/{field}/{value}"), "get " + res + " by external id", res, true, false,
                        call -> SalesforceRows.getByExternalId(call, r)));
            }
            if (r.offers(Operation.update)) table.add(new Route("PATCH", new PathTemplate(base + "/{id}"), "update " + res, res, true, true, call -> SalesforceRows.update(call, r)));
            // An upsert creates or updates, so it is offered where both are.
            if (r.offers(Operation.create) && r.offers(Operation.update)) {
                table.add(new Route("PATCH", new PathTemplate(base + "/{field}/{value}"), "upsert " + res + " by external id", res, true, true,
                        call -> SalesforceRows.upsert(call, r)));
            }
            if (r.offers(Operation.delete)) table.add(new Route("DELETE", new PathTemplate(base + "/{id}"), "delete " + res, res, true, true, call -> SalesforceRows.delete(call, r)));
        }
        for (String prefix : prefixes) {
            for (String verb : List.of("query", "queryAll")) {
                table.add(new Route("GET", new PathTemplate(prefix + "/" + verb), "SOQL " + verb, null, true, false, call -> query(call, prefix)));
                table.add(new Route("GET", new PathTemplate(prefix + "/" + verb + "/{locator}"), "SOQL " + verb + " more", null, true, false, call -> queryMore(call, prefix)));
            }
        }
    }

    /** {@code /services/data/v59.0} for a resource at {@code /services/data/v59.0/sobjects/Account}. */
    static String dataPrefix(ResourceSpec r) {
        Matcher m = DATA_PREFIX.matcher(r.path());
        return m.matches() && !m.group(1).isEmpty() ? m.group(1) : DEFAULT_PREFIX;
    }

    // ---------------------------------------------------------------- SOQL

    private Reply query(Call call, String prefix) {
        FarmRequest req = call.request();
        String q = req.query("q");
        try {
            SalesforceQuery soql = SalesforceQuery.parse(q);
            return batch(call, prefix, soql, batchSize(call, soql, req), 0);
        } catch (SalesforceQuery.Invalid e) {
            return sfError(400, e.errorCode, e.getMessage());
        }
    }

    /**
     * The next batch. The locator is stateless: "01g" + Base64url of "batch|offset|query" + "-" + offset, shaped like
     * Salesforce's "01gRO0000016PIAYA2-500"; the query is run again, so rows written between batches may shift.
     */
    private Reply queryMore(Call call, String prefix) {
        String locator = call.request().pathParam("locator");
        try {
            int dash = locator.lastIndexOf('-');
            if (!locator.startsWith("01g") || dash < 4) throw new IllegalArgumentException("shape");
            String[] parts = new String(Base64.getUrlDecoder().decode(locator.substring(3, dash)), StandardCharsets.UTF_8).split("\\|", 3);
            if (parts.length != 3) throw new IllegalArgumentException("parts");
            int size = Integer.parseInt(parts[0]);
            int offset = Integer.parseInt(parts[1]);
            return batch(call, prefix, SalesforceQuery.parse(parts[2]), size, offset);
        } catch (SalesforceQuery.Invalid e) {
            return sfError(400, e.errorCode, e.getMessage());
        } catch (IllegalArgumentException e) {
            return sfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
    }

    /** Batch size: the resource's page size, or the Sforce-Query-Options batchSize clamped as Salesforce does. */
    private static int batchSize(Call call, SalesforceQuery soql, FarmRequest req) {
        ResourceSpec r = resourceFor(call, soql);
        int pageSize = r == null ? 2000 : r.pagination().pageSize();
        int max = r == null ? 2000 : r.pagination().maxPageSize();
        String options = req.header("Sforce-Query-Options");
        if (options == null) return pageSize;
        Matcher m = BATCH_SIZE.matcher(options);
        if (!m.find()) return pageSize;
        long wanted = Long.parseLong(m.group(1));
        return (int) Math.max(Math.min(MIN_BATCH, pageSize), Math.min(max, wanted));
    }

    private static ResourceSpec resourceFor(Call call, SalesforceQuery soql) {
        for (ResourceSpec r : call.service().spec().resources()) {
            if (r.name().equalsIgnoreCase(soql.object())) return r;
        }
        return null;
    }

    private Reply batch(Call call, String prefix, SalesforceQuery soql, int size, int offset) {
        ResourceSpec r = resourceFor(call, soql);
        if (r == null) {
            return sfError(400, "INVALID_TYPE", SalesforceQuery.located(soql.text(), soql.objectColumn(), "sObject type '" + soql.object()
                    + "' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. "
                    + "Please reference your WSDL or the describe call for the appropriate names."));
        }
        // Fields resolve as in bodies: any case, and after a rename drift both the new name and the old one.
        SalesforceObjects known = SalesforceObjects.of(call, r);
        List<String> select = new ArrayList<>();
        for (int i = 0; i < soql.fields().size(); i++) {
            String actual = known.resolve(soql.fields().get(i));
            if (actual == null) return noSuchColumn(soql, soql.fields().get(i), soql.fieldColumns().get(i), r);
            if (!select.contains(actual)) select.add(actual);
        }
        List<Resolved> where = new ArrayList<>();
        for (SalesforceQuery.Condition c : soql.where()) {
            String actual = known.resolve(c.field());
            if (actual == null) return noSuchColumn(soql, c.field(), c.column(), r);
            where.add(new Resolved(actual, c));
        }
        String orderBy = null;
        if (soql.orderBy() != null) {
            orderBy = known.resolve(soql.orderBy());
            if (orderBy == null) return noSuchColumn(soql, soql.orderBy(), soql.orderColumn(), r);
        }

        ResourceStore store = call.store(r.name());
        List<ObjectNode> matches;
        if (where.isEmpty() && orderBy == null) {
            // The common case (walk everything) reads only the batch it needs.
            matches = null;
        } else {
            matches = new ArrayList<>();
            for (ObjectNode n : store.page(0, Integer.MAX_VALUE).records()) {
                if (where.stream().allMatch(w -> w.test(n))) matches.add(n);
            }
            if (orderBy != null) {
                String key = orderBy;
                Comparator<ObjectNode> cmp = Comparator.comparing(n -> n.get(key), SalesforceVendor::compareValues);
                matches.sort(soql.descending() ? cmp.reversed() : cmp);
            }
        }
        int available = Math.max(0, (matches == null ? store.size() : matches.size()) - soql.offset());
        int total = soql.limit() == null ? available : Math.min(available, soql.limit());

        Map<String, Object> body = new LinkedHashMap<>();
        body.put("totalSize", total);
        if (soql.count()) {
            body.put("done", true);
            body.put("records", List.of());
            return Reply.json(200, body);
        }
        int take = Math.max(0, Math.min(size, total - offset));
        int from = soql.offset() + offset;
        List<ObjectNode> rows = matches == null ? store.page(from, take).records()
                : matches.subList(Math.min(from, matches.size()), Math.min(from + take, matches.size()));
        ArrayNode records = F.arrayNode();
        for (ObjectNode n : rows) {
            ObjectNode out = F.objectNode();
            out.set("attributes", SalesforceRows.attributes(r, n.path(r.idField()).asText()));
            for (String f : select) out.set(f, n.has(f) ? n.get(f) : F.nullNode());
            records.add(call.present(r.name(), out));
        }
        int next = offset + rows.size();
        boolean done = next >= total || rows.isEmpty();
        body.put("done", done);
        if (!done) body.put("nextRecordsUrl", prefix + "/query/" + locator(size, next, soql.text()));
        body.put("records", records);
        return Reply.json(200, body);
    }

    private static String locator(int size, int offset, String q) {
        String payload = size + "|" + offset + "|" + q;
        return "01g" + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "-" + offset;
    }

    private static Reply noSuchColumn(SalesforceQuery soql, String field, int column, ResourceSpec r) {
        return sfError(400, "INVALID_FIELD", SalesforceQuery.located(soql.text(), column, "No such column '" + field + "' on entity '"
                + r.name() + "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
                + "Please reference your WSDL or the describe call for the appropriate names."));
    }

    /** A WHERE condition bound to the field's API name. */
    private record Resolved(String field, SalesforceQuery.Condition condition) {
        boolean test(ObjectNode row) {
            JsonNode v = row.get(field);
            boolean equal;
            if (condition.literal() == null) {
                equal = v == null || v.isNull();
            } else if (v == null || v.isNull()) {
                equal = false;
            } else if (v.isNumber() && !condition.quoted()) {
                try {
                    equal = v.decimalValue().compareTo(new java.math.BigDecimal(condition.literal())) == 0;
                } catch (NumberFormatException e) {
                    equal = false;
                }
            } else {
                // SOQL compares text case-insensitively with = and !=.
                equal = v.asText().equalsIgnoreCase(condition.literal());
            }
            return condition.negated() != equal;
        }
    }

    /** SOQL's ORDER BY: nulls first, numbers by value, text case-insensitively. */
    private static int compareValues(JsonNode a, JsonNode b) {
        boolean an = a == null || a.isNull();
        boolean bn = b == null || b.isNull();
        if (an || bn) return an == bn ? 0 : an ? -1 : 1;
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
        return a.asText().compareToIgnoreCase(b.asText());
    }
}
