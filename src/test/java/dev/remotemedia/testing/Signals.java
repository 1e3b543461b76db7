package dev.remotemedia.testing;

import java.util.Random;

/** Generated test signals. */
public final class Signals {
    private Signals() {}

    public static float[] sine(double hz, int rate, double seconds, double amplitude) {
        float[] s = new float[(int) (rate * seconds)];
        for (int i = 0; i < s.length; i++) s[i] = (float) (amplitude * Math.sin(2 * Math.PI * hz * i / rate));
        return s;
    }

    /** Gaussian white noise at the given RMS level in dBFS, fixed seed. */
    public static float[] noise(int rate, double seconds, double rmsDbfs, long seed) {
        Random r = new Random(seed);
        double sigma = Math.pow(10, rmsDbfs / 20);
        float[] s = new float[(int) (rate * seconds)];
        for (int i = 0; i < s.length; i++) s[i] = (float) (sigma * r.nextGaussian());
        return s;
    }
}
