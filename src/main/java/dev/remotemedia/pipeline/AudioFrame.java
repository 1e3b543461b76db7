package dev.remotemedia.pipeline;

/**
 * Interleaved float32 PCM in [-1, 1]. PCM16 arrives and leaves through {@link dev.remotemedia.audio.Pcm}.
 *
 * @param tMs session time of the first sample
 */
public record AudioFrame(float[] samples, int sampleRate, int channels, long tMs) implements Frame {
    public AudioFrame {
        if (sampleRate <= 0) throw new IllegalArgumentException("sample rate must be positive, got " + sampleRate);
        if (channels <= 0) throw new IllegalArgumentException("channels must be positive, got " + channels);
        if (samples.length % channels != 0) throw new IllegalArgumentException("sample count is not a multiple of channels");
    }

    public int frameCount() { return samples.length / channels; }

    public double durationMs() { return frameCount() * 1000.0 / sampleRate; }

    @Override
    public FrameKind kind() { return FrameKind.AUDIO; }

    /** Cuts a whole signal into frames of {@code frameMs} (the last one may be shorter), timed from 0. */
    public static java.util.List<AudioFrame> split(float[] samples, int sampleRate, int channels, int frameMs) {
        int perFrame = Math.max(1, sampleRate * frameMs / 1000) * channels;
        java.util.List<AudioFrame> out = new java.util.ArrayList<>();
        for (int off = 0; off < samples.length; off += perFrame) {
            int len = Math.min(perFrame, samples.length - off);
            float[] part = java.util.Arrays.copyOfRange(samples, off, off + len);
            out.add(new AudioFrame(part, sampleRate, channels, (long) off / channels * 1000 / sampleRate));
        }
        return out;
    }
}
