package dev.gauntlet.mesh.internal.drift;

import dev.gauntlet.mesh.drift.FieldType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Tells a renamed field from an unrelated removal and addition: type, name similarity, overlap of recent values and
 * one-to-one pairing (a removed and an added field seen together) each add to a confidence between 0 and 1.
 */
final class RenameDetector {
    private RenameDetector() {}

    /** Weights of the four signals; they sum to 1. Type and values are evidence, the name the strongest hint. */
    static final double TYPE = 0.25, NAME = 0.35, VALUES = 0.25, PAIRING = 0.15;

    /** Below this a pairing is no rename at all, just a field that went and another that came. */
    public static final double FLOOR = 0.35;

    /** A removed or added field: name, type and the values seen of it. */
    public record Field(String name, FieldType type, Collection<String> values) {
        public Field {
            values = values == null ? List.of() : values;
        }
    }

    /** A rename with its confidence and the signals behind it. */
    public record Rename(
            String from,
            String to,
            double confidence,
            double typeScore,
            double nameScore,
            double valueScore,
            boolean mutualBest) {}

    /**
     * Pairs removed with added fields one-to-one, the most similar pairs first; a pair both of whose fields chose
     * each other (mutual best) earns the pairing share. Pairs below {@link #FLOOR} are dropped.
     */
    public static List<Rename> pair(List<Field> removed, List<Field> added) {
        int r = removed.size(), a = added.size();
        if (r == 0 || a == 0) return List.of();
        double[][] base = new double[r][a];
        for (int i = 0; i < r; i++) for (int j = 0; j < a; j++) base[i][j] = baseScore(removed.get(i), added.get(j));
        boolean[] usedR = new boolean[r], usedA = new boolean[a];
        List<Rename> out = new ArrayList<>();
        for (int round = 0; round < Math.min(r, a); round++) {
            int bi = -1, bj = -1;
            for (int i = 0; i < r; i++) {
                if (usedR[i]) continue;
                for (int j = 0; j < a; j++)
                    if (!usedA[j] && (bi < 0 || base[i][j] > base[bi][bj])) {
                        bi = i;
                        bj = j;
                    }
            }
            if (bi < 0) break;
            usedR[bi] = true;
            usedA[bj] = true;
            boolean mutual = isBest(base, bi, bj, r, a);
            Field from = removed.get(bi), to = added.get(bj);
            double t = typeScore(from.type(), to.type()),
                    n = nameSimilarity(from.name(), to.name()),
                    v = valueScore(from, to);
            double confidence = Math.min(1, base[bi][bj] + (mutual ? PAIRING : 0));
            if (confidence >= FLOOR) out.add(new Rename(from.name(), to.name(), confidence, t, n, v, mutual));
        }
        return out;
    }

    /** Confidence that {@code to} is {@code from} renamed, as if they were the only pair (full pairing share). */
    public static double confidence(Field from, Field to) {
        return Math.min(1, baseScore(from, to) + PAIRING);
    }

    private static boolean isBest(double[][] s, int i, int j, int r, int a) {
        // Strictly best on both sides: a tie means the pairing is a guess, and earns nothing.
        for (int k = 0; k < a; k++) if (k != j && s[i][k] >= s[i][j]) return false;
        for (int k = 0; k < r; k++) if (k != i && s[k][j] >= s[i][j]) return false;
        return true;
    }

    static double baseScore(Field from, Field to) {
        return TYPE * typeScore(from.type(), to.type())
                + NAME * nameSimilarity(from.name(), to.name())
                + VALUES * valueScore(from, to);
    }

    static double typeScore(FieldType a, FieldType b) {
        if (a == b) return 1;
        if (a == FieldType.nul || b == FieldType.nul) return 0.5;
        // A number that became a string (or back) may be a rename and a retype at once: weak, not nothing.
        if ((a == FieldType.number && b == FieldType.string) || (a == FieldType.string && b == FieldType.number))
            return 0.3;
        return 0;
    }

    /** 0..1: the same words (snake, kebab or camel case) or many shared letter pairs. */
    public static double nameSimilarity(String a, String b) {
        List<String> ta = tokens(a), tb = tokens(b);
        if (String.join("", ta).equals(String.join("", tb))) return 1;
        Set<String> sa = new HashSet<>(ta), sb = new HashSet<>(tb);
        int common = 0;
        for (String t : sa) if (sb.contains(t)) common++;
        double tokenScore = 0;
        if (common > 0) {
            int union = sa.size() + sb.size() - common;
            tokenScore = ((double) common / union + (double) common / Math.min(sa.size(), sb.size())) / 2;
        }
        return Math.max(tokenScore, dice(String.join("", ta), String.join("", tb)));
    }

    static List<String> tokens(String name) {
        List<String> out = new ArrayList<>(3);
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean sep = c == '_' || c == '-' || c == '.' || c == ' ' || c == '$';
            boolean camel = Character.isUpperCase(c) && i > 0 && Character.isLowerCase(name.charAt(i - 1));
            if ((sep || camel) && !cur.isEmpty()) {
                out.add(cur.toString());
                cur.setLength(0);
            }
            if (!sep) cur.append(Character.toLowerCase(c));
        }
        if (!cur.isEmpty()) out.add(cur.toString());
        return out;
    }

    /** Sørensen–Dice coefficient of letter pairs. */
    static double dice(String a, String b) {
        if (a.length() < 2 || b.length() < 2) return a.equals(b) ? 1 : 0;
        List<String> pa = new ArrayList<>(), pb = new ArrayList<>();
        for (int i = 0; i + 1 < a.length(); i++) pa.add(a.substring(i, i + 2));
        for (int i = 0; i + 1 < b.length(); i++) pb.add(b.substring(i, i + 2));
        int total = pa.size() + pb.size();
        int common = 0;
        for (String p : pa) if (pb.remove(p)) common++;
        return 2.0 * common / total;
    }

    /**
     * 0..1: the share of values the two fields have in common; without any, half the similarity of the values' look
     * (length, letters, digits, spaces), since two samples of different records rarely share a value.
     */
    static double valueScore(Field from, Field to) {
        Set<String> va = new HashSet<>(from.values()), vb = new HashSet<>(to.values());
        va.remove(null);
        vb.remove(null);
        if (va.isEmpty() || vb.isEmpty()) return 0;
        int common = 0;
        for (String v : vb) if (va.contains(v)) common++;
        Set<String> union = new HashSet<>(va);
        union.addAll(vb);
        // Two-valued fields (flags) overlap by chance: their overlap proves little.
        double cap = union.size() <= 2 ? 0.5 : 1;
        if (common > 0) return Math.min(cap, (double) common / Math.min(va.size(), vb.size()));
        return Math.min(cap, 0.5 * look(va, vb));
    }

    private static double look(Set<String> a, Set<String> b) {
        double[] pa = profile(a), pb = profile(b);
        double lengths = 1 - Math.abs(pa[0] - pb[0]) / Math.max(1, Math.max(pa[0], pb[0]));
        double classes = 1 - (Math.abs(pa[1] - pb[1]) + Math.abs(pa[2] - pb[2]) + Math.abs(pa[3] - pb[3])) / 3;
        return (lengths + classes) / 2;
    }

    /** Mean length and the shares of letters, digits and spaces. */
    private static double[] profile(Set<String> values) {
        double len = 0, letters = 0, digits = 0, spaces = 0, chars = 0;
        for (String v : values) {
            len += v.length();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (Character.isLetter(c)) letters++;
                else if (Character.isDigit(c)) digits++;
                else if (c == ' ') spaces++;
                chars++;
            }
        }
        chars = Math.max(1, chars);
        return new double[] {len / values.size(), letters / chars, digits / chars, spaces / chars};
    }
}
