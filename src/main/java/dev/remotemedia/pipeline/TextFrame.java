package dev.remotemedia.pipeline;

/** Text produced or consumed by nodes (transcripts, text to speak). {@code segment} is 0 when not tied to one. */
public record TextFrame(String text, int segment, long tMs) implements Frame {
    @Override
    public FrameKind kind() { return FrameKind.TEXT; }
}
