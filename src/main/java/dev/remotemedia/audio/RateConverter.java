package dev.remotemedia.audio;

/**
 * Mono audio arriving at any rate, converted to one output rate for a stream: the resampler (and its
 * filter state across calls) is kept while the input rate stays the same, and replaced if it changes.
 */
public final class RateConverter {
    private final int outputRate;
    private final int zeroCrossings;
    private Resampler resampler;
    private int inputRate;

    public RateConverter(int outputRate) {
        this(outputRate, Resampler.ZERO_CROSSINGS);
    }

    /** @param zeroCrossings the resampler's filter half-width (see {@link Resampler#Resampler(int, int, int)}) */
    public RateConverter(int outputRate, int zeroCrossings) {
        this.outputRate = outputRate;
        this.zeroCrossings = zeroCrossings;
    }

    /** Returns {@code mono} itself when it is already at the output rate. */
    public float[] process(float[] mono, int rate) {
        if (rate == outputRate) return mono;
        if (resampler == null || rate != inputRate) {
            resampler = new Resampler(rate, outputRate, zeroCrossings);
            inputRate = rate;
        }
        return resampler.process(mono);
    }
}
