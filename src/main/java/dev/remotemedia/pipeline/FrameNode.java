package dev.remotemedia.pipeline;

import io.smallrye.mutiny.Multi;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Base for synchronous nodes that handle one frame at a time. A frame that throws becomes an
 * `error` event naming the node and the node carries on with the next frame; frames of kinds
 * outside {@link #consumes()} pass through.
 */
public abstract class FrameNode implements Node {
    protected final NodeContext context;

    protected FrameNode(NodeContext context) {
        this.context = context;
    }

    /** Frame kinds this node handles; others pass through. */
    protected abstract Set<FrameKind> consumes();

    protected abstract void onFrame(Frame frame, Consumer<Frame> out);

    /** Called once after the last input frame: flush what is pending. */
    protected void onEnd(Consumer<Frame> out) {}

    @Override
    public Multi<Frame> process(Multi<Frame> input) {
        Set<FrameKind> handled = consumes(); // once: it is asked for every frame of the session
        Multi<Frame> body = input.onItem().transformToIterable(frame -> {
            List<Frame> out = new ArrayList<>(2);
            if (!handled.contains(frame.kind())) {
                out.add(frame);
                return out;
            }
            try {
                onFrame(frame, out::add);
            } catch (PipelineException e) {
                out.add(Events.error(e, frame));
            } catch (RuntimeException e) {
                out.add(Events.error(ErrorKind.NodeFailed, context.nodeId(),
                        "node " + context.nodeId() + " failed on a frame: " + e, frame.tMs(), Events.unit(frame)));
            }
            return out;
        });
        Multi<Frame> tail = Multi.createFrom().deferred(() -> {
            List<Frame> out = new ArrayList<>(2);
            try {
                onEnd(out::add);
            } catch (RuntimeException e) {
                out.add(Events.error(ErrorKind.NodeFailed, context.nodeId(), "node " + context.nodeId()
                        + " failed at end of stream: " + e, 0, 0));
            }
            return Multi.createFrom().iterable(out);
        });
        return Multi.createBy().concatenating().streams(body, tail);
    }
}
