package dev.remotemedia.audio;

/** Level statistics of a block of samples; dBFS relative to a full-scale square wave (1.0 = 0 dBFS). */
public record AudioLevels(int samples, double durationMs, double rmsDbfs, double peakDbfs) {
    /** dBFS reported for digital silence, instead of -infinity (JSON has no infinity). */
    public static final double FLOOR_DBFS = -120.0;

    public static AudioLevels of(float[] samples, int sampleRate, int channels) {
        double sumSquares = 0;
        double peak = 0;
        for (float s : samples) {
            sumSquares += (double) s * s;
            peak = Math.max(peak, Math.abs(s));
        }
        double rms = samples.length == 0 ? 0 : Math.sqrt(sumSquares / samples.length);
        int frames = samples.length / Math.max(1, channels);
        return new AudioLevels(frames, frames * 1000.0 / sampleRate, dbfs(rms), dbfs(peak));
    }

    /** Mean of the squared samples in {@code [offset, offset + length)}: the power an RMS level is the root of. */
    public static double meanSquare(float[] samples, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) sum += (double) samples[i] * samples[i];
        return length == 0 ? 0 : sum / length;
    }

    public static double dbfs(double linear) {
        return linear <= 0 ? FLOOR_DBFS : Math.max(FLOOR_DBFS, 20 * Math.log10(linear));
    }
}
