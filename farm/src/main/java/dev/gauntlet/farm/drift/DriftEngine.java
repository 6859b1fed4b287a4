package dev.gauntlet.farm.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gauntlet.farm.data.FieldGenerator;
import dev.gauntlet.farm.spec.DriftRule;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Applies a service's schema-drift rules: fires them after N calls, after T seconds or on demand, then rewrites every
 * outgoing record of the targeted resource (rename, remove, add, retype). Records in the store never change.
 */
public final class DriftEngine {

    /** A rule with the moment it fired (null while pending). */
    public record RuleState(int index, DriftRule rule, Instant firedAt) {
        public boolean active() {
            return firedAt != null;
        }
    }

    private final List<DriftRule> rules;
    private final InstantSource clock;
    private final AtomicReferenceArray<Instant> fired;
    private volatile Instant startedAt;
    private volatile boolean anyActive;

    public DriftEngine(List<DriftRule> rules, InstantSource clock) {
        this.rules = List.copyOf(rules);
        this.clock = clock;
        this.fired = new AtomicReferenceArray<>(rules.size());
        this.startedAt = clock.instant();
    }

    /** Called once per request with the service's request count so far; fires rules whose trigger is reached. */
    public void onRequest(long calls) {
        if (rules.isEmpty()) return;
        Instant now = null;
        for (int i = 0; i < rules.size(); i++) {
            if (fired.get(i) != null) continue;
            DriftRule rule = rules.get(i);
            boolean due = rule.afterCalls() != null && calls > rule.afterCalls();
            if (!due && rule.afterS() != null) {
                if (now == null) now = clock.instant();
                due = !now.isBefore(startedAt.plusSeconds(rule.afterS()));
            }
            if (due) fire(i);
        }
    }

    /** Fires a rule now, whatever its trigger (the admin API's manual drift). */
    public boolean fire(int index) {
        if (index < 0 || index >= rules.size()) {
            throw new IllegalArgumentException("rule must be between 0 and " + (rules.size() - 1) + ", was " + index);
        }
        boolean changed = fired.compareAndSet(index, null, clock.instant());
        anyActive = true;
        return changed;
    }

    public List<RuleState> states() {
        var out = new ArrayList<RuleState>();
        for (int i = 0; i < rules.size(); i++) out.add(new RuleState(i, rules.get(i), fired.get(i)));
        return out;
    }

    public int activeCount() {
        int n = 0;
        for (int i = 0; i < rules.size(); i++) if (fired.get(i) != null) n++;
        return n;
    }

    public void reset() {
        for (int i = 0; i < rules.size(); i++) fired.set(i, null);
        anyActive = false;
        startedAt = clock.instant();
    }

    /** The record as the service shows it now; the same instance when no active rule touches the resource. */
    public ObjectNode apply(String resource, ObjectNode record) {
        if (!anyActive) return record;
        ObjectNode out = null;
        for (int i = 0; i < rules.size(); i++) {
            if (fired.get(i) == null) continue;
            DriftRule rule = rules.get(i);
            if (rule.resource() != null && !rule.resource().equals(resource)) continue;
            if (out == null) out = record.deepCopy();
            rewrite(rule, out);
        }
        return out == null ? record : out;
    }

    private static void rewrite(DriftRule rule, ObjectNode node) {
        for (var e : rule.rename().entrySet()) {
            if (node.has(e.getKey())) {
                // Keep the field's position so the rename is the only difference a client sees.
                Map<String, JsonNode> ordered = new LinkedHashMap<>();
                node.properties()
                        .forEach(p ->
                                ordered.put(p.getKey().equals(e.getKey()) ? e.getValue() : p.getKey(), p.getValue()));
                node.removeAll();
                ordered.forEach(node::set);
            }
        }
        rule.remove().forEach(node::remove);
        if (!rule.add().isEmpty()) {
            SplittableRandom r = new SplittableRandom(node.toString().hashCode());
            rule.add().forEach((field, kind) -> node.set(field, FieldGenerator.generate(kind, field, r, 0)));
        }
        rule.retype().forEach((field, type) -> {
            JsonNode v = node.get(field);
            if (v != null) node.set(field, retype(v, type));
        });
    }

    static JsonNode retype(JsonNode v, String type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (type) {
            case "string" -> f.textNode(v.isTextual() ? v.textValue() : v.toString());
            case "number" -> f.numberNode(v.asDouble());
            case "int" -> f.numberNode(v.asLong());
            case "bool" ->
                f.booleanNode(
                        v.isBoolean() ? v.booleanValue() : v.asText().equalsIgnoreCase("true") || v.asDouble() != 0);
            case "object" -> f.objectNode().set("value", v);
            default -> v;
        };
    }
}
