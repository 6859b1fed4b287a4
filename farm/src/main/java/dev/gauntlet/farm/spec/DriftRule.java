package dev.gauntlet.farm.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A schema change the service makes to its responses once a trigger fires.
 *
 * @param name        label shown in status (defaults to a description of the change)
 * @param resource    resource it changes, or every resource when absent
 * @param afterCalls  fires after this many requests to the service
 * @param afterS      fires this many seconds after the farm (or the last reset) started
 * @param manual      fires only from POST /admin/drift
 * @param rename      old field name to new field name
 * @param remove      fields that disappear
 * @param add         new field to generator
 * @param retype      field to new type: string, number, int, bool, object
 */
public record DriftRule(
        String name,
        String resource,
        Long afterCalls,
        Long afterS,
        Boolean manual,
        Map<String, String> rename,
        List<String> remove,
        Map<String, String> add,
        Map<String, String> retype) {

    public static final List<String> TYPES = List.of("string", "number", "int", "bool", "object");

    public DriftRule {
        rename = rename == null ? Map.of() : Map.copyOf(rename);
        remove = remove == null ? List.of() : List.copyOf(remove);
        add = add == null ? Map.of() : Map.copyOf(add);
        retype = retype == null ? Map.of() : Map.copyOf(retype);
        manual = manual != null && manual;
        int triggers = (afterCalls != null ? 1 : 0) + (afterS != null ? 1 : 0) + (manual ? 1 : 0);
        if (triggers != 1) {
            throw new IllegalArgumentException(
                    "drift rule needs exactly one trigger of after_calls, after_s or manual: true, had " + triggers);
        }
        if (afterCalls != null) Check.atLeast("drift.after_calls", 0, afterCalls);
        if (afterS != null) Check.atLeast("drift.after_s", 0, afterS);
        if (rename.isEmpty() && remove.isEmpty() && add.isEmpty() && retype.isEmpty()) {
            throw new IllegalArgumentException("drift rule changes nothing: give rename, remove, add or retype");
        }
        for (var e : add.entrySet()) {
            if (!FieldKind.isKnown(e.getValue())) {
                throw new IllegalArgumentException("drift.add." + e.getKey() + " has unknown generator '" + e.getValue()
                        + "'; expected one of " + FieldKind.NAMES);
            }
        }
        for (var e : retype.entrySet()) {
            if (!TYPES.contains(e.getValue())) {
                throw new IllegalArgumentException(
                        "drift.retype." + e.getKey() + " must be one of " + TYPES + ", was '" + e.getValue() + "'");
            }
        }
        if (name == null || name.isBlank()) {
            name = describe(rename, remove, add, retype);
        }
    }

    private static String describe(
            Map<String, String> rename, List<String> remove, Map<String, String> add, Map<String, String> retype) {
        var parts = new ArrayList<String>();
        rename.forEach((a, b) -> parts.add("rename " + a + "→" + b));
        remove.forEach(f -> parts.add("remove " + f));
        add.keySet().forEach(f -> parts.add("add " + f));
        retype.forEach((f, t) -> parts.add("retype " + f + "→" + t));
        return String.join(", ", parts);
    }
}
