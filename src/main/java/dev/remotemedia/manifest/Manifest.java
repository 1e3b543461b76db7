package dev.remotemedia.manifest;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Optional;

/**
 * A validated v1 manifest. When a manifest declares no connections its nodes form a chain in
 * the order written, the common case (resample → VAD → remote).
 */
public record Manifest(String version, ObjectNode metadata, List<NodeSpec> nodes, List<Connection> connections,
                       String source) {

    public Optional<NodeSpec> node(String id) {
        return nodes.stream().filter(n -> n.id().equals(id)).findFirst();
    }

    /** The metadata "name", or the source it came from. */
    public String name() {
        return metadata != null && metadata.hasNonNull("name") ? metadata.get("name").asText() : source;
    }
}
