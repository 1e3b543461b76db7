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
import java.util.concurrent.atomic.AtomicLong;

/** Like {@link DelayedType}, with a delay the test changes while the server runs (a worker that is slow for a while). */
public record VariableDelayType(NodeType delegate, AtomicLong delayMs) implements NodeType {
    @Override public String name() { return delegate.name(); }
    @Override public String description() { return delegate.description() + " (variable delay for tests)"; }
    @Override public ParamSchema params() { return delegate.params(); }
    @Override public Set<FrameKind> inputs() { return delegate.inputs(); }
    @Override public Set<FrameKind> outputs() { return delegate.outputs(); }

    @Override
    public Node create(NodeContext context, Params params) {
        Node inner = delegate.create(context, params);
        return new Node() {
            @Override
            public Multi<Frame> process(Multi<Frame> input) {
                return inner.process(input.onItem().call(f -> delayMs.get() <= 0 ? Uni.createFrom().voidItem()
                        : Uni.createFrom().voidItem().onItem().delayIt().by(Duration.ofMillis(delayMs.get()))));
            }

            @Override
            public void close() {
                inner.close();
            }
        };
    }
}
