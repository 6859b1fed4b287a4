package dev.gauntlet.farm.vendor.supabase;

import static dev.gauntlet.farm.vendor.supabase.SupabaseErrors.noColumn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.ResourceStore;
import dev.gauntlet.farm.http.FarmRequest;
import dev.gauntlet.farm.spec.ResourceSpec;
import dev.gauntlet.farm.vendor.Call;
import dev.gauntlet.farm.vendor.SafeRegex;
import dev.gauntlet.farm.vendor.supabase.SupabaseErrors.PgError;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * PostgREST's query language over one table: vertical filtering ({@code select=a,alias:b,c::text}), horizontal
 * filters ({@code col=op.value}, {@code not.}, {@code or=(…)}, the operators below), {@code order} and how a row
 * matches (values compared as Postgres casts the operand to the column's type). Reference: docs.postgrest.org (v12),
 * api.html.
 */
final class SupabaseQuery {
    private SupabaseQuery() {}

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The filter operators the farm's PostgREST evaluates (PostgREST's operators table: match is ~, imatch ~*). */
    private static final Set<String> OPERATORS =
            Set.of("eq", "neq", "gt", "gte", "lt", "lte", "in", "is", "like", "ilike", "match", "imatch");
    /** Query parameters PostgREST reserves; every other one is a filter. */
    private static final Set<String> RESERVED =
            Set.of("select", "order", "limit", "offset", "on_conflict", "columns", "apikey");

    /** One horizontal filter: column, operator, operand, optionally negated with {@code not.}. */
    record Filter(String column, String op, String value, boolean negated) {}

    /** {@code select=a,b,alias:c,d::text}; null means every column. Embedding other tables is not supported. */
    static List<String> selectList(String select, Set<String> columns, ResourceSpec r) {
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
                throw new PgError(
                        400,
                        "PGRST200",
                        "Could not find a relationship between '" + r.name() + "' and '" + rel
                                + "' in the schema cache",
                        "Searched for a foreign key relationship between '" + r.name() + "' and '" + rel
                                + "' in the schema 'public', but no matches were found.",
                        null);
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

    static ObjectNode project(ObjectNode row, List<String> select) {
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

    static List<Filter> filters(FarmRequest req, Set<String> columns, ResourceSpec r) {
        List<Filter> out = new ArrayList<>();
        for (var e : req.queryMap().entrySet()) {
            String col = e.getKey();
            if (RESERVED.contains(col)) continue;
            if (col.equals("or") || col.equals("and") || col.equals("not.or") || col.equals("not.and")) {
                throw new PgError(
                        400,
                        "PGRST100",
                        "\"failed to parse logic tree (" + e.getValue().getFirst() + ")\"",
                        "the farm's PostgREST supports plain column filters only",
                        null);
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
                    throw new PgError(
                            400,
                            "PGRST100",
                            "\"failed to parse filter (" + raw + ")\" (line 1, column 1)",
                            "unexpected \"" + raw + "\" expecting operator (eq, gt, ...)",
                            null);
                }
                String op = v.substring(0, dot);
                if (!OPERATORS.contains(op)) {
                    throw new PgError(
                            400,
                            "PGRST100",
                            "\"failed to parse filter (" + raw + ")\" (line 1, column " + (dot + 1) + ")",
                            "unexpected \"" + op + "\" expecting operator (eq, gt, ...)",
                            null);
                }
                out.add(new Filter(col, op, v.substring(dot + 1), neg));
            }
        }
        return out;
    }

    static List<Map.Entry<String, Boolean>> order(String order, Set<String> columns, ResourceSpec r) {
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

    static List<ObjectNode> matching(Call call, ResourceSpec r, List<Filter> filters) {
        ResourceStore store = call.store(r.name());
        List<ObjectNode> out = new ArrayList<>();
        for (ObjectNode raw : store.all()) {
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

    static boolean matches(JsonNode value, Filter f) {
        boolean isNull = value == null || value.isNull();
        String v = f.value();
        switch (f.op()) {
            case "is" -> {
                return switch (v.toLowerCase()) {
                    case "null" -> isNull;
                    case "true" -> !isNull && value.isBoolean() && value.booleanValue();
                    case "false" -> !isNull && value.isBoolean() && !value.booleanValue();
                    default ->
                        throw new PgError(
                                400,
                                "PGRST100",
                                "\"failed to parse filter (is." + v + ")\"",
                                "is. takes null, true, false or unknown",
                                null);
                };
            }
            case "in" -> {
                if (isNull) return false;
                String list = v.startsWith("(") && v.endsWith(")") ? v.substring(1, v.length() - 1) : v;
                for (String item : list.split(",")) {
                    String it = item.trim();
                    if (it.length() >= 2 && it.startsWith("\"") && it.endsWith("\""))
                        it = it.substring(1, it.length() - 1);
                    if (compare(value, it, f) == 0) return true;
                }
                return false;
            }
            case "like", "ilike", "match", "imatch" -> {
                if (isNull) return false;
                // Linear-time matching (SafeRegex): LIKE anchors the whole value, ~ finds anywhere (POSIX regex).
                boolean like = f.op().endsWith("like");
                int flags = f.op().startsWith("i") ? com.google.re2j.Pattern.CASE_INSENSITIVE : 0;
                try {
                    if (like)
                        return SafeRegex.compile(SafeRegex.likeToRegex(v), flags | com.google.re2j.Pattern.DOTALL)
                                .matches(value.asText());
                    return SafeRegex.compile(v, flags).matcher(value.asText()).find();
                } catch (SafeRegex.Invalid e) {
                    // PostgreSQL's codes: 22025 invalid_escape_sequence (LIKE), 2201B invalid_regular_expression.
                    throw new PgError(
                            400,
                            like ? "22025" : "2201B",
                            like ? e.getMessage() : "invalid regular expression: " + e.getMessage(),
                            null,
                            null);
                }
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
    static int compare(JsonNode value, String operand, Filter f) {
        if (value.isNumber()) {
            try {
                return value.decimalValue().compareTo(new BigDecimal(operand));
            } catch (NumberFormatException e) {
                throw new PgError(
                        400,
                        "22P02",
                        "invalid input syntax for type " + (value.isIntegralNumber() ? "bigint" : "numeric") + ": \""
                                + operand + "\"",
                        null,
                        null);
            }
        }
        if (value.isBoolean()) {
            if (!operand.equalsIgnoreCase("true") && !operand.equalsIgnoreCase("false")) {
                throw new PgError(
                        400, "22P02", "invalid input syntax for type boolean: \"" + operand + "\"", null, null);
            }
            return Boolean.compare(value.booleanValue(), Boolean.parseBoolean(operand));
        }
        return value.asText().compareTo(operand);
    }

    /** Two values of one order column, as Postgres orders them: NULLs last ascending and first descending. */
    static int compareColumn(JsonNode x, JsonNode y, boolean asc) {
        boolean xn = x == null || x.isNull();
        boolean yn = y == null || y.isNull();
        if (xn || yn) return xn && yn ? 0 : (xn ? (asc ? 1 : -1) : (asc ? -1 : 1));
        int cmp = x.isNumber() && y.isNumber()
                ? x.decimalValue().compareTo(y.decimalValue())
                : x.asText().compareTo(y.asText());
        return asc ? cmp : -cmp;
    }

    static Comparator<ObjectNode> comparator(List<Map.Entry<String, Boolean>> order) {
        Comparator<ObjectNode> c = null;
        for (var o : order) {
            String col = o.getKey();
            boolean asc = o.getValue();
            Comparator<ObjectNode> one = (a, b) -> compareColumn(a.get(col), b.get(col), asc);
            c = c == null ? one : c.thenComparing(one);
        }
        return c;
    }
}
