package dev.remotemedia.inference;

import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.FrameNode;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.TextFrame;

import java.util.Set;
import java.util.function.Consumer;

/** Base of the TTS nodes: consumes text frames, skips blank ones, rejects texts over max_chars with an error event. */
abstract class TextToSpeechNode extends FrameNode {
    private final int maxChars;

    TextToSpeechNode(NodeContext context, int maxChars) {
        super(context);
        this.maxChars = maxChars;
    }

    /** Speaks one non-blank text of at most max_chars characters. */
    protected abstract void speak(TextFrame text, Consumer<Frame> out);

    @Override
    protected final Set<FrameKind> consumes() { return Set.of(FrameKind.TEXT); }

    @Override
    protected final void onFrame(Frame frame, Consumer<Frame> out) {
        TextFrame t = (TextFrame) frame;
        if (t.text().isBlank()) return;
        if (t.text().length() > maxChars) {
            throw new PipelineException(ErrorKind.InvalidInput, context.nodeId(), "text of " + t.text().length()
                    + " characters is longer than max_chars " + maxChars);
        }
        speak(t, out);
    }
}
