package dev.gauntlet.farm.vendor.supabase;

import static dev.gauntlet.farm.vendor.supabase.SupabaseErrors.duplicate;
import static dev.gauntlet.farm.vendor.supabase.SupabaseErrors.uniqueViolation;
import static dev.gauntlet.farm.vendor.supabase.SupabaseQuery.comparator;
import static dev.gauntlet.farm.vendor.supabase.SupabaseQuery.filters;
import static dev.gauntlet.farm.vendor.supabase.SupabaseQuery.matching;
import static dev.gauntlet.farm.vendor.supabase.SupabaseQuery.order;
import static dev.gauntlet.farm.vendor.supabase.SupabaseQuery.project;
import static dev.gauntlet.farm.vendor.supabase.SupabaseQuery.selectList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.PathTemplate;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.spec.ResourceSpec.Operation;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.Route;
import dev.gauntlet.farm.vendor.RouteTable;
import dev.gauntlet.farm.vendor.Service;
import dev.gauntlet.farm.vendor.supabase.SupabaseErrors.PgError;
import dev.gauntlet.farm.vendor.supabase.SupabaseQuery.Filter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PostgREST's table endpoints as Supabase serves them under {@code /rest/v1}: vertical filtering ({@code select}),
 * horizontal filtering ({@code col=op.value}), {@code order}, {@code limit}/{@code offset} and {@code Range},
 * {@code Prefer: return=…, count=…}, and PostgREST's error codes. The filter language is {@link SupabaseQuery}, the error
 * bodies {@link SupabaseErrors}. Reference: docs.postgrest.org (v12), api.html and references/errors.html.
 */
final class SupabaseRoutes {
    private SupabaseRoutes() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** Registers each table's PostgREST verbs under {@code /rest/v1}, and the answer for a table the service lacks. */
    static void register(Service service, RouteTable table) {
        for (ResourceSpec r : service.spec().resources()) {
            PathTemplate path = new PathTemplate(r.path());
            String res = r.name();
            if (r.offers(Operation.list) || r.offers(Operation.get)) {
                table.add(new Route("GET", path, "select " + res, res, true, false, call -> select(call, r)));
                table.add(new Route("HEAD", path, "count " + res, res, true, false, call -> select(call, r)));
            }
            if (r.offers(Operation.create))
                table.add(new Route("POST", path, "insert or upsert " + res, res, true, true, call -> insert(call, r)));
            if (r.offers(Operation.update))
                table.add(new Route("PATCH", path, "update " + res, res, true, true, call -> update(call, r)));
            if (r.offers(Operation.delete))
                table.add(new Route("DELETE", path, "delete " + res, res, true, true, call -> delete(call, r)));
        }
        // Any other table under /rest/v1 exists only to say it does not, after the credentials are checked (as
        // PostgREST).
        for (String method : new String[] {"GET", "HEAD", "POST", "PATCH", "PUT", "DELETE"}) {
            table.add(new Route(
                    method,
                    new PathTemplate("/rest/v1/{table}"),
                    method + " unknown table",
                    null,
                    true,
                    false,
                    call -> unknownTable(call, service)));
        }
    }

    /**
     * One order column as PostgREST sorts it (NULLs last ascending, first descending), ties in creation order: what
     * {@link SupabaseQuery#comparator}'s stable sort of the table gives.
     */
    private static ResourceStore.Ordering ordering(String column, boolean ascending) {
        return new ResourceStore.Ordering(
                "postgrest:" + column + (ascending ? ".asc" : ".desc"),
                n -> n.get(column),
                (a, b) -> SupabaseQuery.compareColumn(a, b, ascending));
    }

    private static List<ObjectNode> presented(Call call, ResourceSpec r, List<ObjectNode> raw) {
        List<ObjectNode> out = new ArrayList<>(raw.size());
        for (ObjectNode n : raw) out.add(call.present(r.name(), n));
        return out;
    }

    /** GET (and HEAD): select, filter, order, page. */
    static Reply select(Call call, ResourceSpec r) {
        try {
            FarmRequest req = call.request();
            Prefer prefer = Prefer.of(req.header("Prefer"));
            Set<String> columns = columns(call, r);
            List<String> select = selectList(req.query("select"), columns, r);
            List<Filter> filters = filters(req, columns, r);
            List<Map.Entry<String, Boolean>> order = order(req.query("order"), columns, r);
            int max = r.pagination().maxPageSize();
            long[] range = range(req, max);
            int offset = (int) range[0];
            int limit = (int) Math.min(range[1], max);

            ResourceStore store = call.store(r.name());
            List<ObjectNode> rows;
            int total;
            if (filters.isEmpty() && order.isEmpty()) {
                // The common case pages straight out of the store instead of scanning it.
                ResourceStore.Page page = store.page(offset, limit);
                rows = presented(call, r, page.records());
                total = page.total();
            } else if (filters.isEmpty()
                    && order.size() == 1
                    && call.service().drift().activeCount() == 0) {
                // One order column and no drift (which could rename or retype it): the column's ordered index.
                var o = order.getFirst();
                rows = presented(call, r, store.ordered(ordering(o.getKey(), o.getValue()), offset, limit));
                total = store.size();
            } else {
                List<ObjectNode> matched = matching(call, r, filters);
                if (!order.isEmpty()) matched.sort(comparator(order));
                total = matched.size();
                rows = offset >= total ? List.of() : matched.subList(offset, Math.min(total, offset + limit));
            }
            boolean counted = prefer.count != null;
            if (counted && offset > 0 && offset >= total) {
                throw new PgError(
                        416,
                        "PGRST103",
                        "Requested range not satisfiable",
                        "An offset of " + offset + " was requested, but there are only " + total + " rows.",
                        null);
            }
            ArrayNode out = F.arrayNode();
            rows.forEach(row -> out.add(project(row, select)));
            String contentRange = (rows.isEmpty() ? "*" : offset + "-" + (offset + rows.size() - 1)) + "/"
                    + (counted ? String.valueOf(total) : "*");
            // PostgREST answers 206 only when it knows the total and the answer is a part of it.
            int status = counted && rows.size() < total ? 206 : 200;
            Reply reply = singular(req, out, status);
            reply.header("Content-Range", contentRange);
            if (counted) reply.header("Preference-Applied", "count=" + prefer.count);
            if (req.method().equals("HEAD"))
                return new Reply(reply.status(), reply.headers(), null, reply.contentType());
            return reply;
        } catch (PgError e) {
            return e.reply();
        }
    }

    /**
     * POST: an insert of one object or an array of them, or with {@code Prefer: resolution=merge-duplicates|ignore-duplicates}
     * an upsert on the primary key or the unique column {@code on_conflict} names (docs.postgrest.org v12, "Insert"
     * and "Upsert"). Every row written goes to the ledger with its own op id; an upsert that finds its row is
     * reapplied, not committed again.
     */
    static Reply insert(Call call, ResourceSpec r) {
        try {
            FarmRequest req = call.request();
            Prefer prefer = Prefer.of(req.header("Prefer"));
            Set<String> columns = columns(call, r);
            List<ObjectNode> rows = payload(req, prefer, columns, r);
            List<String> select = selectList(req.query("select"), columns, r);
            Written written = prefer.resolution() == null
                    ? insertRows(call, r, rows)
                    : upsertRows(
                            call,
                            r,
                            rows,
                            conflictColumn(req.query("on_conflict"), columns, r),
                            prefer.resolution().equals("ignore-duplicates"));
            ArrayNode out = F.arrayNode();
            for (ObjectNode row : written.rows()) out.add(project(call.present(r.name(), row), select));
            // PostgREST answers 200 to an upsert that merged without creating anything, else 201 (Response.hs,
            // isInsertIfGTZero; UpsertSpec "UPDATEs rows on pk conflict").
            int status = "merge-duplicates".equals(prefer.resolution()) && written.created() == 0 ? 200 : 201;
            return inserted(req, prefer, out, status);
        } catch (PgError e) {
            return e.reply();
        }
    }

    /** The rows a write produced, in request order, and how many of them it created. */
    private record Written(List<ObjectNode> rows, int created) {}

    /**
     * A plain insert is one INSERT statement: a key that is taken (or given twice) refuses the whole request with
     * 23505 and nothing is stored.
     */
    private static Written insertRows(Call call, ResourceSpec r, List<ObjectNode> rows) {
        ResourceStore store = call.store(r.name());
        refuseTakenKeys(store, r, rows);
        List<ObjectNode> created = new ArrayList<>(rows.size());
        try {
            for (ObjectNode row : rows) created.add(store.create(row));
        } catch (ResourceStore.UniqueViolation race) {
            // Another request took a value after the check: undo this one's rows, as its transaction would roll back.
            for (ObjectNode row : created) store.delete(row.path(r.idField()).asText());
            throw uniqueViolation(r.name(), race.field(), race.value());
        }
        for (int i = 0; i < rows.size(); i++) {
            call.commitWithOpId(
                    r.name(),
                    "create",
                    call.opIdOf(rows.get(i)),
                    created.get(i).path(r.idField()).asText());
        }
        return new Written(created, created.size());
    }

    /** Refuses a batch that would give the primary key or a unique column a value that is taken or repeated. */
    private static void refuseTakenKeys(ResourceStore store, ResourceSpec r, List<ObjectNode> rows) {
        Set<String> ids = new HashSet<>();
        Map<String, Set<String>> seen = new HashMap<>();
        for (ObjectNode row : rows) {
            String id = keyOf(row, r.idField());
            if (id != null && (store.get(id) != null || !ids.add(id))) {
                throw duplicate(r.name() + "_pkey", r.idField(), id);
            }
            for (String u : r.unique()) {
                String v = keyOf(row, u);
                if (v != null
                        && (store.findUnique(u, v) != null
                                || !seen.computeIfAbsent(u, k -> new HashSet<>())
                                        .add(v))) {
                    throw uniqueViolation(r.name(), u, v);
                }
            }
        }
    }

    /**
     * {@code INSERT … ON CONFLICT (on) DO UPDATE} (merge: the payload's columns overwrite the row's) or {@code DO
     * NOTHING} (ignore: the row stays as it was and the answer leaves it out). A NULL key never conflicts. A unique
     * column other than the conflict target still refuses a taken value with 23505.
     */
    private static Written upsertRows(Call call, ResourceSpec r, List<ObjectNode> rows, String on, boolean ignore) {
        ResourceStore store = call.store(r.name());
        boolean byId = on.equals(r.idField());
        if (!ignore) {
            Set<String> seen = new HashSet<>();
            for (ObjectNode row : rows) {
                String v = keyOf(row, on);
                // Postgres will not update one row twice in one statement; PostgREST passes its 21000 on as a 500.
                if (v != null && !seen.add(v)) {
                    throw new PgError(
                            500,
                            "21000",
                            "ON CONFLICT DO UPDATE command cannot affect row a second time",
                            null,
                            "Ensure that no rows proposed for insertion within the same command have duplicate constrained values.");
                }
            }
        }
        List<ObjectNode> out = new ArrayList<>(rows.size());
        int created = 0;
        for (ObjectNode row : rows) {
            String v = keyOf(row, on);
            ResourceStore.Upserted done;
            if (ignore) {
                if (v != null && (byId ? store.get(v) : store.findUnique(on, v)) != null) continue;
                try {
                    done = new ResourceStore.Upserted(store.create(row), true);
                } catch (ResourceStore.UniqueViolation e) {
                    if (e.field().equals(on)) continue; // taken meanwhile: DO NOTHING all the same
                    throw e;
                }
            } else if (v == null) {
                done = new ResourceStore.Upserted(store.create(row), true);
            } else if (byId) {
                ObjectNode updated = store.update(v, row);
                done = updated != null
                        ? new ResourceStore.Upserted(updated, false)
                        : new ResourceStore.Upserted(store.create(row), true);
            } else {
                done = store.upsert(on, v, row);
            }
            call.upserted(r.name(), call.opIdOf(row), done);
            out.add(done.record());
            if (done.created()) created++;
        }
        return new Written(out, created);
    }

    /**
     * The conflict target: {@code on_conflict}, else the primary key (PostgREST Plan.hs: {@code confCols = fromMaybe
     * pkCols qsOnConflict}). Postgres wants a unique index on exactly those columns (42P10) and knows no other columns
     * (42703).
     */
    private static String conflictColumn(String onConflict, Set<String> columns, ResourceSpec r) {
        if (onConflict == null || onConflict.isBlank()) return r.idField();
        List<String> target = new ArrayList<>();
        for (String c : onConflict.split(",")) {
            String col = c.trim();
            if (!columns.contains(col))
                throw new PgError(400, "42703", "column \"" + col + "\" does not exist", null, null);
            target.add(col);
        }
        if (target.size() == 1
                && (target.getFirst().equals(r.idField()) || r.unique().contains(target.getFirst())))
            return target.getFirst();
        throw new PgError(
                400,
                "42P10",
                "there is no unique or exclusion constraint matching the ON CONFLICT specification",
                null,
                null);
    }

    /** A write's key value as the unique index holds it (text), or null when absent or NULL. */
    private static String keyOf(ObjectNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    /**
     * The rows of a POST body: one object or an array. With {@code columns} (supabase-js sends it for arrays) those
     * columns are written and a row's missing ones are NULL, or left to their default with {@code Prefer:
     * missing=default}; without it every object must have the first one's keys (PGRST102).
     */
    private static List<ObjectNode> payload(FarmRequest req, Prefer prefer, Set<String> columns, ResourceSpec r) {
        JsonNode body = body(req);
        List<ObjectNode> input = new ArrayList<>();
        if (body.isObject()) input.add((ObjectNode) body);
        else if (body.isArray()) {
            for (JsonNode n : body) {
                if (!n.isObject()) throw invalidJson();
                input.add((ObjectNode) n);
            }
        } else throw invalidJson();
        String listed = req.query("columns");
        if (listed != null) {
            List<String> cols = new ArrayList<>();
            for (String c : listed.split(",")) {
                String col = c.trim();
                if (col.length() >= 2 && col.startsWith("\"") && col.endsWith("\""))
                    col = col.substring(1, col.length() - 1);
                if (col.isEmpty())
                    throw new PgError(
                            400, "PGRST100", "\"failed to parse columns parameter (" + listed + ")\"", null, null);
                if (!columns.contains(col)) throw unknownColumn(r, col);
                cols.add(col);
            }
            List<ObjectNode> rows = new ArrayList<>(input.size());
            for (ObjectNode in : input) {
                ObjectNode row = F.objectNode();
                for (String col : cols) {
                    if (in.has(col)) row.set(col, in.get(col));
                    else if (!"default".equals(prefer.missing())) row.putNull(col);
                }
                rows.add(row);
            }
            return rows;
        }
        Set<String> firstKeys = input.isEmpty() ? Set.of() : keys(input.getFirst());
        for (ObjectNode row : input) {
            // PostgREST builds one INSERT from the first object's keys; a bulk insert must agree on them.
            if (!keys(row).equals(firstKeys))
                throw new PgError(400, "PGRST102", "All object keys must match", null, null);
        }
        for (String k : firstKeys) {
            if (!columns.contains(k)) throw unknownColumn(r, k);
        }
        return input;
    }

    private static PgError unknownColumn(ResourceSpec r, String column) {
        return new PgError(
                400,
                "PGRST204",
                "Could not find the '" + column + "' column of '" + r.name() + "' in the schema cache",
                null,
                null);
    }

    /** PATCH with filters: the same patch on every matching row. */
    static Reply update(Call call, ResourceSpec r) {
        try {
            FarmRequest req = call.request();
            Prefer prefer = Prefer.of(req.header("Prefer"));
            Set<String> columns = columns(call, r);
            List<Filter> filters = filters(req, columns, r);
            JsonNode body = body(req);
            if (!body.isObject()) throw invalidJson();
            ObjectNode patch = (ObjectNode) body;
            for (String k : keys(patch)) {
                if (!columns.contains(k)) throw unknownColumn(r, k);
            }
            // Supabase enables pg-safeupdate: an UPDATE without a WHERE clause is refused.
            if (filters.isEmpty()) throw new PgError(400, "21000", "UPDATE requires a WHERE clause", null, null);
            List<String> select = selectList(req.query("select"), columns, r);
            String opId = call.opIdOf(patch);
            ArrayNode out = F.arrayNode();
            for (ObjectNode row : matching(call, r, filters)) {
                String id = row.path(r.idField()).asText();
                ObjectNode updated = call.store(r.name()).update(id, patch);
                if (updated == null) continue; // deleted meanwhile
                call.commitWithOpId(r.name(), "update", opId, id);
                out.add(project(call.present(r.name(), updated), select));
            }
            return written(req, prefer, out);
        } catch (PgError e) {
            return e.reply();
        }
    }

    /** DELETE with filters. */
    static Reply delete(Call call, ResourceSpec r) {
        try {
            FarmRequest req = call.request();
            Prefer prefer = Prefer.of(req.header("Prefer"));
            Set<String> columns = columns(call, r);
            List<Filter> filters = filters(req, columns, r);
            if (filters.isEmpty()) throw new PgError(400, "21000", "DELETE requires a WHERE clause", null, null);
            List<String> select = selectList(req.query("select"), columns, r);
            ArrayNode out = F.arrayNode();
            for (ObjectNode row : matching(call, r, filters)) {
                String id = row.path(r.idField()).asText();
                if (call.store(r.name()).delete(id) == null) continue;
                call.commitWithOpId(r.name(), "delete", null, id);
                out.add(project(row, select));
            }
            return written(req, prefer, out);
        } catch (PgError e) {
            return e.reply();
        }
    }

    /** A table the service does not have: PostgREST 12 passes Postgres's 42P01; a known table with another verb is 405. */
    static Reply unknownTable(Call call, Service service) {
        String table = call.request().pathParam("table");
        boolean known =
                service.spec().resources().stream().anyMatch(r -> r.path().equals("/rest/v1/" + table));
        if (known) {
            return SupabaseErrors.postgrest(
                    405,
                    "PGRST117",
                    "Unsupported HTTP method: " + call.request().method(),
                    null,
                    null);
        }
        return SupabaseErrors.postgrest(404, "42P01", "relation \"public." + table + "\" does not exist", null, null);
    }

    // ---- request parsing ----

    /**
     * The Prefer values PostgREST reads, each only when it is one PostgREST knows (an unknown one is ignored, as
     * PostgREST does without {@code handling=strict}; Preferences.hs).
     */
    record Prefer(String ret, String count, String resolution, String missing) {
        static Prefer of(String header) {
            String ret = null;
            String count = null;
            String resolution = null;
            String missing = null;
            if (header != null) {
                for (String part : header.split(",")) {
                    String p = part.trim();
                    if (ret == null
                            && Set.of("return=representation", "return=minimal", "return=headers-only")
                                    .contains(p)) ret = p.substring(7);
                    else if (count == null
                            && Set.of("count=exact", "count=planned", "count=estimated")
                                    .contains(p)) count = p.substring(6);
                    else if (resolution == null
                            && Set.of("resolution=merge-duplicates", "resolution=ignore-duplicates")
                                    .contains(p)) resolution = p.substring(11);
                    else if (missing == null
                            && Set.of("missing=default", "missing=null").contains(p)) missing = p.substring(8);
                }
            }
            return new Prefer(ret, count, resolution, missing);
        }

        /** Preference-Applied of an insert, in PostgREST's order (Preferences.hs, prefAppliedHeader); null when none. */
        String appliedToInsert() {
            List<String> applied = new ArrayList<>(4);
            // Every table here has a primary key, so a resolution always applies.
            if (resolution != null) applied.add("resolution=" + resolution);
            if (missing != null) applied.add("missing=" + missing);
            if (ret != null) applied.add("return=" + ret);
            if (count != null) applied.add("count=" + count);
            return applied.isEmpty() ? null : String.join(", ", applied);
        }
    }

    private static JsonNode body(FarmRequest req) {
        try {
            if (req.body().length == 0) throw invalidJson();
            return req.json();
        } catch (BadInput e) {
            throw invalidJson();
        }
    }

    private static PgError invalidJson() {
        return new PgError(400, "PGRST102", "Empty or invalid json", null, null);
    }

    /** The table's columns: the id, the YAML fields, and whatever schema drift shows now. */
    private static Set<String> columns(Call call, ResourceSpec r) {
        Set<String> cols = new LinkedHashSet<>();
        cols.add(r.idField());
        cols.addAll(r.fields().keySet());
        ResourceStore.Page sample = call.store(r.name()).page(0, 1);
        if (!sample.records().isEmpty())
            call.present(r.name(), sample.records().getFirst()).fieldNames().forEachRemaining(cols::add);
        return cols;
    }

    /** [offset, limit] from limit/offset, else from {@code Range: first-last}; no limit means the max-rows cap. */
    private static long[] range(FarmRequest req, int max) {
        long offset = 0;
        long limit = max;
        String rangeHeader = req.header("Range");
        if (rangeHeader != null && !rangeHeader.isBlank()) {
            String h = rangeHeader.trim();
            if (h.startsWith("items=")) h = h.substring(6);
            int dash = h.indexOf('-');
            try {
                offset = Long.parseLong(h.substring(0, dash).trim());
                String last = h.substring(dash + 1).trim();
                if (!last.isEmpty()) {
                    long l = Long.parseLong(last);
                    if (l < offset)
                        throw new PgError(
                                416,
                                "PGRST103",
                                "Requested range not satisfiable",
                                "The lower boundary must be lower than or equal to the upper boundary in the Range header.",
                                null);
                    limit = l - offset + 1;
                }
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                // PostgREST ignores a Range header it cannot read and answers the whole table.
                offset = 0;
                limit = max;
            }
        }
        String lim = req.query("limit");
        String off = req.query("offset");
        try {
            if (lim != null) limit = Long.parseLong(lim.trim());
            if (off != null) offset = Long.parseLong(off.trim());
        } catch (NumberFormatException e) {
            throw new PgError(
                    400,
                    "PGRST100",
                    "\"failed to parse limit/offset\"",
                    "limit and offset must be integers, were '" + lim + "' and '" + off + "'",
                    null);
        }
        if (limit < 0 || offset < 0)
            throw new PgError(400, "PGRST100", "\"limit and offset must not be negative\"", null, null);
        // Callers page with ints; nothing past Integer.MAX_VALUE can exist in the store anyway.
        return new long[] {Math.min(offset, Integer.MAX_VALUE), Math.min(limit, Integer.MAX_VALUE)};
    }

    // ---- answers ----

    /** {@code Accept: application/vnd.pgrst.object+json} (supabase-js {@code .single()}) wants exactly one row. */
    private static Reply singular(FarmRequest req, ArrayNode rows, int status) {
        String accept = req.header("Accept");
        if (accept != null && accept.contains("vnd.pgrst.object")) {
            if (rows.size() != 1) {
                throw new PgError(
                        406,
                        "PGRST116",
                        "JSON object requested, multiple (or no) rows returned",
                        "The result contains " + rows.size() + " rows",
                        null);
            }
            // One object is a 200 where the array would be a partial 206; a write keeps its 201.
            return new Reply(
                    status == 206 ? 200 : status,
                    null,
                    rows.get(0).toString().getBytes(StandardCharsets.UTF_8),
                    "application/vnd.pgrst.object+json; charset=utf-8");
        }
        return new Reply(
                status, null, rows.toString().getBytes(StandardCharsets.UTF_8), "application/json; charset=utf-8");
    }

    /** An update or delete answers 204 unless {@code Prefer: return=representation} asks for the rows (200). */
    private static Reply written(FarmRequest req, Prefer prefer, ArrayNode rows) {
        if ("representation".equals(prefer.ret())) {
            Reply r = singular(req, rows, 200);
            return r.header("Preference-Applied", "return=representation");
        }
        return Reply.empty(204);
    }

    /**
     * An insert's answer: the rows with {@code return=representation}, else no body; {@code Content-Range: *}{@code /*}
     * (or the count) and the preferences applied, as PostgREST sends them.
     */
    private static Reply inserted(FarmRequest req, Prefer prefer, ArrayNode rows, int status) {
        Reply reply = "representation".equals(prefer.ret()) ? singular(req, rows, status) : Reply.empty(status);
        reply.header("Content-Range", "*/" + (prefer.count() != null ? String.valueOf(rows.size()) : "*"));
        String applied = prefer.appliedToInsert();
        if (applied != null) reply.header("Preference-Applied", applied);
        return reply;
    }

    private static Set<String> keys(ObjectNode node) {
        Set<String> out = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
