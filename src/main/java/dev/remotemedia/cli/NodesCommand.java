package dev.remotemedia.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.NodeTypeJson;
import dev.remotemedia.pipeline.NodeTypeRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** `nodes [--json]`: node types with their parameter schemas and defaults. */
@Command(name = "nodes", description = "List node types with their parameters, defaults and docs.")
final class NodesCommand implements Callable<Integer> {
    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        var registry = NodeTypeRegistry.load();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode all = JsonNodeFactory.instance.arrayNode();
            registry.all().forEach(t -> all.add(NodeTypeJson.describe(t)));
            out.println(Events.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(all));
            return 0;
        }
        for (NodeType t : registry.all()) {
            out.printf("%s — %s%n  in: %s  out: %s%n", t.name(), t.description(), t.inputs(), t.outputs());
            print(out, t.params(), "    ");
            out.println();
        }
        return 0;
    }

    private static void print(PrintWriter out, ParamSchema schema, String indent) {
        for (ParamSpec p : schema.specs()) {
            String def = p.defaultValue() == null ? (p.required() ? " (required)" : "") : " = " + p.defaultValue();
            String range = p.min() == null && p.max() == null ? ""
                    : " [" + (p.min() == null ? "" : trim(p.min())) + ".." + (p.max() == null ? "" : trim(p.max())) + "]";
            out.printf("%s%s: %s%s%s  %s%n", indent, p.name(), p.typeDescription(), range, def, p.doc());
            if (p.nested() != null) print(out, p.nested(), indent + "  ");
        }
    }

    private static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
