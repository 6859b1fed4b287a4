package dev.gauntlet.farm.vendor.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subset of Stripe's Search Query Language (docs.stripe.com/search#search-query-language) the farm serves:
 * clauses {@code field:'value'}, {@code metadata['key']:'value'} (or {@code :null} for an absent key), substring
 * {@code field~'abc'} on text fields, {@code created>1700000000} (also {@code <}, {@code >=}, {@code <=}, {@code :}) on
 * numeric fields, a leading {@code -} to negate, combined by spaces or {@code AND}, or by {@code OR} (never both in one
 * query), at most ten clauses. Matches are case-insensitive. No parentheses, as at Stripe.
 */
final class StripeQuery {

    /** How a query field matches: exactly (token), also by substring (text), by number, or as a metadata key. */
    enum Kind {
        TOKEN,
        TEXT,
        NUMBER,
        METADATA
    }

    /** One clause; {@code key} is the metadata key, {@code value} null for {@code :null}. */
    record Clause(String field, String key, String op, String value, boolean negated) {}

    /** A parsed query: its clauses and whether any one (OR) or all of them (AND) must match. */
    record Query(List<Clause> clauses, boolean any) {

        boolean matches(ObjectNode object, Map<String, Kind> fields) {
            for (Clause c : clauses) {
                boolean hit = c.negated() != matches(c, object, fields.get(c.field()));
                if (any && hit) return true;
                if (!any && !hit) return false;
            }
            return !any;
        }

        private static boolean matches(Clause c, ObjectNode object, Kind kind) {
            JsonNode v = kind == Kind.METADATA ? object.path("metadata").get(c.key()) : object.get(c.field());
            if (c.value() == null) return v == null || v.isNull();
            if (v == null || v.isNull()) return false;
            if (kind == Kind.NUMBER) {
                long have = v.asLong();
                long want = Long.parseLong(c.value());
                return switch (c.op()) {
                    case ">" -> have > want;
                    case ">=" -> have >= want;
                    case "<" -> have < want;
                    case "<=" -> have <= want;
                    default -> have == want;
                };
            }
            String have = v.asText().toLowerCase(Locale.ROOT);
            String want = c.value().toLowerCase(Locale.ROOT);
            return c.op().equals("~") ? have.contains(want) : have.equals(want);
        }
    }

    private static final int MAX_CLAUSES = 10;
    private static final int MIN_SUBSTRING = 3;

    // Query fields for Customers and for PaymentIntents (docs.stripe.com/search#query-fields-for-customers,
    // …-paymentintents).
    private static final Map<String, Kind> CUSTOMER = Map.of(
            "created",
            Kind.NUMBER,
            "email",
            Kind.TEXT,
            "metadata",
            Kind.METADATA,
            "name",
            Kind.TEXT,
            "phone",
            Kind.TEXT);
    private static final Map<String, Kind> PAYMENT_INTENT = Map.of(
            "amount",
            Kind.NUMBER,
            "created",
            Kind.NUMBER,
            "currency",
            Kind.TOKEN,
            "customer",
            Kind.TOKEN,
            "metadata",
            Kind.METADATA,
            "status",
            Kind.TOKEN);

    private StripeQuery() {}

    /** The query fields of a resource, or null when Stripe has no search for it here. */
    static Map<String, Kind> fields(String resource) {
        return switch (resource) {
            case StripeObjects.CUSTOMER -> CUSTOMER;
            case StripeObjects.PAYMENT_INTENT -> PAYMENT_INTENT;
            default -> null;
        };
    }

    /** Parses a query for a resource; a query it cannot serve throws IllegalArgumentException with the reason. */
    static Query parse(String resource, String text) {
        Map<String, Kind> fields = fields(resource);
        Parser p = new Parser(text);
        List<Clause> clauses = new ArrayList<>();
        String joiner = null;
        p.skipSpace();
        while (!p.done()) {
            if (!clauses.isEmpty()) {
                String word = p.keyword();
                if (word != null) {
                    if (joiner != null && !joiner.equals(word)) {
                        throw new IllegalArgumentException(
                                "AND and OR operators are mutually exclusive; use one of them in a query.");
                    }
                    joiner = word;
                    p.skipSpace();
                }
            }
            clauses.add(clause(p, resource, fields));
            if (clauses.size() > MAX_CLAUSES) {
                throw new IllegalArgumentException("A query may have at most " + MAX_CLAUSES + " clauses.");
            }
            p.skipSpace();
        }
        if (clauses.isEmpty()) throw new IllegalArgumentException("The query is empty.");
        return new Query(List.copyOf(clauses), "OR".equals(joiner));
    }

    private static Clause clause(Parser p, String resource, Map<String, Kind> fields) {
        boolean negated = p.eat('-');
        String field = p.word();
        Kind kind = fields.get(field);
        if (kind == null) {
            String plural = resource.equals(StripeObjects.PAYMENT_INTENT) ? "payment_intents" : resource + "s";
            String anchor = resource.equals(StripeObjects.PAYMENT_INTENT) ? "paymentintents" : resource + "s";
            throw new IllegalArgumentException("Field `" + field + "` is an unsupported search field for resource `"
                    + plural + "`. See https://stripe.com/docs/search#query-fields-for-" + anchor
                    + " for a list of supported fields.");
        }
        String key = null;
        if (kind == Kind.METADATA) {
            if (!p.eat('[')) throw p.error("metadata needs a key in brackets, as in metadata['order_id']");
            key = p.quoted();
            if (!p.eat(']')) throw p.error("expected ] after the metadata key");
        }
        String op = p.operator();
        if (op == null) throw p.error("expected an operator (:, ~, >, <, >=, <=) after " + field);
        String value;
        if (p.peekQuote()) {
            value = p.quoted();
        } else {
            value = p.bare();
            if (value.equals("null") && kind == Kind.METADATA && op.equals(":")) value = null;
            else if (kind != Kind.NUMBER) throw p.error("string values must be in quotes, as in " + field + ":'value'");
        }
        if (op.equals("~") && kind != Kind.TEXT)
            throw p.error("the substring operator ~ is not supported for " + field);
        if (op.equals("~") && value.length() < MIN_SUBSTRING) {
            throw p.error("a substring query needs at least " + MIN_SUBSTRING + " characters");
        }
        if (op.length() > 1 || op.equals(">") || op.equals("<")) {
            if (kind != Kind.NUMBER) throw p.error("the operator " + op + " is only supported for numeric fields");
        }
        if (kind == Kind.NUMBER && (value == null || !value.matches("-?\\d{1,18}"))) {
            throw p.error(field + " takes a whole number, was '" + value + "'");
        }
        return new Clause(field, key, op, value, negated);
    }

    /** A cursor over the query text. */
    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) {
            this.s = s;
        }

        boolean done() {
            return i >= s.length();
        }

        void skipSpace() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        }

        boolean eat(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        /** AND or OR (any case) followed by a space, consumed; otherwise null and nothing consumed. */
        String keyword() {
            for (String w : new String[] {"AND", "OR"}) {
                int end = i + w.length();
                if (end < s.length()
                        && s.regionMatches(true, i, w, 0, w.length())
                        && Character.isWhitespace(s.charAt(end))) {
                    i = end;
                    return w;
                }
            }
            return null;
        }

        String word() {
            int start = i;
            while (i < s.length()
                    && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '.')) i++;
            if (start == i) throw error("expected a field name");
            return s.substring(start, i);
        }

        String operator() {
            for (String op : new String[] {">=", "<=", ":", "~", ">", "<"}) {
                if (s.startsWith(op, i)) {
                    i += op.length();
                    return op;
                }
            }
            return null;
        }

        boolean peekQuote() {
            return i < s.length() && (s.charAt(i) == '\'' || s.charAt(i) == '"');
        }

        String quoted() {
            if (!peekQuote()) throw error("expected a quoted value");
            char q = s.charAt(i++);
            StringBuilder out = new StringBuilder();
            while (i < s.length() && s.charAt(i) != q) {
                char c = s.charAt(i++);
                // A backslash escapes the quote character (docs: "escape quotes inside of quotes with a backslash").
                if (c == '\\' && i < s.length()) c = s.charAt(i++);
                out.append(c);
            }
            if (!eat(q)) throw error("unterminated quoted value");
            return out.toString();
        }

        String bare() {
            int start = i;
            while (i < s.length() && !Character.isWhitespace(s.charAt(i))) i++;
            if (start == i) throw error("expected a value");
            return s.substring(start, i);
        }

        IllegalArgumentException error(String reason) {
            return new IllegalArgumentException("Invalid query at position " + i + ": " + reason + ".");
        }
    }
}
