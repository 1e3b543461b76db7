package dev.remotemedia.pipeline;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;

/** A node type and its parameter schema as JSON: `nodes --json` and gRPC Describe print the same thing. */
public final class NodeTypeJson {
    private NodeTypeJson() {}

    public static ObjectNode describe(NodeType t) {
        ObjectNode o = JsonNodeFactory.instance.objectNode().put("node_type", t.name()).put("description", t.description());
        t.inputs().forEach(k -> o.withArray("inputs").add(k.name().toLowerCase()));
        t.outputs().forEach(k -> o.withArray("outputs").add(k.name().toLowerCase()));
        o.set("params", schema(t.params()));
        return o;
    }

    public static ObjectNode schema(ParamSchema schema) {
        ObjectNode params = JsonNodeFactory.instance.objectNode();
        for (ParamSpec p : schema.specs()) {
            ObjectNode s = params.putObject(p.name()).put("type", p.kind().name().toLowerCase());
            if (p.required()) s.put("required", true);
            if (p.defaultValue() != null) s.set("default", p.defaultValue());
            if (p.min() != null) s.put("min", p.min());
            if (p.max() != null) s.put("max", p.max());
            p.allowed().forEach(a -> s.withArray("enum").add(a));
            if (p.secret()) s.put("secret", true);
            if (p.nested() != null) s.set("params", schema(p.nested()));
            s.put("doc", p.doc());
        }
        return params;
    }
}
