package dev.gauntlet.mesh.internal.drift;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gauntlet.mesh.drift.FieldType;
import java.util.ArrayList;
import java.util.List;

/** A field of a learned schema: its type and a small ring of recent values (for telling renames by value overlap). */
final class LearnedField {
    /** Enough values to see overlap between a few reads, few enough to keep per field of every endpoint. */
    static final int SAMPLES = 8;
    /** Values are compared as text; long ones are cut (they are rarely what a rename is told by). */
    static final int MAX_VALUE = 64;

    FieldType type;
    private final String[] samples = new String[SAMPLES];
    private int next;

    LearnedField(FieldType type) {
        this.type = type;
    }

    /** Keeps a value unless it is already among the samples (the same record read again adds nothing). */
    void sample(JsonNode v) {
        String s = text(v);
        if (s == null) return;
        for (String x : samples) if (s.equals(x)) return;
        samples[next] = s;
        next = (next + 1) % SAMPLES;
    }

    List<String> samples() {
        List<String> out = new ArrayList<>(SAMPLES);
        for (String s : samples) if (s != null) out.add(s);
        return out;
    }

    static String text(JsonNode v) {
        if (v == null || v.isNull() || v.isContainerNode()) return null;
        String s = v.asText();
        return s.length() > MAX_VALUE ? s.substring(0, MAX_VALUE) : s;
    }
}
