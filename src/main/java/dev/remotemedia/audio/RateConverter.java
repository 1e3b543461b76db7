package dev.remotemedia.audio;

/**
 * Mono audio arriving at any rate, converted to one output rate for a stream: the resampler (and its
 * filter state across calls) is kept while the input rate stays the same, and replaced if it changes.
 */
public final class RateConverter {
    private final int outputRate;
    private Resampler resampler;
    private int inputRate;

    public RateConverter(int outputRate) {
        this.outputRate = outputRate;
    }

    /** Returns {@code mono} itself when it is already at the output rate. */
    public float[] process(float[] mono, int rate) {
        if (rate == outputRate) return mono;
        if (resampler == null || rate != inputRate) {
            resampler = new Resampler(rate, outputRate);
            inputRate = rate;
        }
        return resampler.process(mono);
    }
}
