package dev.remotemedia.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Strict validation of manifest v1. Every problem is collected (not just the first), each message
 * names its place, e.g. {@code nodes[2] (id "remote_stt").params.timeout_ms: must be a positive integer, got "abc"}.
 */
public final class ManifestValidator {
    private static final Set<String> TOP_FIELDS = Set.of("version", "metadata", "nodes", "connections");
    private static final Set<String> NODE_FIELDS = Set.of("id", "node_type", "params");
    private static final Set<String> CONNECTION_FIELDS = Set.of("from", "to");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]+");
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private final NodeCatalog catalog;
    private final VariableSource variables;

    public ManifestValidator(NodeCatalog catalog, VariableSource variables) {
        this.catalog = catalog;
        this.variables = variables;
    }

    public Manifest validate(JsonNode tree, String source) {
        List<String> errors = new ArrayList<>();
        if (!tree.isObject()) {
            throw new ManifestException(source, List.of("(root): must be an object with \"version\" and \"nodes\""));
        }
        unknownFields(tree, TOP_FIELDS, "", errors);

        JsonNode version = tree.get("version");
        if (version == null) errors.add("version: is required (use \"v1\")");
        else if (!"v1".equals(version.asText()) || !version.isTextual()) errors.add("version: must be \"v1\", got " + version);

        JsonNode metadata = tree.get("metadata");
        if (metadata != null && !metadata.isObject()) errors.add("metadata: must be an object, got " + kindOf(metadata));

        List<NodeSpec> nodes = nodes(tree.get("nodes"), errors);
        List<Connection> connections = connections(tree.get("connections"), nodes, errors);
        if (errors.isEmpty()) findCycle(nodes, connections).ifPresent(c -> errors.add("connections: cycle " + c));

        if (!errors.isEmpty()) throw new ManifestException(source, errors);
        return new Manifest("v1", metadata instanceof ObjectNode m ? m.deepCopy() : F.objectNode(),
                List.copyOf(nodes), List.copyOf(connections), source);
    }

    private List<NodeSpec> nodes(JsonNode list, List<String> errors) {
        List<NodeSpec> out = new ArrayList<>();
        if (list == null) { errors.add("nodes: is required (a list of {id, node_type, params})"); return out; }
        if (!list.isArray()) { errors.add("nodes: must be a list, got " + kindOf(list)); return out; }
        if (list.isEmpty()) { errors.add("nodes: must list at least one node"); return out; }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode n = list.get(i);
            String place = "nodes[" + i + "]";
            if (!n.isObject()) { errors.add(place + ": must be an object, got " + kindOf(n)); continue; }
            String id = n.path("id").isTextual() ? n.get("id").asText() : null;
            if (id != null) place += " (id \"" + id + "\")";
            unknownFields(n, NODE_FIELDS, place + ".", errors);
            if (id == null) {
                errors.add(place + ".id: is required (a string matching [A-Za-z0-9_-]+)");
            } else if (!ID.matcher(id).matches()) {
                errors.add(place + ".id: must match [A-Za-z0-9_-]+, got \"" + id + "\"");
            } else if (seen.containsKey(id)) {
                errors.add(place + ".id: duplicate id \"" + id + "\" (also nodes[" + seen.get(id) + "])");
            } else {
                seen.put(id, i);
            }
            JsonNode typeNode = n.get("node_type");
            if (typeNode == null || !typeNode.isTextual()) {
                errors.add(place + ".node_type: is required; known types: " + String.join(", ", catalog.typeNames()));
                continue;
            }
            String type = typeNode.asText();
            var schema = catalog.schemaOf(type);
            if (schema.isEmpty()) {
                errors.add(place + ".node_type: unknown node type \"" + type + "\"" + Suggestions.hint(type, catalog.typeNames())
                        + "; known types: " + String.join(", ", catalog.typeNames()));
                continue;
            }
            JsonNode params = n.get("params");
            if (params != null && !params.isObject() && !params.isNull()) {
                errors.add(place + ".params: must be an object, got " + kindOf(params));
                continue;
            }
            int before = errors.size();
            ObjectNode resolved = F.objectNode();
            ObjectNode masked = F.objectNode();
            object(params instanceof ObjectNode o ? o : F.objectNode(), schema.get(), place + ".params", resolved, masked, errors);
            Params p = new Params(resolved, masked);
            if (errors.size() == before) catalog.check(type, p, place + ".params", errors);
            if (id != null) out.add(new NodeSpec(id, type, p));
        }
        return out;
    }

    /** Validates one params object against a schema, filling the resolved and printable copies. */
    private void object(ObjectNode given, ParamSchema schema, String path, ObjectNode resolved, ObjectNode masked,
                        List<String> errors) {
        for (Iterator<String> it = given.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (schema.get(name).isEmpty()) {
                errors.add(path + "." + name + ": unknown parameter" + Suggestions.hint(name, schema.names())
                        + (schema.names().isEmpty() ? "; this node type takes no parameters"
                        : "; known: " + String.join(", ", schema.names())));
            }
        }
        for (ParamSpec spec : schema.specs()) {
            String where = path + "." + spec.name();
            JsonNode value = given.get(spec.name());
            if (value == null || value.isNull()) {
                if (spec.kind() == ParamKind.OBJECT) {
                    ObjectNode r = F.objectNode(), m = F.objectNode();
                    object(F.objectNode(), spec.nested(), where, r, m, errors);
                    resolved.set(spec.name(), r);
                    masked.set(spec.name(), m);
                } else if (spec.required()) {
                    errors.add(where + ": is required (" + spec.typeDescription() + (spec.doc().isEmpty() ? "" : ": " + spec.doc()) + ")");
                } else if (spec.defaultValue() != null) {
                    resolved.set(spec.name(), spec.defaultValue());
                    masked.set(spec.name(), spec.defaultValue());
                }
                continue;
            }
            value(spec, value, where, resolved, masked, errors);
        }
    }

    private void value(ParamSpec spec, JsonNode raw, String where, ObjectNode resolved, ObjectNode masked,
                       List<String> errors) {
        String name = spec.name();
        // what may be printed: secrets as ***, everything else as written (so ${VAR} hides its value)
        JsonNode printable = spec.secret() ? F.textNode("***") : raw;
        String shown = printable.toString();
        JsonNode value = raw;
        if (raw.isTextual() && Substitution.hasReference(raw.asText())) {
            var r = Substitution.expand(raw.asText(), variables);
            if (!r.ok()) {
                for (String var : r.missing()) {
                    errors.add(where + ": variable ${" + var + "} is not set (set it in the environment or give a default: ${"
                            + var + ":-value})");
                }
                return;
            }
            value = F.textNode(r.value());
        }
        switch (spec.kind()) {
            case STRING -> {
                if (!value.isTextual()) { errors.add(where + ": must be a string, got " + shown); return; }
            }
            case BOOLEAN -> {
                if (value.isTextual() && (value.asText().equals("true") || value.asText().equals("false"))
                        && raw != value) value = F.booleanNode(Boolean.parseBoolean(value.asText()));
                if (!value.isBoolean()) { errors.add(where + ": must be true or false, got " + shown); return; }
            }
            case INTEGER, NUMBER -> {
                JsonNode n = numeric(value, raw != value);
                boolean integer = spec.kind() == ParamKind.INTEGER;
                if (n == null || (integer && !(n.isIntegralNumber() || n.asDouble() == Math.rint(n.asDouble())))) {
                    errors.add(where + ": must be " + numberWord(spec) + ", got " + shown);
                    return;
                }
                if (integer) n = F.numberNode(n.asLong());
                double d = n.asDouble();
                if ((spec.min() != null && d < spec.min()) || (spec.max() != null && d > spec.max())) {
                    boolean notPositive = spec.min() != null && spec.min() == 1 && d < 1 && integer;
                    errors.add(where + ": " + (notPositive ? "must be a positive integer" : rangeText(spec)) + ", got " + shown);
                    return;
                }
                value = n;
            }
            case ENUM -> {
                if (!value.isTextual() || !spec.allowed().contains(value.asText())) {
                    errors.add(where + ": must be one of " + String.join(", ", spec.allowed()) + ", got " + shown
                            + (value.isTextual() ? Suggestions.hint(value.asText(), spec.allowed()) : ""));
                    return;
                }
            }
            case STRING_LIST -> {
                if (!value.isArray()) { errors.add(where + ": must be a list of strings, got " + shown); return; }
                var out = F.arrayNode();
                for (int i = 0; i < value.size(); i++) {
                    JsonNode e = value.get(i);
                    if (!e.isTextual()) { errors.add(where + "[" + i + "]: must be a string, got " + e); return; }
                    if (Substitution.hasReference(e.asText())) {
                        var r = Substitution.expand(e.asText(), variables);
                        if (!r.ok()) {
                            String at = where + "[" + i + "]";
                            r.missing().forEach(v -> errors.add(at + ": variable ${" + v + "} is not set"));
                            return;
                        }
                        out.add(r.value());
                    } else {
                        out.add(e);
                    }
                }
                value = out;
            }
            case OBJECT -> {
                if (!value.isObject()) { errors.add(where + ": must be an object, got " + shown); return; }
                ObjectNode r = F.objectNode(), m = F.objectNode();
                object((ObjectNode) value, spec.nested(), where, r, m, errors);
                resolved.set(name, r);
                masked.set(name, m);
                return;
            }
            case ANY -> { }
        }
        resolved.set(name, value);
        masked.set(name, printable);
    }

    private static JsonNode numeric(JsonNode value, boolean substituted) {
        if (value.isNumber()) return value;
        if (substituted && value.isTextual()) {
            try {
                String t = value.asText().trim();
                return t.matches("-?\\d+") ? F.numberNode(Long.parseLong(t)) : F.numberNode(Double.parseDouble(t));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String numberWord(ParamSpec spec) {
        boolean integer = spec.kind() == ParamKind.INTEGER;
        String noun = integer ? "integer" : "number";
        if (spec.min() != null && spec.min() >= 1 && integer) return "a positive integer";
        if (spec.min() != null && spec.min() == 0) return "a non-negative " + noun;
        return integer ? "an integer" : "a number";
    }

    private static String rangeText(ParamSpec spec) {
        if (spec.min() != null && spec.max() != null) return "must be between " + fmt(spec.min()) + " and " + fmt(spec.max());
        if (spec.min() != null) return "must be at least " + fmt(spec.min());
        return "must be at most " + fmt(spec.max());
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private List<Connection> connections(JsonNode list, List<NodeSpec> nodes, List<String> errors) {
        List<Connection> out = new ArrayList<>();
        if (list == null || list.isNull()) return out;
        if (!list.isArray()) { errors.add("connections: must be a list, got " + kindOf(list)); return out; }
        List<String> ids = nodes.stream().map(NodeSpec::id).toList();
        for (int i = 0; i < list.size(); i++) {
            JsonNode c = list.get(i);
            String place = "connections[" + i + "]";
            if (!c.isObject()) { errors.add(place + ": must be an object {from, to}, got " + kindOf(c)); continue; }
            unknownFields(c, CONNECTION_FIELDS, place + ".", errors);
            String from = endpoint(c, "from", place, ids, errors);
            String to = endpoint(c, "to", place, ids, errors);
            if (from != null && to != null) {
                if (from.equals(to)) errors.add("connections: cycle " + from + " -> " + to);
                else out.add(new Connection(from, to));
            }
        }
        return out;
    }

    private static String endpoint(JsonNode c, String field, String place, List<String> ids, List<String> errors) {
        JsonNode v = c.get(field);
        if (v == null || !v.isTextual()) { errors.add(place + "." + field + ": is required (a node id)"); return null; }
        if (!ids.contains(v.asText())) {
            errors.add(place + "." + field + ": unknown node \"" + v.asText() + "\"" + Suggestions.hint(v.asText(), ids)
                    + "; nodes are: " + String.join(", ", ids));
            return null;
        }
        return v.asText();
    }

    /** Depth-first search; returns the first cycle as "a -> b -> a". */
    static java.util.Optional<String> findCycle(List<NodeSpec> nodes, List<Connection> connections) {
        Map<String, List<String>> next = new LinkedHashMap<>();
        nodes.forEach(n -> next.put(n.id(), new ArrayList<>()));
        connections.forEach(c -> next.get(c.from()).add(c.to()));
        Map<String, Integer> state = new HashMap<>(); // 1 = on stack, 2 = done
        for (String start : next.keySet()) {
            List<String> stack = new ArrayList<>();
            String found = dfs(start, next, state, stack);
            if (found != null) return java.util.Optional.of(found);
        }
        return java.util.Optional.empty();
    }

    private static String dfs(String id, Map<String, List<String>> next, Map<String, Integer> state, List<String> stack) {
        Integer s = state.get(id);
        if (s != null && s == 2) return null;
        if (s != null && s == 1) {
            List<String> cycle = new ArrayList<>(stack.subList(stack.indexOf(id), stack.size()));
            cycle.add(id);
            return String.join(" -> ", cycle);
        }
        state.put(id, 1);
        stack.add(id);
        for (String n : next.get(id)) {
            String found = dfs(n, next, state, stack);
            if (found != null) return found;
        }
        stack.remove(stack.size() - 1);
        state.put(id, 2);
        return null;
    }

    private static void unknownFields(JsonNode obj, Set<String> allowed, String prefix, List<String> errors) {
        obj.fieldNames().forEachRemaining(f -> {
            if (!allowed.contains(f)) {
                errors.add(prefix + f + ": unknown field" + Suggestions.hint(f, allowed) + "; allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()));
            }
        });
    }

    private static String kindOf(JsonNode n) {
        return n.isArray() ? "a list" : n.isObject() ? "an object" : n.toString();
    }
}
