package dev.remotemedia.audio;

/**
 * Streaming band-limited resampler for mono audio: polyphase windowed-sinc (Kaiser window) at the
 * exact rational ratio. Downsampling low-passes just below the new Nyquist (≥ 60 dB stop band), so
 * content above it is removed rather than aliased. Output sample n sits at input time n·in/out
 * exactly (no timing drift); {@link #flush()} drains the look-ahead at end of stream.
 */
public final class Resampler {
    /** Filter half-width, in zero crossings of the lower of the two rates: the default, for audio people hear. */
    public static final int ZERO_CROSSINGS = 32;
    private static final double KAISER_BETA = 8.0;
    /** Cutoff as a fraction of the lower Nyquist: -6 dB at 0.92, stop band from ≈ 0.99. */
    private static final double ROLLOFF = 0.92;

    private final int up;     // L
    private final int down;   // M
    private final int half;   // taps each side, in input samples
    private final float[][] phases; // [L][2*half], shared per ratio
    // filter design costs thousands of Bessel evaluations (44.1→16 kHz: 160 phases); sessions and segments reuse it
    private static final java.util.concurrent.ConcurrentHashMap<String, float[][]> FILTERS = new java.util.concurrent.ConcurrentHashMap<>();
    private float[] buffer = new float[4096];
    private long bufferStart;  // absolute input index of buffer[0]
    private int bufferLength;
    private long nextOut;      // absolute output index to produce next
    private long inputCount;

    public Resampler(int inputRate, int outputRate) {
        this(inputRate, outputRate, ZERO_CROSSINGS);
    }

    /**
     * @param zeroCrossings filter half-width: cost per output sample grows with it; fewer give a wider
     *                      transition band (16: fine for a model's input, such as the VAD's 16 kHz)
     */
    public Resampler(int inputRate, int outputRate, int zeroCrossings) {
        if (inputRate <= 0 || outputRate <= 0) throw new IllegalArgumentException("rates must be positive");
        int g = gcd(inputRate, outputRate);
        this.up = outputRate / g;
        this.down = inputRate / g;
        this.half = (int) Math.ceil(zeroCrossings / Math.min(1.0, (double) up / down));
        this.phases = FILTERS.computeIfAbsent(up + "/" + down + "/" + half, k -> design(up, down, half));
    }

    /** The polyphase Kaiser-windowed sinc for L/M; read-only once made, so every resampler of that ratio shares it. */
    private static float[][] design(int up, int down, int half) {
        double ratio = (double) up / down;
        double cutoff = 0.5 * Math.min(1.0, ratio) * ROLLOFF; // cycles per input sample
        float[][] phases = new float[up][2 * half];
        double i0Beta = besselI0(KAISER_BETA);
        for (int p = 0; p < up; p++) {
            double frac = (double) p / up;
            double sum = 0;
            for (int k = 0; k < 2 * half; k++) {
                double x = (k - half + 1) - frac;   // distance from the output instant, in input samples
                double w = x / half;
                double window = Math.abs(w) >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - w * w)) / i0Beta;
                double h = 2 * cutoff * sinc(2 * cutoff * x) * window;
                phases[p][k] = (float) h;
                sum += h;
            }
            for (int k = 0; k < 2 * half; k++) phases[p][k] /= (float) sum; // unity DC gain per phase
        }
        return phases;
    }

    public boolean isIdentity() { return up == down; }

    /** Feeds samples and returns every output sample that is now computable. */
    public float[] process(float[] input) {
        append(input);
        return produce(inputCount);
    }

    /** Returns the remaining output for the samples fed so far (zeros assumed after the end). */
    public float[] flush() {
        long total = (inputCount * up + down - 1) / down; // output samples covering all input
        append(new float[half + 1]);
        float[] out = produce(inputCount);
        inputCount -= half + 1;
        int keep = (int) Math.max(0, Math.min(out.length, total - (nextOut - out.length)));
        return keep == out.length ? out : java.util.Arrays.copyOf(out, keep);
    }

    private float[] produce(long available) {
        // output n needs input up to floor(n*M/L) + half
        long last = ((available - half) * up - 1) / down; // largest n with floor(n*M/L)+half < available
        int count = (int) Math.max(0, last - nextOut + 1);
        if (available - half <= 0) count = 0;
        float[] out = new float[count];
        for (int i = 0; i < count; i++, nextOut++) {
            long num = nextOut * down;
            long base = num / up;
            int phase = (int) (num % up);
            out[i] = dot(phases[phase], buffer, base - half + 1 - bufferStart);
        }
        discardBefore((nextOut * down) / up - half + 1);
        return out;
    }

    /**
     * One output sample: the phase's taps against the input from {@code offset} (taps before the
     * buffer start see zeros). The hot loop of every resampled stream (192 taps per output sample for
     * 48 → 16 kHz), so: no branch per tap, int indices, four partial sums the CPU can overlap.
     */
    private static float dot(float[] taps, float[] buffer, long offset) {
        int k = (int) Math.max(0, -offset);
        int base = (int) (offset + k);
        int n = taps.length;
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (; k + 3 < n; k += 4, base += 4) {
            a0 += taps[k] * buffer[base];
            a1 += taps[k + 1] * buffer[base + 1];
            a2 += taps[k + 2] * buffer[base + 2];
            a3 += taps[k + 3] * buffer[base + 3];
        }
        for (; k < n; k++, base++) a0 += taps[k] * buffer[base];
        return (a0 + a1) + (a2 + a3);
    }

    private void append(float[] input) {
        if (bufferLength + input.length > buffer.length) {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, bufferLength + input.length));
        }
        System.arraycopy(input, 0, buffer, bufferLength, input.length);
        bufferLength += input.length;
        inputCount += input.length;
    }

    private void discardBefore(long absolute) {
        int drop = (int) Math.min(bufferLength, Math.max(0, absolute - bufferStart));
        if (drop == 0) return;
        System.arraycopy(buffer, drop, buffer, 0, bufferLength - drop);
        bufferLength -= drop;
        bufferStart += drop;
    }

    /** Resamples a whole signal in one call. */
    public static float[] resample(float[] input, int inputRate, int outputRate) {
        if (inputRate == outputRate) return input.clone();
        Resampler r = new Resampler(inputRate, outputRate);
        float[] a = r.process(input);
        float[] b = r.flush();
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double sinc(double x) {
        return x == 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
    }

    private static double besselI0(double x) {
        double sum = 1, term = 1, q = x * x / 4;
        for (int k = 1; k < 50; k++) {
            term *= q / ((double) k * k);
            sum += term;
            if (term < 1e-12 * sum) break;
        }
        return sum;
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
