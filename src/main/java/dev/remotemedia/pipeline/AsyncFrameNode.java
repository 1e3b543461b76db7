package dev.remotemedia.pipeline;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.MultiEmitter;

import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Base for nodes whose work finishes later (model inference, a subprocess): {@link #start} begins
 * the work for one frame and returns at once; results may be emitted from any thread, and they hop
 * back onto the media workers before going downstream. Frames of one session are handled one after
 * another, in order, so node state stays single-threaded — but no media thread waits meanwhile, so
 * a model's batcher sees the windows of every session at once.
 */
public abstract class AsyncFrameNode implements Node {
    protected final NodeContext context;

    protected AsyncFrameNode(NodeContext context) {
        this.context = context;
    }

    /** Frame kinds this node handles; others pass through. */
    protected abstract java.util.Set<FrameKind> consumes();

    /**
     * Starts the work for one frame, on a media thread. Emit results through {@code out} (any
     * thread); complete the stage when the frame is done, exceptionally to report an error event.
     */
    protected abstract CompletionStage<?> start(Frame frame, Consumer<Frame> out);

    @Override
    public Multi<Frame> process(Multi<Frame> input) {
        java.util.Set<FrameKind> handled = consumes(); // once: it is asked for every frame of the session
        return input.onItem().transformToMultiAndConcatenate(frame -> {
            if (!handled.contains(frame.kind())) return Multi.createFrom().item(frame);
            return Multi.createFrom().<Frame>emitter(em -> run(frame, em)).emitOn(context.worker());
        });
    }

    private void run(Frame frame, MultiEmitter<? super Frame> em) {
        CompletionStage<?> stage;
        try {
            stage = start(frame, em::emit);
        } catch (RuntimeException e) {
            em.emit(error(frame, e));
            em.complete();
            return;
        }
        stage.whenComplete((v, e) -> {
            if (e != null) em.emit(error(frame, e instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e));
            em.complete();
        });
    }

    private EventFrame error(Frame frame, Throwable e) {
        if (e instanceof PipelineException p) return Events.error(p, frame);
        return Events.error(ErrorKind.NodeFailed, context.nodeId(), "node " + context.nodeId() + " failed on a frame: " + e, frame.tMs(), Events.unit(frame));
    }
}
