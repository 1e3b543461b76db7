package dev.remotemedia.testing;

import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import io.smallrye.mutiny.Multi;

import java.time.Duration;
import java.util.Set;

/** A node type with the same name as {@code delegate} that answers {@code delayMs} late (or never, with -1). */
public record DelayedType(NodeType delegate, long delayMs) implements NodeType {
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
                if (delayMs < 0) return input.onItem().transformToMultiAndConcatenate(f -> Multi.createFrom().nothing());
                return inner.process(input.onItem().call(f -> io.smallrye.mutiny.Uni.createFrom().voidItem()
                        .onItem().delayIt().by(Duration.ofMillis(delayMs))));
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
