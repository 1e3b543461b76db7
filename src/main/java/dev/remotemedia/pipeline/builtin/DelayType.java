package dev.remotemedia.pipeline.builtin;

import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.time.Duration;
import java.util.Set;

/**
 * `Delay`: forwards every frame {@code ms} later, in order; {@code ms = -1} swallows them (a remote
 * that accepts work and never answers). For fault-injection tests, load tests and demos.
 */
public final class DelayType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.integer("ms").defaultValue(0).min(-1).max(600_000).doc("delay per frame in ms; -1 = never forward (blackhole)"));

    @Override public String name() { return "Delay"; }
    @Override public String description() { return "Forwards frames after a fixed delay (or never): fault injection"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.AUDIO, FrameKind.SEGMENT, FrameKind.TEXT); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.AUDIO, FrameKind.SEGMENT, FrameKind.TEXT); }

    @Override
    public Node create(NodeContext context, Params params) {
        long ms = params.longValue("ms");
        return new Node() {
            @Override
            public Multi<Frame> process(Multi<Frame> input) {
                if (ms < 0) return input.onItem().transformToMultiAndConcatenate(f -> Multi.createFrom().nothing());
                if (ms == 0) return input;
                return input.onItem().call(f -> Uni.createFrom().voidItem().onItem().delayIt()
                        .onExecutor(context.threads().timer()).by(Duration.ofMillis(ms)));
            }
        };
    }
}
