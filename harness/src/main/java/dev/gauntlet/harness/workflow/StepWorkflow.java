package dev.gauntlet.harness.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A workflow written as YAML, without Java: a list of request steps run in order on each iteration. Strings may use
 * {@code ${op_id}} (unique per iteration and step), {@code ${seq}} and {@code ${run_id}}; a step with
 * {@code write: true} is declared to the checker before it is sent.
 */
public final class StepWorkflow implements Workflow {

    /** One request. */
    public record Step(String method, String path, JsonNode body, boolean write) {}

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "PATCH", "DELETE");

    private final String name;
    private final String description;
    private final List<String> flavors;
    private final List<Step> steps;

    public StepWorkflow(String name, String description, List<String> flavors, List<Step> steps) {
        this.name = name;
        this.description = description;
        this.flavors = List.copyOf(flavors);
        this.steps = List.copyOf(steps);
    }

    public static StepWorkflow load(Path file) throws IOException {
        return parse(Files.readString(file), file.toString());
    }

    public static StepWorkflow parse(String yaml, String source) {
        try {
            JsonNode root = YAML.readTree(yaml);
            if (root == null || !root.isObject())
                throw new IllegalArgumentException("a workflow must be a mapping with name and steps");
            only(root, "", List.of("name", "description", "flavors", "steps"));
            JsonNode n = root.get("name");
            if (n == null || !n.isTextual() || !n.asText().matches("[a-z][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("name is required: lower-case letters, digits and '_', was " + n);
            }
            var flavors = new ArrayList<String>();
            root.path("flavors").forEach(f -> flavors.add(f.asText()));
            JsonNode ss = root.get("steps");
            if (ss == null || !ss.isArray() || ss.isEmpty())
                throw new IllegalArgumentException("steps must be a list of at least one request");
            var steps = new ArrayList<Step>();
            for (int i = 0; i < ss.size(); i++) {
                JsonNode s = ss.get(i);
                String at = "steps[" + i + "]";
                only(s, at, List.of("method", "path", "body", "write"));
                String method = s.path("method").asText("GET").toUpperCase(Locale.ROOT);
                if (!METHODS.contains(method))
                    throw new IllegalArgumentException(
                            at + ".method must be one of " + METHODS + ", was '" + method + "'");
                String path = s.path("path").asText("");
                if (!path.startsWith("/"))
                    throw new IllegalArgumentException(
                            at + ".path is required and must start with '/', was '" + path + "'");
                steps.add(new Step(method, path, s.get("body"), s.path("write").asBoolean(!method.equals("GET"))));
            }
            return new StepWorkflow(
                    n.asText(), root.path("description").asText("steps from " + source), flavors, steps);
        } catch (IOException e) {
            throw new IllegalArgumentException(source + ": not valid YAML: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    private static void only(JsonNode node, String at, List<String> allowed) {
        if (!node.isObject())
            throw new IllegalArgumentException((at.isEmpty() ? "the workflow" : at) + " must be a mapping");
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f))
                throw new IllegalArgumentException(
                        "unknown field '" + (at.isEmpty() ? "" : at + ".") + f + "', expected one of " + allowed);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean supports(String flavor) {
        return flavors.isEmpty() || flavors.contains(flavor);
    }

    public List<Step> steps() {
        return steps;
    }

    @Override
    public ApiResult iterate(WorkflowContext ctx, long seq) {
        ApiResult last = null;
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            String opId = ctx.opId(name, seq) + (steps.size() > 1 ? "-" + i : "");
            Map<String, String> vars = Map.of("op_id", opId, "seq", Long.toString(seq), "run_id", ctx.runId());
            if (s.write()) ctx.intend(opId);
            Object body = s.body() == null ? null : fill(s.body(), vars);
            last = ctx.api().call(s.method(), fill(s.path(), vars), body, s.write() ? opId : null);
            // A failed step ends the iteration: later steps usually depend on it.
            if (!last.ok()) return last;
        }
        return last;
    }

    private static String fill(String text, Map<String, String> vars) {
        if (text.indexOf('$') < 0) return text;
        String out = text;
        for (var e : vars.entrySet()) out = out.replace("${" + e.getKey() + "}", e.getValue());
        return out;
    }

    private static JsonNode fill(JsonNode node, Map<String, String> vars) {
        if (node.isTextual()) return TextNode.valueOf(fill(node.asText(), vars));
        if (node.isObject()) {
            ObjectNode o = YAML.createObjectNode();
            node.fields().forEachRemaining(e -> o.set(e.getKey(), fill(e.getValue(), vars)));
            return o;
        }
        if (node.isArray()) {
            var a = YAML.createArrayNode();
            node.forEach(x -> a.add(fill(x, vars)));
            return a;
        }
        return node;
    }
}
