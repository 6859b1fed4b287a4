package dev.gauntlet.farm.vendor.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The subset of SOQL the farm answers: {@code SELECT f1, f2 | COUNT() FROM Object [WHERE a = 'x' [AND b != 1 …]]
 * [ORDER BY f [ASC|DESC]] [LIMIT n] [OFFSET n]}. Parsing only checks syntax (MALFORMED_QUERY); whether the object and
 * the fields exist is {@link SalesforceRoutes}' check, since only it knows the resources; what WHERE and ORDER BY
 * mean for a row is here ({@link Resolved}, {@link #compareValues}).
 *
 * @param fields        selected field names as written (empty for COUNT())
 * @param fieldColumns  0-based position of each selected field in the query text, for Salesforce-style error carets
 * @param object        the FROM object as written
 * @param objectColumn  its position in the query text
 * @param where         equality conditions joined by AND
 * @param orderBy       field to sort by, or null
 * @param limit         LIMIT, or null
 */
record SalesforceQuery(
        String text,
        List<String> fields,
        List<Integer> fieldColumns,
        String object,
        int objectColumn,
        List<Condition> where,
        String orderBy,
        int orderColumn,
        boolean descending,
        Integer limit,
        int offset,
        boolean count) {

    /** {@code field = literal} or {@code field != literal}; a null literal means SOQL {@code null}. */
    record Condition(String field, int column, boolean negated, String literal, boolean quoted) {}

    /** A query Salesforce would refuse, with its error code and message. */
    static final class Invalid extends RuntimeException {
        final String errorCode;

        Invalid(String errorCode, String message) {
            super(message);
            this.errorCode = errorCode;
        }
    }

    private static final Pattern QUERY = Pattern.compile("(?is)^\\s*SELECT\\s+(.+?)\\s+FROM\\s+([A-Za-z_][A-Za-z0-9_]*)"
            + "(?:\\s+WHERE\\s+(.+?))?"
            + "(?:\\s+ORDER\\s+BY\\s+([A-Za-z_][A-Za-z0-9_.]*)(?:\\s+(ASC|DESC))?)?"
            + "(?:\\s+LIMIT\\s+(\\d{1,9}))?"
            + "(?:\\s+OFFSET\\s+(\\d{1,9}))?\\s*$");
    private static final Pattern FIELD = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern COUNT = Pattern.compile("(?i)COUNT\\(\\s*\\)");
    private static final Pattern CONDITION =
            Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*(!=|=)\\s*('(?:[^'\\\\]|\\\\.)*'|[^\\s']+)\\s*");
    private static final Pattern AND = Pattern.compile("(?i)AND\\s+");

    static SalesforceQuery parse(String q) {
        if (q == null || q.isBlank()) throw new Invalid("MALFORMED_QUERY", "A query string has to be specified");
        String text = q.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
        Matcher m = QUERY.matcher(text);
        if (!m.matches()) throw malformed(text);

        List<String> fields = new ArrayList<>();
        List<Integer> columns = new ArrayList<>();
        boolean count = false;
        String list = m.group(1);
        int at = m.start(1);
        for (String part : list.split(",", -1)) {
            String name = part.trim();
            int column = at + part.indexOf(name.isEmpty() ? part : name);
            if (COUNT.matcher(name).matches() && list.trim().equals(name)) {
                count = true;
            } else if (!FIELD.matcher(name).matches()) {
                throw new Invalid(
                        "MALFORMED_QUERY",
                        located(text, column, "unexpected token: '" + (name.isEmpty() ? "," : name) + "'"));
            } else {
                fields.add(name);
                columns.add(column);
            }
            at += part.length() + 1;
        }

        List<Condition> where = new ArrayList<>();
        if (m.group(3) != null) where = conditions(text, m.group(3), m.start(3));
        return new SalesforceQuery(
                text,
                List.copyOf(fields),
                List.copyOf(columns),
                m.group(2),
                m.start(2),
                where,
                m.group(4),
                m.group(4) == null ? -1 : m.start(4),
                "DESC".equalsIgnoreCase(m.group(5)),
                m.group(6) == null ? null : Integer.valueOf(m.group(6)),
                m.group(7) == null ? 0 : Integer.parseInt(m.group(7)),
                count);
    }

    private static List<Condition> conditions(String text, String clause, int base) {
        List<Condition> out = new ArrayList<>();
        int pos = 0;
        while (true) {
            Matcher c = CONDITION.matcher(clause).region(pos, clause.length());
            if (!c.lookingAt())
                throw new Invalid(
                        "MALFORMED_QUERY",
                        located(text, base + pos, "unexpected token: '" + firstToken(clause.substring(pos)) + "'"));
            String raw = c.group(3);
            boolean quoted = raw.startsWith("'");
            String literal = quoted
                    ? raw.substring(1, raw.length() - 1).replaceAll("\\\\(.)", "$1")
                    : raw.equalsIgnoreCase("null") ? null : raw;
            out.add(new Condition(c.group(1), base + c.start(1), c.group(2).equals("!="), literal, quoted));
            pos = c.end();
            if (pos >= clause.length()) return out;
            Matcher a = AND.matcher(clause).region(pos, clause.length());
            // Only AND of (in)equalities is understood; OR, LIKE, IN and friends are refused rather than misread.
            if (!a.lookingAt())
                throw new Invalid(
                        "MALFORMED_QUERY",
                        located(text, base + pos, "unexpected token: '" + firstToken(clause.substring(pos)) + "'"));
            pos = a.end();
        }
    }

    private static Invalid malformed(String text) {
        String trimmed = text.stripLeading();
        int lead = text.length() - trimmed.length();
        String first = firstToken(trimmed);
        if (!first.equalsIgnoreCase("SELECT"))
            return new Invalid("MALFORMED_QUERY", located(text, lead, "unexpected token: '" + first + "'"));
        int from = indexOfWord(text, "FROM");
        if (from < 0) return new Invalid("MALFORMED_QUERY", located(text, text.length(), "unexpected token: '<EOF>'"));
        return new Invalid(
                "MALFORMED_QUERY",
                located(text, from, "unexpected token near '" + firstToken(text.substring(from)) + "'"));
    }

    private static int indexOfWord(String text, String word) {
        Matcher m = Pattern.compile("(?i)\\b" + word + "\\b").matcher(text);
        return m.find() ? m.start() : -1;
    }

    private static String firstToken(String s) {
        String t = s.strip();
        int end = 0;
        while (end < t.length() && !Character.isWhitespace(t.charAt(end))) end++;
        return end == 0 ? "<EOF>" : t.substring(0, end);
    }

    /** Salesforce's error layout: the query, a caret under the culprit, then "ERROR at Row:1:Column:N" and the reason. */
    static String located(String text, int index, String reason) {
        int i = Math.max(0, Math.min(index, text.length()));
        return "\n" + text + "\n" + " ".repeat(i) + "^\nERROR at Row:1:Column:" + (i + 1) + "\n" + reason;
    }

    /** A WHERE condition bound to the field's API name. */
    record Resolved(String field, SalesforceQuery.Condition condition) {
        boolean test(ObjectNode row) {
            JsonNode v = row.get(field);
            boolean equal;
            if (condition.literal() == null) {
                equal = v == null || v.isNull();
            } else if (v == null || v.isNull()) {
                equal = false;
            } else if (v.isNumber() && !condition.quoted()) {
                try {
                    equal = v.decimalValue().compareTo(new BigDecimal(condition.literal())) == 0;
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
    static int compareValues(JsonNode a, JsonNode b) {
        boolean an = a == null || a.isNull();
        boolean bn = b == null || b.isNull();
        if (an || bn) return an == bn ? 0 : an ? -1 : 1;
        if (a.isNumber() && b.isNumber()) return a.decimalValue().compareTo(b.decimalValue());
        return a.asText().compareToIgnoreCase(b.asText());
    }
}
