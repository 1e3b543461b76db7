package dev.remotemedia.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Validated node parameters: every declared default applied and `${VAR}`s expanded.
 * {@link #masked()} is the only form that may be printed: it shows secrets and substituted values
 * as they were written (`${API_TOKEN}`) or as `***`.
 */
public final class Params {
    private final ObjectNode resolved;
    private final ObjectNode masked;

    Params(ObjectNode resolved, ObjectNode masked) {
        this.resolved = resolved;
        this.masked = masked;
    }

    public static Params empty() {
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        return new Params(f.objectNode(), f.objectNode());
    }

    public boolean has(String name) {
        JsonNode n = resolved.get(name);
        return n != null && !n.isNull();
    }

    public String string(String name) {
        JsonNode n = resolved.get(name);
        return n == null || n.isNull() ? null : n.asText();
    }

    public Optional<String> optionalString(String name) {
        return Optional.ofNullable(string(name));
    }

    public int integer(String name) {
        return resolved.path(name).asInt();
    }

    public long longValue(String name) {
        return resolved.path(name).asLong();
    }

    public double number(String name) {
        return resolved.path(name).asDouble();
    }

    public boolean bool(String name) {
        return resolved.path(name).asBoolean();
    }

    public List<String> strings(String name) {
        List<String> out = new ArrayList<>();
        resolved.path(name).forEach(n -> out.add(n.asText()));
        return out;
    }

    /** A nested object parameter (e.g. {@code retry}); its own defaults are already applied. */
    public Params object(String name) {
        JsonNode r = resolved.get(name);
        JsonNode m = masked.get(name);
        var f = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        return new Params(r instanceof ObjectNode o ? o : f.objectNode(), m instanceof ObjectNode o2 ? o2 : f.objectNode());
    }

    /** The raw JSON value of an ANY parameter (e.g. an inline manifest). */
    public JsonNode json(String name) {
        return resolved.get(name);
    }

    /** Resolved values, for node code only: never log this. */
    public ObjectNode resolvedJson() {
        return resolved.deepCopy();
    }

    /** Printable form: secrets masked, substituted values shown as written. */
    public ObjectNode masked() {
        return masked.deepCopy();
    }

    @Override
    public String toString() {
        return masked.toString();
    }
}
