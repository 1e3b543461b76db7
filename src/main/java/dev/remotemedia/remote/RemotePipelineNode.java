package dev.remotemedia.remote;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.TextFrame;
import dev.remotemedia.telemetry.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * `RemotePipelineNode` for one session: each speech segment (text frame, camera frame) is sent to a remote
 * instance as soon as it arrives; results come back in segment order, exactly once. Result events
 * are tagged with the endpoint that served them, and a `latency` event follows each segment.
 * Other frames pass through, in order.
 */
final class RemotePipelineNode implements Node {
    private final NodeContext context;
    private final SegmentDispatcher dispatcher;
    private int textSegments = 100_000; // ids for text frames that carry none, apart from VAD's
    /** Camera frames travel as units numbered from here: apart from speech segments and text, in logs and traces. */
    static final int IMAGE_UNITS = 1 << 30;

    RemotePipelineNode(NodeContext context, SegmentDispatcher dispatcher) {
        this.context = context;
        this.dispatcher = dispatcher;
    }

    @Override
    public Multi<Frame> process(Multi<Frame> input) {
        // Start each dispatch the moment its frame arrives (the buffer requests eagerly), then
        // deliver results in arrival order: later segments do not wait for earlier ones to be *sent*.
        // A segment's final error does not wait in that order: it goes out as soon as its own retry
        // budget is spent, never behind another segment that is still retrying.
        return Multi.createFrom().<Frame>emitter(out -> {
            var ordered = input.map(frame -> start(frame, out::emit))
                    .onOverflow().buffer(100_000)
                    .onItem().transformToMultiAndConcatenate(pending -> Multi.createFrom().completionStage(pending)
                            .onItem().transformToIterable(list -> list))
                    .subscribe().with(out::emit, out::fail, out::complete);
            out.onTermination(ordered::cancel);
        }, BackPressureStrategy.BUFFER).emitOn(context.worker()); // off grpc's callback threads, back to the session's media lane
    }

    /** Dispatches one frame; its results complete the future (in order), a final error goes to {@code early} at once. */
    private CompletableFuture<List<Frame>> start(Frame frame, Consumer<Frame> early) {
        int segment;
        if (frame instanceof SpeechSegment s) segment = s.id();
        else if (frame instanceof TextFrame t) segment = t.segment() > 0 ? t.segment() : ++textSegments;
        else if (frame instanceof ImageFrame i) segment = IMAGE_UNITS + i.id();
        else return CompletableFuture.completedFuture(List.of(frame));
        // the unit as the client knows it: its segment (text without one: the number given here), or its camera frame
        ObjectNode about = frame instanceof ImageFrame i ? Events.fields().put("frame", i.id()) : Events.fields().put("segment", segment);
        long arrived = System.nanoTime();
        long speechEndMs = frame.tMs();
        Span span = Telemetry.tracer().spanBuilder("remotemedia.segment").setNoParent()
                .setAttribute("remotemedia.segment", segment).setAttribute("remotemedia.node", context.nodeId()).startSpan();
        return dispatcher.dispatch(frame, segment, about, Context.root().with(span)).thenApply(d -> {
            if (d.outcome() == null) span.setStatus(StatusCode.ERROR, String.valueOf(d.failure().getMessage()));
            else span.setAttribute("remotemedia.endpoint", d.outcome().endpoint());
            span.end();
            List<Frame> out = new ArrayList<>(d.notes());
            Telemetry.utteranceLatency(d.outcome() != null ? "ok" : "failed", java.time.Duration.ofNanos(System.nanoTime() - arrived));
            if (d.outcome() != null) {
                for (Frame f : d.outcome().results()) out.add(tagged(f, d.outcome().endpoint()));
                ObjectNode latency = about.deepCopy();
                if (frame instanceof ImageFrame) latency.put("kind", "video");
                out.add(new EventFrame("latency", speechEndMs, latency
                        .put("node", context.nodeId()).put("endpoint", d.outcome().endpoint())
                        .put("server", d.outcome().serverId()).put("attempts", d.attempts())
                        .put("round_trip_ms", d.outcome().roundTripMs()).put("processing_ms", d.outcome().processingMs())
                        // the breakdown, in ms after speech end (the segment reaching this node): sent, first result, final
                        .put("speech_end_ms", speechEndMs)
                        .put("sent_ms", ms(d.outcome().sentNanos() - arrived))
                        .put("first_result_ms", ms(d.outcome().firstResultNanos() - arrived))
                        .put("final_ms", ms(d.outcome().finalNanos() - arrived))
                        .put("total_ms", ms(System.nanoTime() - arrived))));
                return out;
            }
            out.add(SegmentDispatcher.finalError(d.failure(), about, speechEndMs, context.nodeId(), d.attempts()));
            out.forEach(early); // failover notes and the error, now
            return List.of();
        });
    }

    private static long ms(long nanos) {
        return Math.max(0, nanos / 1_000_000);
    }

    private static Frame tagged(Frame f, String endpoint) {
        if (f instanceof EventFrame e) {
            var fields = e.fields();
            fields.put("endpoint", endpoint);
            return new EventFrame(e.type(), e.tMs(), fields);
        }
        return f;
    }

    @Override
    public void close() {
        dispatcher.close();
    }
}
