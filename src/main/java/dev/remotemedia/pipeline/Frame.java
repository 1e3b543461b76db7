package dev.remotemedia.pipeline;

/**
 * What flows between nodes. Frames are values: nodes never mutate a frame they received
 * (arrays inside are treated as read-only once a frame is built).
 */
public sealed interface Frame permits AudioFrame, SpeechSegment, TextFrame, EventFrame, ImageFrame {
    /** Session time in milliseconds this frame refers to. */
    long tMs();

    FrameKind kind();
}
