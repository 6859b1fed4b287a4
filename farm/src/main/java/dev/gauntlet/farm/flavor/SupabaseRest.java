package dev.gauntlet.farm.flavor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.ServiceRuntime;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.BadInput;
import dev.gauntlet.farm.http.Call;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.http.Reply;
import dev.gauntlet.farm.spec.ResourceSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PostgREST's table endpoints as Supabase serves them under {@code /rest/v1}: vertical filtering ({@code select}),
 * horizontal filtering ({@code col=op.value}), {@code order}, {@code limit}/{@code offset} and {@code Range},
 * {@code Prefer: return=…, count=…}, and PostgREST's error codes. Reference: docs.postgrest.org (v12), api.html and
 * references/errors.html.
 */
final class SupabaseRest {
    private SupabaseRest() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** Query parameters PostgREST reserves; every other one is a filter. */
    private static final Set<String> RESERVED = Set.of("select", "order", "limit", "offset", "on_conflict", "columns", "apikey");

    /** A PostgREST error raised inside a handler; the handler turns it into the reply. */
    static final class PgError extends RuntimeException {
        final int status;
        final String code;
        final String details;
        final String hint;

        PgError(int status, String code, String message, String details, String hint) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.details = details;
            this.hint = hint;
        }

        Reply reply() {
            return SupabaseFlavor.postgrest(status, code, getMessage(), details, hint);
        }
    }

    /** One horizontal filter: column, operator, operand, optionally negated with {@code not.}. */
    record Filter(String column, String op, String value, boolean negated) {}

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
                rows = page.records().stream().map(n -> call.present(r.name(), n)).toList();
                total = page.total();
            } else {
                List<ObjectNode> matched = matching(call, r, filters);
                if (!order.isEmpty()) matched.sort(comparator(order));
                total = matched.size();
                rows = offset >= total ? List.of() : matched.subList(offset, Math.min(total, offset + limit));
            }
            boolean counted = prefer.count != null;
            if (counted && offset > 0 && offset >= total) {
                throw new PgError(416, "PGRST103", "Requested range not satisfiable",
                        "An offset of " + offset + " was requested, but there are only " + total + " rows.", null);
            }
            ArrayNode out = F.arrayNode();
            rows.forEach(row -> out.add(project(row, select)));
            String contentRange = (rows.isEmpty() ? "*" : offset + "-" + (offset + rows.size() - 1)) + "/" + (counted ? String.valueOf(total) : "*");
            // PostgREST answers 206 only when it knows the total and the answer is a part of it.
            int status = counted && rows.size() < total ? 206 : 200;
            Reply reply = singular(req, out, status);
            reply.header("Content-Range", contentRange);
            if (counted) reply.header("Preference-Applied", "count=" + prefer.count);
            if (req.method().equals("HEAD")) return new Reply(reply.status(), reply.headers(), null, reply.contentType());
            return reply;
        } catch (PgError e) {
            return e.reply();
        }
    }

    /** POST: one object or an array of them; every inserted row goes to the ledger with its own op id. */
    static Reply insert(Call call, ResourceSpec r) {
        try {
            FarmRequest req = call.request();
            Prefer prefer = Prefer.of(req.header("Prefer"));
            Set<String> columns = columns(call, r);
            JsonNode body = body(req);
            List<ObjectNode> input = new ArrayList<>();
            if (body.isObject()) input.add((ObjectNode) body);
            else if (body.isArray()) {
                for (JsonNode n : body) {
                    if (!n.isObject()) throw invalidJson();
                    input.add((ObjectNode) n);
                }
            } else throw invalidJson();
            Set<String> firstKeys = input.isEmpty() ? Set.of() : keys(input.getFirst());
            for (ObjectNode row : input) {
                // PostgREST builds one INSERT from the first object's keys; a bulk insert must agree on them.
                if (!keys(row).equals(firstKeys)) throw new PgError(400, "PGRST102", "All object keys must match", null, null);
                for (String k : firstKeys) {
                    if (!columns.contains(k)) {
                        throw new PgError(400, "PGRST204", "Could not find the '" + k + "' column of '" + r.name() + "' in the schema cache", null, null);
                    }
                }
            }
            List<String> select = selectList(req.query("select"), columns, r);
            ArrayNode out = F.arrayNode();
            for (ObjectNode row : input) {
                ObjectNode created = call.store(r.name()).create(row);
                String id = created.path(r.idField()).asText();
                call.commitWithOpId(r.name(), "create", call.opIdOf(row), id);
                out.add(project(call.present(r.name(), created), select));
            }
            return written(req, prefer, out, 201);
        } catch (PgError e) {
            return e.reply();
        }
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
                if (!columns.contains(k)) {
                    throw new PgError(400, "PGRST204", "Could not find the '" + k + "' column of '" + r.name() + "' in the schema cache", null, null);
                }
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
            return written(req, prefer, out, 200);
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
            return written(req, prefer, out, 200);
        } catch (PgError e) {
            return e.reply();
        }
    }

    /** A table the service does not have: PostgREST 12 passes Postgres's 42P01; a known table with another verb is 405. */
    static Reply unknownTable(Call call, ServiceRuntime service) {
        String table = call.request().pathParam("table");
        boolean known = service.spec().resources().stream().anyMatch(r -> r.path().equals("/rest/v1/" + table));
        if (known) {
            return SupabaseFlavor.postgrest(405, "PGRST117", "Unsupported HTTP method: " + call.request().method(), null, null);
        }
        return SupabaseFlavor.postgrest(404, "42P01", "relation \"public." + table + "\" does not exist", null, null);
    }

    // ---- request parsing ----

    /** Prefer header values PostgREST reads. */
    record Prefer(String ret, String count) {
        static Prefer of(String header) {
            String ret = null;
            String count = null;
            if (header != null) {
                for (String part : header.split(",")) {
                    String p = part.trim();
                    if (p.startsWith("return=")) ret = p.substring(7);
                    else if (p.startsWith("count=")) count = p.substring(6);
                }
            }
            return new Prefer(ret, count);
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
        if (!sample.records().isEmpty()) call.present(r.name(), sample.records().getFirst()).fieldNames().forEachRemaining(cols::add);
        return cols;
    }

    private static PgError noColumn(ResourceSpec r, String column) {
        return new PgError(400, "42703", "column " + r.name() + "." + column + " does not exist", null, null);
    }

    /** {@code select=a,b,alias:c,d::text}; null means every column. Embedding other tables is not supported. */
    private static List<String> selectList(String select, Set<String> columns, ResourceSpec r) {
        if (select == null || select.isBlank() || select.trim().equals("*")) return null;
        List<String> out = new ArrayList<>();
        for (String item : select.split(",")) {
            String s = item.trim();
            if (s.isEmpty() || s.equals("*")) {
                if (s.equals("*")) out.addAll(columns);
                continue;
            }
            int paren = s.indexOf('(');
            if (paren >= 0) {
                String rel = s.substring(s.indexOf(':') + 1, paren);
                throw new PgError(400, "PGRST200", "Could not find a relationship between '" + r.name() + "' and '" + rel + "' in the schema cache",
                        "Searched for a foreign key relationship between '" + r.name() + "' and '" + rel + "' in the schema 'public', but no matches were found.", null);
            }
            String alias = null;
            int colon = s.indexOf(':');
            if (colon > 0 && (colon + 1 >= s.length() || s.charAt(colon + 1) != ':')) {
                alias = s.substring(0, colon);
                s = s.substring(colon + 1);
            }
            int cast = s.indexOf("::");
            if (cast > 0) s = s.substring(0, cast);
            if (!columns.contains(s)) throw noColumn(r, s);
            out.add(alias == null ? s : alias + ":" + s);
        }
        return out;
    }

    private static ObjectNode project(ObjectNode row, List<String> select) {
        if (select == null) return row;
        ObjectNode out = F.objectNode();
        for (String s : select) {
            int colon = s.indexOf(':');
            String alias = colon < 0 ? s : s.substring(0, colon);
            String col = colon < 0 ? s : s.substring(colon + 1);
            out.set(alias, row.has(col) ? row.get(col) : F.nullNode());
        }
        return out;
    }

    private static List<Filter> filters(FarmRequest req, Set<String> columns, ResourceSpec r) {
        List<Filter> out = new ArrayList<>();
        for (var e : req.queryMap().entrySet()) {
            String col = e.getKey();
            if (RESERVED.contains(col)) continue;
            if (col.equals("or") || col.equals("and") || col.equals("not.or") || col.equals("not.and")) {
                throw new PgError(400, "PGRST100", "\"failed to parse logic tree (" + e.getValue().getFirst() + ")\"",
                        "the farm's PostgREST supports plain column filters only", null);
            }
            if (!columns.contains(col)) throw noColumn(r, col);
            for (String raw : e.getValue()) {
                String v = raw;
                boolean neg = false;
                if (v.startsWith("not.")) {
                    neg = true;
                    v = v.substring(4);
                }
                int dot = v.indexOf('.');
                if (dot <= 0) {
                    throw new PgError(400, "PGRST100", "\"failed to parse filter (" + raw + ")\" (line 1, column 1)",
                            "unexpected \"" + raw + "\" expecting operator (eq, gt, ...)", null);
                }
                String op = v.substring(0, dot);
                if (!Set.of("eq", "neq", "gt", "gte", "lt", "lte", "in", "is", "like", "ilike").contains(op)) {
                    throw new PgError(400, "PGRST100", "\"failed to parse filter (" + raw + ")\" (line 1, column " + (dot + 1) + ")",
                            "unexpected \"" + op + "\" expecting operator (eq, gt, ...)", null);
                }
                out.add(new Filter(col, op, v.substring(dot + 1), neg));
            }
        }
        return out;
    }

    private static List<Map.Entry<String, Boolean>> order(String order, Set<String> columns, ResourceSpec r) {
        List<Map.Entry<String, Boolean>> out = new ArrayList<>();
        if (order == null || order.isBlank()) return out;
        for (String item : order.split(",")) {
            String[] parts = item.trim().split("\\.");
            if (!columns.contains(parts[0])) throw noColumn(r, parts[0]);
            boolean desc = parts.length > 1 && parts[1].equals("desc");
            out.add(Map.entry(parts[0], !desc));
        }
        return out;
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
                    if (l < offset) throw new PgError(416, "PGRST103", "Requested range not satisfiable", "The lower boundary must be lower than or equal to the upper boundary in the Range header.", null);
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
            throw new PgError(400, "PGRST100", "\"failed to parse limit/offset\"", "limit and offset must be integers, were '" + lim + "' and '" + off + "'", null);
        }
        if (limit < 0 || offset < 0) throw new PgError(400, "PGRST100", "\"limit and offset must not be negative\"", null, null);
        // Callers page with ints; nothing past Integer.MAX_VALUE can exist in the store anyway.
        return new long[] {Math.min(offset, Integer.MAX_VALUE), Math.min(limit, Integer.MAX_VALUE)};
    }

    // ---- evaluation ----

    private static List<ObjectNode> matching(Call call, ResourceSpec r, List<Filter> filters) {
        ResourceStore store = call.store(r.name());
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode raw : store.page(0, Integer.MAX_VALUE).records()) {
            ObjectNode row = call.present(r.name(), raw);
            boolean ok = true;
            for (Filter f : filters) {
                if (matches(row.get(f.column()), f) == f.negated()) {
                    ok = false;
                    break;
                }
            }
            if (ok) out.add(row);
        }
        return out;
    }

    private static boolean matches(JsonNode value, Filter f) {
        boolean isNull = value == null || value.isNull();
        String v = f.value();
        switch (f.op()) {
            case "is" -> {
                return switch (v.toLowerCase()) {
                    case "null" -> isNull;
                    case "true" -> !isNull && value.isBoolean() && value.booleanValue();
                    case "false" -> !isNull && value.isBoolean() && !value.booleanValue();
                    default -> throw new PgError(400, "PGRST100", "\"failed to parse filter (is." + v + ")\"", "is. takes null, true, false or unknown", null);
                };
            }
            case "in" -> {
                if (isNull) return false;
                String list = v.startsWith("(") && v.endsWith(")") ? v.substring(1, v.length() - 1) : v;
                for (String item : list.split(",")) {
                    String it = item.trim();
                    if (it.length() >= 2 && it.startsWith("\"") && it.endsWith("\"")) it = it.substring(1, it.length() - 1);
                    if (compare(value, it, f) == 0) return true;
                }
                return false;
            }
            case "like", "ilike" -> {
                if (isNull) return false;
                // PostgREST lets * stand for % in URLs; the pattern is quoted piecewise so only % and _ are wild.
                String regex = "\\Q" + v.replace("*", "%").replace("%", "\\E.*\\Q").replace("_", "\\E.\\Q") + "\\E";
                int flags = f.op().equals("ilike") ? java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE : 0;
                return java.util.regex.Pattern.compile(regex, flags | java.util.regex.Pattern.DOTALL).matcher(value.asText()).matches();
            }
            default -> {
                // SQL comparisons with NULL are never true.
                if (isNull) return false;
                int c = compare(value, v, f);
                return switch (f.op()) {
                    case "eq" -> c == 0;
                    case "neq" -> c != 0;
                    case "gt" -> c > 0;
                    case "gte" -> c >= 0;
                    case "lt" -> c < 0;
                    default -> c <= 0;
                };
            }
        }
    }

    /** Compares a column value with a query operand the way Postgres casts the operand to the column's type. */
    private static int compare(JsonNode value, String operand, Filter f) {
        if (value.isNumber()) {
            try {
                return value.decimalValue().compareTo(new BigDecimal(operand));
            } catch (NumberFormatException e) {
                throw new PgError(400, "22P02", "invalid input syntax for type " + (value.isIntegralNumber() ? "bigint" : "numeric") + ": \"" + operand + "\"", null, null);
            }
        }
        if (value.isBoolean()) {
            if (!operand.equalsIgnoreCase("true") && !operand.equalsIgnoreCase("false")) {
                throw new PgError(400, "22P02", "invalid input syntax for type boolean: \"" + operand + "\"", null, null);
            }
            return Boolean.compare(value.booleanValue(), Boolean.parseBoolean(operand));
        }
        return value.asText().compareTo(operand);
    }

    private static Comparator<ObjectNode> comparator(List<Map.Entry<String, Boolean>> order) {
        Comparator<ObjectNode> c = null;
        for (var o : order) {
            String col = o.getKey();
            boolean asc = o.getValue();
            Comparator<ObjectNode> one = (a, b) -> {
                JsonNode x = a.get(col);
                JsonNode y = b.get(col);
                boolean xn = x == null || x.isNull();
                boolean yn = y == null || y.isNull();
                // Postgres puts NULLs last ascending and first descending.
                if (xn || yn) return xn && yn ? 0 : (xn ? (asc ? 1 : -1) : (asc ? -1 : 1));
                int cmp = x.isNumber() && y.isNumber() ? x.decimalValue().compareTo(y.decimalValue()) : x.asText().compareTo(y.asText());
                return asc ? cmp : -cmp;
            };
            c = c == null ? one : c.thenComparing(one);
        }
        return c;
    }

    // ---- answers ----

    /** {@code Accept: application/vnd.pgrst.object+json} (supabase-js {@code .single()}) wants exactly one row. */
    private static Reply singular(FarmRequest req, ArrayNode rows, int status) {
        String accept = req.header("Accept");
        if (accept != null && accept.contains("vnd.pgrst.object")) {
            if (rows.size() != 1) {
                throw new PgError(406, "PGRST116", "JSON object requested, multiple (or no) rows returned",
                        "The result contains " + rows.size() + " rows", null);
            }
            return new Reply(200, null, rows.get(0).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "application/vnd.pgrst.object+json; charset=utf-8");
        }
        return new Reply(status, null, rows.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/json; charset=utf-8");
    }

    /** Writes answer nothing unless {@code Prefer: return=representation} asks for the rows. */
    private static Reply written(FarmRequest req, Prefer prefer, ArrayNode rows, int representationStatus) {
        if ("representation".equals(prefer.ret())) {
            Reply r = singular(req, rows, representationStatus);
            return r.header("Preference-Applied", "return=representation");
        }
        return Reply.empty(representationStatus == 201 ? 201 : 204);
    }

    private static Set<String> keys(ObjectNode node) {
        Set<String> out = new LinkedHashSet<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
