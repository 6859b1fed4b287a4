package dev.gauntlet.mesh.internal.drift;

import dev.gauntlet.mesh.drift.FieldType;

/**
 * Reads a JSON answer's shape hashes straight from its bytes, with no parser, no tree and no strings: the hot path's
 * check that an answer looks like one already learned. It computes exactly what {@link Shapes#hash} computes on a
 * tree (a field name's {@code String.hashCode()} is summed from its ASCII bytes), and gives up (false) on whatever it
 * cannot read plainly, leaving that to Jackson.
 */
final class ShapeScanner {
    private final byte[] b;
    /** Stop at the first record of a list: what is read up to there is checked, the rest of the answer is not. */
    private final boolean leadOnly;

    private int i;
    private int keyStart, keyEnd, keyHash;

    ShapeScanner(byte[] body) {
        this(body, false);
    }

    ShapeScanner(byte[] body, boolean leadOnly) {
        this.b = body;
        this.leadOnly = leadOnly;
    }

    boolean allKnown(long[] known) {
        ws();
        if (i >= b.length) return true;
        byte c = b[i];
        if (c == '[') {
            if (!Shapes.contains(known, Shapes.ARRAY_ROOT)) return false;
            i++;
            return leadOnly ? firstElementKnown(known) : elementsKnown(known);
        }
        if (c != '{') return false;
        i++;
        long h = Shapes.SEED;
        ws();
        if (b[i] == '}') return Shapes.contains(known, h);
        while (true) {
            if (!key()) return false;
            FieldType t = typeAt();
            if (t == null) return false;
            h += Shapes.mix(keyHash, keyEnd - keyStart, t);
            if (t == FieldType.array && isEnvelopeArray()) {
                i++;
                if (leadOnly) return firstElementKnown(known);
                if (!elementsKnown(known)) return false;
            } else if (t == FieldType.object && is("document")) {
                i++;
                long r = objectHash();
                if (r == Shapes.NONE || !Shapes.contains(known, r)) return false;
            } else if (!skipValue()) {
                return false;
            }
            ws();
            if (b[i] == ',') {
                i++;
                continue;
            }
            if (b[i] == '}') break;
            return false;
        }
        return Shapes.contains(known, h == Shapes.NONE ? 1 : h);
    }

    /** After an array's '[': every object element's hash is known. */
    private boolean elementsKnown(long[] known) {
        ws();
        if (b[i] == ']') {
            i++;
            return true;
        }
        while (true) {
            ws();
            if (b[i] == '{') {
                i++;
                long r = objectHash();
                if (r == Shapes.NONE || !Shapes.contains(known, r)) return false;
            } else if (!skipValue()) {
                return false;
            }
            ws();
            if (b[i] == ',') {
                i++;
                continue;
            }
            if (b[i] == ']') {
                i++;
                return true;
            }
            return false;
        }
    }

    /** After an array's '[': its first element, when an object, has a known hash (an empty list has nothing to check). */
    private boolean firstElementKnown(long[] known) {
        ws();
        if (b[i] != '{') return true;
        i++;
        long r = objectHash();
        return r != Shapes.NONE && Shapes.contains(known, r);
    }

    /** After an object's '{': its shape hash, the object consumed; NONE when it cannot be read plainly. */
    private long objectHash() {
        long h = Shapes.SEED;
        ws();
        if (b[i] == '}') {
            i++;
            return h;
        }
        while (true) {
            if (!key()) return Shapes.NONE;
            FieldType t = typeAt();
            if (t == null) return Shapes.NONE;
            h += Shapes.mix(keyHash, keyEnd - keyStart, t);
            if (!skipValue()) return Shapes.NONE;
            ws();
            if (b[i] == ',') {
                i++;
                continue;
            }
            if (b[i] == '}') {
                i++;
                return h == Shapes.NONE ? 1 : h;
            }
            return Shapes.NONE;
        }
    }

    /** Reads {@code "name" :} and leaves {@code i} at the value; false for escaped or non-ASCII names. */
    private boolean key() {
        ws();
        if (b[i] != '"') return false;
        int h = 0;
        int s = ++i;
        while (true) {
            byte c = b[i];
            if (c == '"') break;
            if (c == '\\' || c < 0x20) return false; // escapes and non-ASCII (negative bytes): Jackson's job
            h = 31 * h + c;
            i++;
        }
        keyStart = s;
        keyEnd = i;
        keyHash = h;
        i++;
        ws();
        if (b[i] != ':') return false;
        i++;
        ws();
        return true;
    }

    private FieldType typeAt() {
        byte c = b[i];
        if (c == '"') return FieldType.string;
        if (c == '{') return FieldType.object;
        if (c == '[') return FieldType.array;
        if (c == 't' || c == 'f') return FieldType.bool;
        if (c == 'n') return FieldType.nul;
        if (c == '-' || (c >= '0' && c <= '9')) return FieldType.number;
        return null;
    }

    /** Skips the value at {@code i} (strings with escapes, nested objects and arrays). */
    private boolean skipValue() {
        byte c = b[i];
        if (c == '"') {
            skipString();
            return true;
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            do {
                c = b[i];
                if (c == '"') {
                    skipString();
                    continue;
                }
                if (c == '{' || c == '[') depth++;
                else if (c == '}' || c == ']') depth--;
                i++;
            } while (depth > 0);
            return true;
        }
        int s = i;
        while (i < b.length) {
            c = b[i];
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') break;
            i++;
        }
        return i > s;
    }

    /** From an opening quote to after the closing one. */
    private void skipString() {
        i++;
        while (true) {
            byte c = b[i];
            if (c == '\\') i += 2;
            else if (c == '"') {
                i++;
                return;
            } else i++;
        }
    }

    private void ws() {
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
            i++;
        }
    }

    private boolean isEnvelopeArray() {
        return is("records") || is("data") || is("documents");
    }

    private boolean is(String name) {
        int n = keyEnd - keyStart;
        if (n != name.length()) return false;
        for (int k = 0; k < n; k++) if (b[keyStart + k] != name.charAt(k)) return false;
        return true;
    }
}
