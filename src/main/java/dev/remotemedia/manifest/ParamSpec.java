package dev.remotemedia.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.util.List;

/**
 * One declared parameter of a node type: its shape, default, bounds and one-line doc.
 * Built fluently, e.g. {@code ParamSpec.integer("timeout_ms").defaultValue(30000).min(1).doc("...")}.
 */
public record ParamSpec(String name, ParamKind kind, boolean required, JsonNode defaultValue,
                        Double min, Double max, List<String> allowed, ParamSchema nested, boolean secret,
                        String doc) {

    public static ParamSpec string(String name) { return of(name, ParamKind.STRING); }
    public static ParamSpec integer(String name) { return of(name, ParamKind.INTEGER); }
    public static ParamSpec number(String name) { return of(name, ParamKind.NUMBER); }
    public static ParamSpec bool(String name) { return of(name, ParamKind.BOOLEAN); }
    public static ParamSpec stringList(String name) { return of(name, ParamKind.STRING_LIST); }
    public static ParamSpec any(String name) { return of(name, ParamKind.ANY); }

    public static ParamSpec oneOf(String name, String... values) {
        return new ParamSpec(name, ParamKind.ENUM, false, null, null, null, List.of(values), null, false, "");
    }

    public static ParamSpec object(String name, ParamSchema nested) {
        return new ParamSpec(name, ParamKind.OBJECT, false, null, null, null, List.of(), nested, false, "");
    }

    private static ParamSpec of(String name, ParamKind kind) {
        return new ParamSpec(name, kind, false, null, null, null, List.of(), null, false, "");
    }

    public ParamSpec asRequired() {
        return new ParamSpec(name, kind, true, defaultValue, min, max, allowed, nested, secret, doc);
    }

    /** Secret values (tokens) are masked in every dump and error message. */
    public ParamSpec asSecret() {
        return new ParamSpec(name, kind, required, defaultValue, min, max, allowed, nested, true, doc);
    }

    public ParamSpec defaultValue(Object value) {
        JsonNode node = JsonNodeFactory.instance.pojoNode(value);
        if (value instanceof Integer i) node = JsonNodeFactory.instance.numberNode(i);
        else if (value instanceof Long l) node = JsonNodeFactory.instance.numberNode(l);
        else if (value instanceof Double d) node = JsonNodeFactory.instance.numberNode(d);
        else if (value instanceof Boolean b) node = JsonNodeFactory.instance.booleanNode(b);
        else if (value instanceof String s) node = JsonNodeFactory.instance.textNode(s);
        return new ParamSpec(name, kind, required, node, min, max, allowed, nested, secret, doc);
    }

    public ParamSpec min(double v) {
        return new ParamSpec(name, kind, required, defaultValue, v, max, allowed, nested, secret, doc);
    }

    public ParamSpec max(double v) {
        return new ParamSpec(name, kind, required, defaultValue, min, v, allowed, nested, secret, doc);
    }

    public ParamSpec doc(String text) {
        return new ParamSpec(name, kind, required, defaultValue, min, max, allowed, nested, secret, text);
    }

    /** Human description of the accepted values, used in `nodes` output and error messages. */
    public String typeDescription() {
        return switch (kind) {
            case ENUM -> String.join("|", allowed);
            case OBJECT -> "object";
            case STRING_LIST -> "string[]";
            default -> kind.name().toLowerCase();
        };
    }
}
