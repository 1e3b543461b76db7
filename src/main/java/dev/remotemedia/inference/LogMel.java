package dev.remotemedia.inference;

/**
 * Whisper's log-mel front end, as its feature extractor computes it: 16 kHz audio zero-padded to
 * 30 s, STFT (n_fft 400, hop 160, periodic Hann, centred with reflect padding, last frame dropped
 * → 3000 frames), power spectrum through Slaney-normalised mel filters (80 or 128), log10 floored
 * at 1e-10, clamped to 8 below the maximum, then (x + 4) / 4.
 */
public final class LogMel {
    public static final int SAMPLE_RATE = 16000;
    public static final int N_FFT = 400;
    public static final int HOP = 160;
    public static final int CHUNK_SAMPLES = 30 * SAMPLE_RATE;
    public static final int FRAMES = CHUNK_SAMPLES / HOP;

    private final int nMels;
    private final float[][] filters; // [nMels][N_FFT/2+1]
    private final int[] firstBin; // each triangle's non-zero span: ≈ 2 bins per filter in all instead of 201
    private final int[] endBin;
    private final double[] window = new double[N_FFT];
    private final Fft fft = new Fft(N_FFT);

    public LogMel(int nMels) {
        this.nMels = nMels;
        this.filters = melFilters(SAMPLE_RATE, N_FFT, nMels);
        this.firstBin = new int[nMels];
        this.endBin = new int[nMels];
        for (int m = 0; m < nMels; m++) {
            int k = 0;
            while (k < filters[m].length && filters[m][k] == 0) k++;
            int e = filters[m].length;
            while (e > k && filters[m][e - 1] == 0) e--;
            firstBin[m] = k;
            endBin[m] = e;
        }
        for (int i = 0; i < N_FFT; i++) window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / N_FFT);
    }

    public int melBins() { return nMels; }

    /**
     * Features of up to 30 s of 16 kHz audio, written row-major [nMels][3000] into {@code out} at
     * {@code offset} (so a batch fills one buffer). Frames past the audio are silence and cost nothing.
     */
    public void compute(float[] audio, float[] out, int offset) {
        if (audio.length > CHUNK_SAMPLES) throw new IllegalArgumentException("at most 30 s per window, got " + audio.length + " samples");
        int bins = N_FFT / 2 + 1;
        double[] power = new double[bins];
        double[] re = new double[N_FFT];
        double[] im = new double[N_FFT];
        // frames whose window lies wholly in the zero padding have zero power
        int lastLive = Math.min(FRAMES - 1, (audio.length + N_FFT / 2) / HOP);
        float max = -Float.MAX_VALUE;
        float silent = (float) Math.log10(1e-10);
        for (int t = 0; t < FRAMES; t++) {
            if (t > lastLive) { // zero power in every bin
                for (int m = 0; m < nMels; m++) out[offset + m * FRAMES + t] = silent;
                max = Math.max(max, silent);
                continue;
            }
            int start = t * HOP - N_FFT / 2;
            for (int i = 0; i < N_FFT; i++) {
                re[i] = sample(audio, start + i) * window[i];
                im[i] = 0;
            }
            fft.transform(re, im);
            for (int k = 0; k < bins; k++) power[k] = re[k] * re[k] + im[k] * im[k];
            for (int m = 0; m < nMels; m++) {
                float[] f = filters[m];
                double acc = 0;
                for (int k = firstBin[m]; k < endBin[m]; k++) acc += f[k] * power[k];
                float v = (float) Math.log10(Math.max(acc, 1e-10));
                out[offset + m * FRAMES + t] = v; // log10 first; scaled in place once the maximum is known
                if (v > max) max = v;
            }
        }
        float floor = max - 8f;
        for (int i = offset; i < offset + nMels * FRAMES; i++) out[i] = (Math.max(out[i], floor) + 4f) / 4f;
    }

    /** The signal zero-padded to 30 s and then reflect-padded by n_fft/2 at both ends. */
    private static double sample(float[] audio, int i) {
        if (i < 0) i = -i; // reflect at the start
        if (i >= CHUNK_SAMPLES) i = 2 * (CHUNK_SAMPLES - 1) - i; // reflect at the end of the padded chunk
        return i < audio.length ? audio[i] : 0;
    }

    /** librosa.filters.mel(sr, n_fft, n_mels) with the defaults Whisper uses: Slaney mel scale and area normalisation. */
    static float[][] melFilters(int sr, int nFft, int nMels) {
        int bins = nFft / 2 + 1;
        double minMel = hzToMel(0), maxMel = hzToMel(sr / 2.0);
        double[] melF = new double[nMels + 2];
        for (int i = 0; i < melF.length; i++) melF[i] = melToHz(minMel + (maxMel - minMel) * i / (nMels + 1));
        float[][] w = new float[nMels][bins];
        for (int m = 0; m < nMels; m++) {
            double lowDiff = melF[m + 1] - melF[m], highDiff = melF[m + 2] - melF[m + 1];
            double enorm = 2.0 / (melF[m + 2] - melF[m]);
            for (int k = 0; k < bins; k++) {
                double f = (double) k * sr / nFft;
                double lower = (f - melF[m]) / lowDiff;
                double upper = (melF[m + 2] - f) / highDiff;
                w[m][k] = (float) (Math.max(0, Math.min(lower, upper)) * enorm);
            }
        }
        return w;
    }

    static double hzToMel(double hz) {
        double fSp = 200.0 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
        return hz >= minLogHz ? minLogMel + Math.log(hz / minLogHz) / logStep : hz / fSp;
    }

    static double melToHz(double mel) {
        double fSp = 200.0 / 3, minLogHz = 1000, minLogMel = minLogHz / fSp, logStep = Math.log(6.4) / 27;
        return mel >= minLogMel ? minLogHz * Math.exp(logStep * (mel - minLogMel)) : fSp * mel;
    }
}
