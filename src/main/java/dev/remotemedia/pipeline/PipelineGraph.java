package dev.remotemedia.pipeline;

import dev.remotemedia.manifest.Connection;
import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.NodeSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The DAG of a validated manifest in topological order. Without connections, nodes chain in the
 * order written. Sources (no incoming edge) receive the session input; sinks' frames are the output.
 */
public final class PipelineGraph {
    private final List<NodeSpec> order;
    private final Map<String, List<String>> upstream = new LinkedHashMap<>();
    private final Map<String, List<String>> downstream = new LinkedHashMap<>();

    private PipelineGraph(Manifest manifest) {
        List<Connection> edges = manifest.connections();
        if (edges.isEmpty()) {
            edges = new ArrayList<>();
            for (int i = 1; i < manifest.nodes().size(); i++) {
                edges.add(new Connection(manifest.nodes().get(i - 1).id(), manifest.nodes().get(i).id()));
            }
        }
        manifest.nodes().forEach(n -> {
            upstream.put(n.id(), new ArrayList<>());
            downstream.put(n.id(), new ArrayList<>());
        });
        edges.forEach(e -> {
            upstream.get(e.to()).add(e.from());
            downstream.get(e.from()).add(e.to());
        });
        this.order = topological(manifest.nodes());
    }

    public static PipelineGraph of(Manifest manifest) {
        return new PipelineGraph(manifest);
    }

    /** Node ids in an order where every node comes after all of its upstreams (Kahn; stable). */
    private List<NodeSpec> topological(List<NodeSpec> nodes) {
        Map<String, Integer> indegree = new LinkedHashMap<>();
        Map<String, NodeSpec> byId = new LinkedHashMap<>();
        nodes.forEach(n -> {
            indegree.put(n.id(), upstream.get(n.id()).size());
            byId.put(n.id(), n);
        });
        Deque<String> ready = new ArrayDeque<>();
        indegree.forEach((id, d) -> { if (d == 0) ready.add(id); });
        List<NodeSpec> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            String id = ready.poll();
            out.add(byId.get(id));
            for (String next : downstream.get(id)) {
                if (indegree.merge(next, -1, Integer::sum) == 0) ready.add(next);
            }
        }
        if (out.size() != nodes.size()) throw new IllegalStateException("manifest graph has a cycle (validator missed it)");
        return out;
    }

    public List<NodeSpec> order() { return order; }

    public List<String> upstreamOf(String id) { return upstream.get(id); }

    public List<String> downstreamOf(String id) { return downstream.get(id); }

    public List<String> sources() {
        return order.stream().map(NodeSpec::id).filter(id -> upstream.get(id).isEmpty()).toList();
    }

    PipelineSession open(PipelineEngine engine, String sessionId) {
        Map<String, Node> instances = new LinkedHashMap<>();
        try {
            for (NodeSpec spec : order) {
                NodeType type = engine.registry().find(spec.nodeType()).orElseThrow();
                var ctx = new NodeContext(sessionId, spec.id(), engine.worker(), engine.threads(), engine.shared());
                instances.put(spec.id(), type.create(ctx, spec.params()));
            }
        } catch (RuntimeException e) {
            instances.values().forEach(Node::close);
            throw e;
        }
        return new PipelineSession(sessionId, this, instances, engine.worker());
    }
}
