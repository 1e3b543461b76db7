package dev.remotemedia.pipeline;

import io.smallrye.mutiny.Multi;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One running instance of a pipeline: its own node instances wired as Mutiny streams. A node that
 * fails ends with an `error` event naming it; other branches and other sessions keep running.
 */
public final class PipelineSession implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PipelineSession.class);

    private final String id;
    private final PipelineGraph graph;
    private final Map<String, Node> nodes;
    private final Executor worker;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong delivered = new java.util.concurrent.atomic.AtomicLong();

    PipelineSession(String id, PipelineGraph graph, Map<String, Node> nodes, Executor worker) {
        this.id = id;
        this.graph = graph;
        this.nodes = nodes;
        this.worker = worker;
    }

    public String id() { return id; }

    /** The first node of this class in the pipeline, if any (a transport asks e.g. for the VideoSample node's settings). */
    public <T> java.util.Optional<T> node(Class<T> type) {
        return graph.order().stream().map(spec -> nodes.get(spec.id())).filter(type::isInstance).map(type::cast).findFirst();
    }

    /** Input frames that have reached the worker pool so far: a transport compares it with what it pushed to see the backlog. */
    public long delivered() { return delivered.get(); }

    /**
     * Wires the graph over {@code input} and returns the session output: every node's events plus
     * the non-event frames of sink nodes. Subscribe once; the nodes close when the output terminates.
     */
    public Multi<Frame> run(Multi<Frame> input) {
        List<String> sources = graph.sources();
        Multi<Frame> in = input.emitOn(worker).onItem().invoke(f -> delivered.incrementAndGet());
        Multi<Frame> shared = sources.size() > 1 ? in.broadcast().toAtLeast(sources.size()) : in;

        Map<String, Multi<Frame>> outputs = new HashMap<>();
        List<Multi<Frame>> toSession = new ArrayList<>();
        for (var spec : graph.order()) {
            String nodeId = spec.id();
            List<String> ups = graph.upstreamOf(nodeId);
            Multi<Frame> nodeIn;
            if (ups.isEmpty()) {
                nodeIn = shared;
            } else if (ups.size() == 1) {
                nodeIn = dataOf(outputs.get(ups.get(0)));
            } else {
                nodeIn = Multi.createBy().merging().streams(ups.stream().map(u -> dataOf(outputs.get(u))).toList());
            }
            Multi<Frame> out = guarded(nodeId, nodes.get(nodeId).process(nodeIn));
            boolean sink = graph.downstreamOf(nodeId).isEmpty();
            int consumers = graph.downstreamOf(nodeId).size() + 1;
            Multi<Frame> hot = consumers > 1 ? out.broadcast().toAtLeast(consumers) : out;
            outputs.put(nodeId, hot);
            toSession.add(sink ? hot : hot.select().where(f -> f instanceof EventFrame));
        }
        Multi<Frame> merged = toSession.size() == 1 ? toSession.get(0) : Multi.createBy().merging().streams(toSession);
        return merged.onTermination().invoke(this::close);
    }

    private static Multi<Frame> dataOf(Multi<Frame> out) {
        return out.select().where(f -> !(f instanceof EventFrame));
    }

    private Multi<Frame> guarded(String nodeId, Multi<Frame> out) {
        return out.onFailure().recoverWithMulti(e -> {
            PipelineException pe = e instanceof PipelineException p ? p
                    : new PipelineException(ErrorKind.NodeFailed, nodeId, "node " + nodeId + " stopped: " + e, e);
            if (!(e instanceof PipelineException)) {
                dev.remotemedia.telemetry.LogContext.run(id, 0, () -> LOG.warnf(e, "session %s: node %s failed", id, nodeId));
            }
            return Multi.createFrom().item(Events.error(pe, 0, 0));
        });
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            nodes.values().forEach(n -> {
                try {
                    n.close();
                } catch (RuntimeException e) {
                    LOG.debugf(e, "session %s: closing a node failed", id);
                }
            });
        }
    }
}
