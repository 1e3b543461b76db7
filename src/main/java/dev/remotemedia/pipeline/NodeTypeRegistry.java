package dev.remotemedia.pipeline;

import dev.remotemedia.manifest.NodeCatalog;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.Params;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** All node types on the classpath (ServiceLoader), by name. */
public final class NodeTypeRegistry implements NodeCatalog {
    private final Map<String, NodeType> types = new TreeMap<>();

    public NodeTypeRegistry(List<NodeType> types) {
        types.forEach(t -> this.types.put(t.name(), t));
    }

    public static NodeTypeRegistry load() {
        return new NodeTypeRegistry(ServiceLoader.load(NodeType.class, NodeTypeRegistry.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).toList());
    }

    public Optional<NodeType> find(String name) {
        return Optional.ofNullable(types.get(name));
    }

    public List<NodeType> all() {
        return List.copyOf(types.values());
    }

    @Override
    public Optional<ParamSchema> schemaOf(String nodeType) {
        return find(nodeType).map(NodeType::params);
    }

    @Override
    public List<String> typeNames() {
        return List.copyOf(types.keySet());
    }

    @Override
    public void check(String nodeType, Params params, String where, List<String> errors) {
        find(nodeType).ifPresent(t -> t.check(params, where, errors));
    }
}
