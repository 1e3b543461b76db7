package dev.remotemedia.testing;

import dev.remotemedia.manifest.ParamSchema;
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
import java.util.function.LongSupplier;

/**
 * A node type with the same name as {@code delegate} that answers {@code delayMs} late (or never,
 * with -1). The delay is read per frame, so a test can make a worker slow for a while.
 */
public record DelayedType(NodeType delegate, LongSupplier delayMs) implements NodeType {
    public DelayedType(NodeType delegate, long delayMs) {
        this(delegate, () -> delayMs);
    }

    @Override public String name() { return delegate.name(); }
    @Override public String description() { return delegate.description() + " (delayed for tests)"; }
    @Override public ParamSchema params() { return delegate.params(); }
    @Override public Set<FrameKind> inputs() { return delegate.inputs(); }
    @Override public Set<FrameKind> outputs() { return delegate.outputs(); }

    @Override
    public Node create(NodeContext context, Params params) {
        Node inner = delegate.create(context, params);
        return new Node() {
            @Override
            public Multi<Frame> process(Multi<Frame> input) {
                return inner.process(input.onItem().transformToUniAndConcatenate(f -> {
                    long ms = delayMs.getAsLong();
                    if (ms < 0) return Uni.createFrom().nothing(); // a black hole: never answers
                    return ms == 0 ? Uni.createFrom().item(f) : Uni.createFrom().item(f).onItem().delayIt().by(Duration.ofMillis(ms));
                }));
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
