package dev.gauntlet.farm.vendor.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ResourceSpec.Operation;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.OAuthEndpoint;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Salesforce's routes: the token endpoint, each resource's sObject routes (answered by {@link SalesforceRows}) and the
 * SOQL endpoints {@code query}/{@code queryAll} with their {@code nextRecordsUrl} batches.
 */
final class SalesforceRoutes {
    private SalesforceRoutes() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern DATA_PREFIX = Pattern.compile("^(.*)/sobjects/[^/]+$");
    private static final String DEFAULT_PREFIX = "/services/data/v59.0";
    private static final Pattern BATCH_SIZE = Pattern.compile("(?i)batchSize\\s*=\\s*(\\d{1,9})");
    // Query Options Header (REST API Developer Guide): "The default is 2,000; the minimum is 200, and the maximum is
    // 2,000."
    private static final int MIN_BATCH = 200;

    /** Registers the token endpoint, each resource's sObject routes and the SOQL endpoints of each API version. */
    static void register(Service service, RouteTable table) {
        table.add(new Route(
                "POST",
                new PathTemplate("/services/oauth2/token"),
                Route.TOKEN,
                null,
                false,
                false,
                call -> OAuthEndpoint.handle(call.service(), OAuthEndpoint.params(call.request()), call.request())));
        Set<String> prefixes = new LinkedHashSet<>();
        for (ResourceSpec r : service.spec().resources()) {
            prefixes.add(dataPrefix(r));
            String base = r.path();
            String res = r.name();
            table.add(new Route(
                    "GET",
                    new PathTemplate(base),
                    "describe " + res,
                    res,
                    true,
                    false,
                    call -> SalesforceRows.basicInfo(call, r)));
            table.add(new Route(
                    "GET",
                    new PathTemplate(base + "/describe"),
                    "describe " + res,
                    res,
                    true,
                    false,
                    call -> SalesforceRows.describe(call, r)));
            if (r.offers(Operation.create))
                table.add(new Route(
                        "POST",
                        new PathTemplate(base),
                        "create " + res,
                        res,
                        true,
                        true,
                        call -> SalesforceRows.create(call, r)));
            if (r.offers(Operation.get)) {
                table.add(new Route(
                        "GET",
                        new PathTemplate(base + "/{id}"),
                        "get " + res,
                        res,
                        true,
                        false,
                        call -> SalesforceRows.get(call, r)));
                table.add(new Route(
                        "GET",
                        new PathTemplate(base + "/{field}/{value}"),
                        "get " + res + " by external id",
                        res,
                        true,
                        false,
                        call -> SalesforceRows.getByExternalId(call, r)));
            }
            if (r.offers(Operation.update))
                table.add(new Route(
                        "PATCH",
                        new PathTemplate(base + "/{id}"),
                        "update " + res,
                        res,
                        true,
                        true,
                        call -> SalesforceRows.update(call, r)));
            // An upsert creates or updates, so it is offered where both are.
            if (r.offers(Operation.create) && r.offers(Operation.update)) {
                table.add(new Route(
                        "PATCH",
                        new PathTemplate(base + "/{field}/{value}"),
                        "upsert " + res + " by external id",
                        res,
                        true,
                        true,
                        call -> SalesforceRows.upsert(call, r)));
            }
            if (r.offers(Operation.delete))
                table.add(new Route(
                        "DELETE",
                        new PathTemplate(base + "/{id}"),
                        "delete " + res,
                        res,
                        true,
                        true,
                        call -> SalesforceRows.delete(call, r)));
        }
        for (String prefix : prefixes) {
            for (String verb : List.of("query", "queryAll")) {
                table.add(new Route(
                        "GET",
                        new PathTemplate(prefix + "/" + verb),
                        "SOQL " + verb,
                        null,
                        true,
                        false,
                        call -> query(call, prefix)));
                table.add(new Route(
                        "GET",
                        new PathTemplate(prefix + "/" + verb + "/{locator}"),
                        "SOQL " + verb + " more",
                        null,
                        true,
                        false,
                        call -> queryMore(call, prefix)));
            }
        }
    }

    /** {@code /services/data/v59.0} for a resource at {@code /services/data/v59.0/sobjects/Account}. */
    static String dataPrefix(ResourceSpec r) {
        Matcher m = DATA_PREFIX.matcher(r.path());
        return m.matches() && !m.group(1).isEmpty() ? m.group(1) : DEFAULT_PREFIX;
    }

    private static Reply query(Call call, String prefix) {
        FarmRequest req = call.request();
        String q = req.query("q");
        try {
            SalesforceQuery soql = SalesforceQuery.parse(q);
            return batch(call, prefix, soql, batchSize(call, soql, req), 0);
        } catch (SalesforceQuery.Invalid e) {
            return SalesforceErrors.sfError(400, e.errorCode, e.getMessage());
        }
    }

    /**
     * The next batch. The locator is stateless: "01g" + Base64url of "batch|offset|query" + "-" + offset, shaped like
     * Salesforce's "01gRO0000016PIAYA2-500"; the query is run again, so rows written between batches may shift.
     */
    private static Reply queryMore(Call call, String prefix) {
        String locator = call.request().pathParam("locator");
        try {
            int dash = locator.lastIndexOf('-');
            if (!locator.startsWith("01g") || dash < 4) throw new IllegalArgumentException("shape");
            String[] parts = new String(
                            Base64.getUrlDecoder().decode(locator.substring(3, dash)), StandardCharsets.UTF_8)
                    .split("\\|", 3);
            if (parts.length != 3) throw new IllegalArgumentException("parts");
            int size = Integer.parseInt(parts[0]);
            int offset = Integer.parseInt(parts[1]);
            return batch(call, prefix, SalesforceQuery.parse(parts[2]), size, offset);
        } catch (SalesforceQuery.Invalid e) {
            return SalesforceErrors.sfError(400, e.errorCode, e.getMessage());
        } catch (IllegalArgumentException e) {
            return SalesforceErrors.sfError(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
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

    private static Reply batch(Call call, String prefix, SalesforceQuery soql, int size, int offset) {
        ResourceSpec r = resourceFor(call, soql);
        if (r == null) {
            return SalesforceErrors.sfError(
                    400,
                    "INVALID_TYPE",
                    SalesforceQuery.located(
                            soql.text(),
                            soql.objectColumn(),
                            "sObject type '" + soql.object()
                                    + "' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. "
                                    + "Please reference your WSDL or the describe call for the appropriate names."));
        }
        // Fields resolve as in bodies: any case, and after a rename drift both the new name and the old one.
        SalesforceObjects known = SalesforceObjects.of(call, r);
        List<String> select = new ArrayList<>();
        for (int i = 0; i < soql.fields().size(); i++) {
            String actual = known.resolve(soql.fields().get(i));
            if (actual == null)
                return noSuchColumn(
                        soql, soql.fields().get(i), soql.fieldColumns().get(i), r);
            if (!select.contains(actual)) select.add(actual);
        }
        List<SalesforceQuery.Resolved> where = new ArrayList<>();
        for (SalesforceQuery.Condition c : soql.where()) {
            String actual = known.resolve(c.field());
            if (actual == null) return noSuchColumn(soql, c.field(), c.column(), r);
            where.add(new SalesforceQuery.Resolved(actual, c));
        }
        String orderBy = null;
        if (soql.orderBy() != null) {
            orderBy = known.resolve(soql.orderBy());
            if (orderBy == null) return noSuchColumn(soql, soql.orderBy(), soql.orderColumn(), r);
        }

        ResourceStore store = call.store(r.name());
        // matches: null when the answer pages straight out of the store (creation order) or an ordered index.
        List<ObjectNode> matches;
        if (where.isEmpty()) {
            matches = null;
        } else {
            matches = where.size() == 1 && indexable(where.getFirst())
                    ? equal(store, where.getFirst())
                    : scan(store, where);
            if (orderBy != null) {
                String key = orderBy;
                Comparator<ObjectNode> cmp = Comparator.comparing(n -> n.get(key), SalesforceQuery::compareValues);
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
        List<ObjectNode> rows;
        if (matches != null)
            rows = matches.subList(Math.min(from, matches.size()), Math.min(from + take, matches.size()));
        else if (orderBy != null) rows = store.ordered(ordering(orderBy, soql.descending()), from, take);
        else rows = store.page(from, take).records();
        ArrayNode records = F.arrayNode();
        for (ObjectNode n : rows) {
            ObjectNode out = F.objectNode();
            out.set(
                    "attributes",
                    SalesforceRows.attributes(r, n.path(r.idField()).asText()));
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

    /**
     * ORDER BY one field as a stable sort would give it: by the field (SOQL's order), ties in creation order; DESC
     * reverses the field's order only, so its ties stay in creation order too.
     */
    private static ResourceStore.Ordering ordering(String field, boolean descending) {
        Comparator<JsonNode> cmp = SalesforceQuery::compareValues;
        return new ResourceStore.Ordering(
                "soql:" + field + (descending ? ":desc" : ":asc"),
                n -> n.get(field),
                descending ? cmp.reversed() : cmp);
    }

    /** A WHERE an ordered index answers: one text equality (field = 'literal'), which SOQL compares case-insensitively. */
    private static boolean indexable(SalesforceQuery.Resolved w) {
        SalesforceQuery.Condition c = w.condition();
        return !c.negated() && c.literal() != null && c.quoted();
    }

    /** The records that meet a text equality, in creation order: the field's ascending index from the literal on. */
    private static List<ObjectNode> equal(ResourceStore store, SalesforceQuery.Resolved w) {
        JsonNode literal = F.textNode(w.condition().literal());
        List<ObjectNode> out = new ArrayList<>();
        Iterator<ObjectNode> it = store.walk(ordering(w.field(), false), literal, Long.MIN_VALUE, true, false);
        while (it.hasNext()) {
            ObjectNode n = it.next();
            // Past the literal's run of equal keys nothing further matches.
            if (SalesforceQuery.compareValues(n.get(w.field()), literal) != 0) break;
            if (w.test(n)) out.add(n);
        }
        return out;
    }

    /** The fallback for conditions no index serves: every record, tested. */
    private static List<ObjectNode> scan(ResourceStore store, List<SalesforceQuery.Resolved> where) {
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode n : store.all()) {
            boolean all = true;
            for (SalesforceQuery.Resolved w : where) {
                if (!w.test(n)) {
                    all = false;
                    break;
                }
            }
            if (all) out.add(n);
        }
        return out;
    }

    private static String locator(int size, int offset, String q) {
        String payload = size + "|" + offset + "|" + q;
        return "01g" + Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
                + "-" + offset;
    }

    private static Reply noSuchColumn(SalesforceQuery soql, String field, int column, ResourceSpec r) {
        return SalesforceErrors.sfError(
                400,
                "INVALID_FIELD",
                SalesforceQuery.located(
                        soql.text(),
                        column,
                        "No such column '" + field + "' on entity '"
                                + r.name()
                                + "'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. "
                                + "Please reference your WSDL or the describe call for the appropriate names."));
    }
}
