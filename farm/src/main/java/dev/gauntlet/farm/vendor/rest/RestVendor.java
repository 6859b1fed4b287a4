package dev.gauntlet.farm.vendor.rest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plain JSON REST API, the flavour for services a user describes in YAML without a vendor to copy:
 * {@code GET /things?page=&per_page=}, {@code GET /things/{id}}, {@code POST /things}, {@code PATCH|PUT /things/{id}},
 * {@code DELETE /things/{id}}; errors {@code {"error":{"code","message","field"}}}; IETF-draft rate-limit headers.
 */
public class RestVendor implements Vendor {

    @Override
    public String name() {
        return "rest";
    }

    @Override
    public Credential credential(FarmRequest request) {
        String key = request.header("X-API-Key");
        if (key == null) key = request.query("api_key");
        return new Credential(Credential.bearerOf(request.header("Authorization")), key);
    }

    @Override
    public Reply error(FarmError error) {
        int status = status(error);
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", code(error));
        inner.put("message", error.message());
        if (error.field() != null) inner.put("field", error.field());
        Reply reply = Reply.json(status, Map.of("error", inner));
        if (error.limit() != null) reply.header("Retry-After", error.limit().retryAfterSeconds());
        if (error.kind() == ErrorKind.AUTH_EXPIRED
                || error.kind() == ErrorKind.AUTH_INVALID
                || error.kind() == ErrorKind.AUTH_MISSING) {
            reply.header("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        return reply;
    }

    static int status(FarmError error) {
        return switch (error.kind()) {
            case AUTH_MISSING, AUTH_INVALID, AUTH_EXPIRED -> 401;
            case RATE_LIMITED -> 429;
            case SERVER_ERROR -> error.status() == 0 ? 500 : error.status();
            case BAD_REQUEST, IDEMPOTENCY_MISMATCH, INVALID_GRANT -> 400;
            case NOT_FOUND -> 404;
            case METHOD_NOT_ALLOWED -> 405;
            case PAYLOAD_TOO_LARGE -> 413;
            case IDEMPOTENCY_IN_FLIGHT, CONFLICT -> 409;
        };
    }

    static String code(FarmError error) {
        if (error.code() != null) return error.code();
        return switch (error.kind()) {
            case AUTH_MISSING -> "unauthenticated";
            case AUTH_INVALID -> "invalid_credentials";
            case AUTH_EXPIRED -> "token_expired";
            case RATE_LIMITED -> "rate_limited";
            case SERVER_ERROR -> "internal_error";
            case BAD_REQUEST -> "bad_request";
            case NOT_FOUND -> "not_found";
            case METHOD_NOT_ALLOWED -> "method_not_allowed";
            case PAYLOAD_TOO_LARGE -> "payload_too_large";
            case IDEMPOTENCY_MISMATCH -> "idempotency_key_mismatch";
            case IDEMPOTENCY_IN_FLIGHT -> "idempotency_key_in_use";
            case INVALID_GRANT -> "invalid_grant";
            case CONFLICT -> "conflict";
        };
    }

    @Override
    public void limitHeaders(LimitDecision limit, Reply reply) {
        reply.header("X-RateLimit-Limit", limit.limit());
        reply.header("X-RateLimit-Remaining", limit.remaining());
        reply.header("X-RateLimit-Reset", limit.resetEpochS());
    }

    @Override
    public ResourceStore.IdMinter ids() {
        return (resource, seq, random) ->
                JsonNodeFactory.instance.textNode(resource.name().toLowerCase() + "_" + seq);
    }

    @Override
    public void routes(Service service, RouteTable table) {
        table.add(new Route(
                "POST",
                new PathTemplate("/oauth/token"),
                Route.TOKEN,
                null,
                false,
                false,
                call -> OAuthEndpoint.handle(call.service(), OAuthEndpoint.params(call.request()), call.request())));
        for (ResourceSpec r : service.spec().resources()) {
            String base = r.path();
            String item = base + "/{id}";
            String res = r.name();
            if (r.offers(Operation.list))
                table.add(new Route(
                        "GET", new PathTemplate(base), "list " + res, res, true, false, call -> list(call, r)));
            if (r.offers(Operation.create))
                table.add(new Route(
                        "POST", new PathTemplate(base), "create " + res, res, true, true, call -> create(call, r)));
            if (r.offers(Operation.get))
                table.add(
                        new Route("GET", new PathTemplate(item), "get " + res, res, true, false, call -> get(call, r)));
            if (r.offers(Operation.update)) {
                table.add(new Route(
                        "PATCH", new PathTemplate(item), "update " + res, res, true, true, call -> update(call, r)));
                table.add(new Route(
                        "PUT", new PathTemplate(item), "replace " + res, res, true, true, call -> update(call, r)));
            }
            if (r.offers(Operation.delete))
                table.add(new Route(
                        "DELETE", new PathTemplate(item), "delete " + res, res, true, true, call -> delete(call, r)));
        }
    }

    private static Reply list(Call call, ResourceSpec r) {
        FarmRequest req = call.request();
        int perPage = req.queryInt(
                "per_page", r.pagination().pageSize(), 1, r.pagination().maxPageSize());
        int page = req.queryInt("page", 1, 1, Integer.MAX_VALUE);
        ResourceStore store = call.store(r.name());
        ResourceStore.Page p = store.page((page - 1) * perPage, perPage);
        List<ObjectNode> data =
                p.records().stream().map(n -> call.present(r.name(), n)).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", data);
        body.put("page", page);
        body.put("per_page", perPage);
        body.put("total", p.total());
        boolean more = (long) page * perPage < p.total();
        body.put("has_more", more);
        Reply reply = Reply.json(200, body);
        if (more) {
            reply.header(
                    "Link",
                    "<" + call.service().spec().basePath() + r.path() + "?page=" + (page + 1) + "&per_page=" + perPage
                            + ">; rel=\"next\"");
        }
        return reply;
    }

    private static Reply get(Call call, ResourceSpec r) {
        String id = call.request().pathParam("id");
        ObjectNode node = call.store(r.name()).get(id);
        return node == null ? call.notFound(r.name(), id) : Reply.json(200, call.present(r.name(), node));
    }

    private static Reply create(Call call, ResourceSpec r) {
        ObjectNode fields = call.request().fields();
        ObjectNode created = call.store(r.name()).create(fields);
        String id = created.path(r.idField()).asText();
        call.commit(r.name(), "create", fields, id);
        return Reply.json(201, call.present(r.name(), created))
                .header("Location", call.service().spec().basePath() + r.path() + "/" + id);
    }

    private static Reply update(Call call, ResourceSpec r) {
        String id = call.request().pathParam("id");
        ObjectNode fields = call.request().fields();
        ObjectNode updated = call.store(r.name()).update(id, fields);
        if (updated == null) return call.notFound(r.name(), id);
        call.commit(r.name(), "update", fields, id);
        return Reply.json(200, call.present(r.name(), updated));
    }

    private static Reply delete(Call call, ResourceSpec r) {
        String id = call.request().pathParam("id");
        if (call.store(r.name()).delete(id) == null) return call.notFound(r.name(), id);
        call.commitWithOpId(r.name(), "delete", call.opIdOf(call.request().json()), id);
        return Reply.empty(204);
    }
}
