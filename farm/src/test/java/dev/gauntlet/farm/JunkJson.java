package dev.gauntlet.farm;

import java.util.Random;

/**
 * Random JSON for hostile-input tests: objects over the keys a server's handlers read, arrays, strings a fuzzer sends
 * (escaped so the document stays JSON), extreme numbers, booleans and null, nested up to a depth. Seeded by the caller,
 * so a failure replays. Shared by the farm's and the AAM's fuzz tests.
 */
public final class JunkJson {

    private static final String[] NUMBERS = {
        "0", "-1", "1.5", "1e308", "-1e400", "99999999999999999999999", "1".repeat(1200)
    };

    private final String[] keys;
    private final String[] strings;
    private final int maxDepth;

    /** @param maxDepth below this depth any kind of value; from it on only scalars */
    public JunkJson(String[] keys, String[] strings, int maxDepth) {
        this.keys = keys.clone();
        this.strings = strings.clone();
        this.maxDepth = maxDepth;
    }

    /** One random JSON value. */
    public String value(Random random) {
        return value(random, 0).toString();
    }

    private StringBuilder value(Random random, int depth) {
        StringBuilder sb = new StringBuilder();
        int kind = depth > maxDepth ? 4 + random.nextInt(4) : random.nextInt(8);
        switch (kind) {
            case 0, 1, 2 -> {
                sb.append('{');
                int n = random.nextInt(6);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    sb.append('"').append(pick(random, keys)).append("\":").append(value(random, depth + 1));
                }
                sb.append('}');
            }
            case 3 -> {
                sb.append('[');
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    if (i > 0) sb.append(',');
                    sb.append(value(random, depth + 1));
                }
                sb.append(']');
            }
            case 4 -> sb.append('"').append(escape(pick(random, strings))).append('"');
            case 5 -> sb.append(pick(random, NUMBERS));
            case 6 -> sb.append(random.nextBoolean());
            default -> sb.append("null");
        }
        return sb;
    }

    /** A string as the inside of a JSON string: quotes, backslashes, control characters and lone surrogates escaped. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') sb.append('\\').append(c);
            else if (c < 0x20 || Character.isSurrogate(c)) sb.append(String.format("\\u%04x", (int) c));
            else sb.append(c);
        }
        return sb.toString();
    }

    /** One element of {@code from}, drawn from {@code random}. */
    public static String pick(Random random, String[] from) {
        return from[random.nextInt(from.length)];
    }
}
