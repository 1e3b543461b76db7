package dev.remotemedia.pipeline;

import io.smallrye.mutiny.Multi;

/**
 * One node instance, owned by one session. It turns the session's stream of input frames into
 * output frames. Frames of kinds the node does not consume should pass through unchanged.
 */
public interface Node extends AutoCloseable {
    Multi<Frame> process(Multi<Frame> input);

    /** Releases per-session resources; called once when the session ends. */
    @Override
    default void close() {}
}
