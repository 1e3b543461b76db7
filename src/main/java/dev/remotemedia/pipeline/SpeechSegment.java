package dev.remotemedia.pipeline;

/**
 * One utterance cut by the VAD: the unit of remote work.
 *
 * @param id      1-based per session, in order
 * @param startMs session time where (padded) speech starts
 * @param endMs   session time where (padded) speech ends
 * @param audio   the padded audio, pre-roll included
 */
public record SpeechSegment(int id, long startMs, long endMs, AudioFrame audio) implements Frame {
    @Override
    public long tMs() { return endMs; }

    @Override
    public FrameKind kind() { return FrameKind.SEGMENT; }
}
