package dev.remotemedia.inference;

import dev.remotemedia.pipeline.AsyncFrameNode;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.TextFrame;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Base of the TTS nodes: consumes text frames, skips blank ones, rejects texts over max_chars with
 * an error event, and speaks on the blocking pool (a phonemizer process, model inference) so no
 * media thread waits; audio is emitted sentence by sentence as it is made.
 */
abstract class TextToSpeechNode extends AsyncFrameNode {
    private final int maxChars;

    TextToSpeechNode(NodeContext context, int maxChars) {
        super(context);
        this.maxChars = maxChars;
    }

    /** Speaks one non-blank text of at most max_chars characters (on a blocking-pool thread). */
    protected abstract void speak(TextFrame text, Consumer<Frame> out);

    @Override
    protected final Set<FrameKind> consumes() { return Set.of(FrameKind.TEXT); }

    @Override
    protected final CompletionStage<?> start(Frame frame, Consumer<Frame> out) {
        TextFrame t = (TextFrame) frame;
        if (t.text().isBlank()) return CompletableFuture.completedFuture(null);
        if (t.text().length() > maxChars) {
            throw new PipelineException(ErrorKind.InvalidInput, context.nodeId(), "text of " + t.text().length()
                    + " characters is longer than max_chars " + maxChars);
        }
        return CompletableFuture.runAsync(() -> speak(t, out), context.threads().blocking());
    }
}
