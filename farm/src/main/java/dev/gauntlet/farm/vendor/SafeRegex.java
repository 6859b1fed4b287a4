package dev.gauntlet.farm.vendor;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Regular expressions a client sends (PostgREST {@code like}/{@code match}, MongoDB {@code $regex}), matched by RE2/J:
 * time linear in the text, whatever the pattern. {@code java.util.regex} backtracks: PostgREST's
 * {@code like.*_*_*_*_*_*Q} took 12 s per request there, and two at once held both cores. RE2 has no backreferences
 * and no lookaround; a pattern that uses them is refused as invalid (the vendor's error for a bad pattern), the one
 * way this differs from the vendors' own engines.
 */
public final class SafeRegex {

    /**
     * The largest compiled program accepted (RE2 instructions): matching costs program size × text length, and a
     * pattern such as {@code (a{1000}){1000}} compiles to millions of instructions. 100,000 leaves room for any pattern
     * a person writes.
     */
    static final int MAX_PROGRAM = 100_000;

    /** The longest pattern, in characters: MongoDB's ("Regular expression is too long", PCRE's limit of 32,764). */
    static final int MAX_LENGTH = 32_764;

    /** How deep groups may nest: RE2's own limit (its parser refuses deeper patterns); RE2/J compiles recursively. */
    static final int MAX_NESTING = 1000;

    /** Patterns compiled lately (a list filter meets every row with the same pattern); cleared when it fills. */
    private static final Map<String, Pattern> CACHE = new ConcurrentHashMap<>();

    private static final int CACHE_SIZE = 512;

    private SafeRegex() {}

    /** A pattern that cannot be used, with the reason in the engine's words. */
    public static final class Invalid extends RuntimeException {
        Invalid(String message) {
            super(message);
        }
    }

    /**
     * A compiled pattern.
     *
     * @param flags {@link Pattern#CASE_INSENSITIVE}, {@link Pattern#DOTALL}, {@link Pattern#MULTILINE}
     * @throws Invalid when the pattern is malformed, uses what RE2 lacks, or compiles too large
     */
    public static Pattern compile(String regex, int flags) {
        String key = flags + ":" + regex;
        Pattern cached = CACHE.get(key);
        if (cached != null) return cached;
        if (regex.length() > MAX_LENGTH)
            throw new Invalid(
                    "Regular expression is too long (" + regex.length() + " characters, over " + MAX_LENGTH + ")");
        long estimate = estimatedSize(regex);
        if (estimate > MAX_PROGRAM) {
            throw new Invalid("pattern too large: its repetitions expand to about " + estimate + " instructions, over "
                    + MAX_PROGRAM);
        }
        Pattern p;
        try {
            p = Pattern.compile(regex, flags);
        } catch (PatternSyntaxException e) {
            throw new Invalid(e.getDescription() + (e.getPattern() == null ? "" : " in '" + e.getPattern() + "'"));
        }
        if (p.programSize() > MAX_PROGRAM) {
            throw new Invalid(
                    "pattern too large: it compiles to " + p.programSize() + " instructions, over " + MAX_PROGRAM);
        }
        if (CACHE.size() >= CACHE_SIZE) CACHE.clear();
        CACHE.put(key, p);
        return p;
    }

    /**
     * About how many instructions a pattern compiles to, worked out from its text before RE2/J sees it: RE2/J expands
     * counted repetitions by copying ({@code (a{1000}){1000}} is a million copies; nested once more it exhausted the
     * heap), and unlike RE2 in C++ it does not refuse such patterns itself. Each atom counts 1, a group the sum of its
     * parts, {@code {n,m}} multiplies what it repeats by its larger bound. Malformed text is left for the compiler to
     * refuse; the estimate only needs to be at least as large as the program.
     */
    static long estimatedSize(String regex) {
        long[] sum = new long[MAX_NESTING + 1];
        long[] last = new long[MAX_NESTING + 1];
        int depth = 0;
        int n = regex.length();
        for (int i = 0; i < n; i++) {
            char c = regex.charAt(i);
            long atom = 1;
            switch (c) {
                case '(' -> {
                    if (depth + 1 > MAX_NESTING) throw new Invalid("groups nested more than " + MAX_NESTING + " deep");
                    depth++;
                    sum[depth] = 0;
                    last[depth] = 0;
                    continue;
                }
                case ')' -> {
                    if (depth == 0) continue;
                    atom = Math.max(1, sum[depth]) + 2;
                    depth--;
                }
                case '\\' -> {
                    if (i + 1 < n && regex.charAt(i + 1) == 'Q') {
                        int end = regex.indexOf("\\E", i + 2);
                        int stop = end < 0 ? n : end;
                        atom = Math.max(1, stop - (i + 2));
                        i = end < 0 ? n : end + 1;
                    } else if (i + 2 < n
                            && (regex.charAt(i + 1) == 'p' || regex.charAt(i + 1) == 'P')
                            && regex.charAt(i + 2) == '{') {
                        int close = regex.indexOf('}', i + 3);
                        i = close < 0 ? n : close;
                    } else {
                        i++;
                    }
                }
                case '[' -> i = classEnd(regex, i);
                case '*', '+', '?' -> {
                    sum[depth] += 1;
                    continue;
                }
                case '{' -> {
                    long count = repeatBound(regex, i);
                    if (count >= 0) {
                        // The repeated atom is already in the sum once: add the other copies.
                        sum[depth] = saturated(sum[depth], times(last[depth], count));
                        i = regex.indexOf('}', i);
                        continue;
                    }
                }
                default -> {
                    // A literal character or '|', '.', '^', '$'.
                }
            }
            last[depth] = atom;
            sum[depth] = saturated(sum[depth], atom);
        }
        long total = 0;
        for (int d = 0; d <= depth; d++) total = saturated(total, sum[d]);
        return total;
    }

    private static long times(long a, long b) {
        return b != 0 && a > (Long.MAX_VALUE / 2) / b ? Long.MAX_VALUE / 2 : a * b;
    }

    private static long saturated(long a, long b) {
        long r = a + b;
        return r < 0 || r > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : r;
    }

    /** The larger bound of a counted repetition {n}, {n,} (n + 1) or {n,m} starting at {@code open}, or -1 when it is not one. */
    private static long repeatBound(String regex, int open) {
        int close = regex.indexOf('}', open);
        if (close < 0) return -1;
        String inside = regex.substring(open + 1, close);
        int comma = inside.indexOf(',');
        String lo = comma < 0 ? inside : inside.substring(0, comma);
        String hi = comma < 0 ? lo : inside.substring(comma + 1);
        if (lo.isEmpty()
                || lo.length() > 9
                || hi.length() > 9
                || !lo.chars().allMatch(Character::isDigit)
                || !hi.chars().allMatch(Character::isDigit)) return -1;
        long bound = hi.isEmpty() ? Long.parseLong(lo) + 1 : Math.max(Long.parseLong(lo), Long.parseLong(hi));
        return Math.max(1, bound);
    }

    /** The index of the ']' closing a character class opened at {@code open} (a ']' first in it is literal). */
    private static int classEnd(String regex, int open) {
        int i = open + 1;
        if (i < regex.length() && regex.charAt(i) == '^') i++;
        if (i < regex.length() && regex.charAt(i) == ']') i++;
        for (; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') i++;
            else if (c == '[' && i + 1 < regex.length() && regex.charAt(i + 1) == ':') {
                int end = regex.indexOf(":]", i + 2);
                if (end > 0) i = end + 1;
            } else if (c == ']') return i;
        }
        return regex.length();
    }

    /**
     * SQL LIKE as a regular expression matched against the whole text: {@code %} any run of characters, {@code _} one
     * character, a backslash makes the next character literal (PostgreSQL's default escape), and PostgREST's {@code *}
     * stands for {@code %} ("to avoid URL encoding you can use * as an alias of the percent sign", PostgREST's
     * operators table).
     *
     * @throws Invalid for a pattern ending in the escape character, as PostgreSQL refuses it
     */
    public static String likeToRegex(String like) {
        StringBuilder re = new StringBuilder(like.length() + 8);
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < like.length(); i++) {
            char c = like.charAt(i);
            if (c == '\\') {
                if (i + 1 == like.length()) throw new Invalid("LIKE pattern must not end with escape character");
                literal.append(like.charAt(++i));
            } else if (c == '%' || c == '*' || c == '_') {
                if (!literal.isEmpty()) re.append(Pattern.quote(literal.toString()));
                literal.setLength(0);
                re.append(c == '_' ? "." : ".*");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) re.append(Pattern.quote(literal.toString()));
        return re.toString();
    }
}
