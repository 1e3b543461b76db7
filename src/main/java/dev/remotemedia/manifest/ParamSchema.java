package dev.remotemedia.manifest;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The ordered parameter declarations of a node type (or of a nested object parameter). */
public final class ParamSchema {
    private final Map<String, ParamSpec> specs = new LinkedHashMap<>();

    private ParamSchema(List<ParamSpec> list) {
        for (ParamSpec s : list) specs.put(s.name(), s);
    }

    public static ParamSchema of(ParamSpec... specs) {
        return new ParamSchema(List.of(specs));
    }

    public Optional<ParamSpec> get(String name) {
        return Optional.ofNullable(specs.get(name));
    }

    public List<ParamSpec> specs() {
        return List.copyOf(specs.values());
    }

    public List<String> names() {
        return List.copyOf(specs.keySet());
    }
}
