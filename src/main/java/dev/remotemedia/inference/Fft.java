package dev.remotemedia.inference;

/**
 * Mixed-radix complex FFT for any length whose factors are small (Whisper's 400 = 2⁴·5²): a
 * recursive decimation in time with twiddles precomputed once per length.
 */
final class Fft {
    private final int n;
    private final double[] cos;
    private final double[] sin;

    Fft(int n) {
        this.n = n;
        cos = new double[n];
        sin = new double[n];
        for (int k = 0; k < n; k++) {
            cos[k] = Math.cos(-2 * Math.PI * k / n);
            sin[k] = Math.sin(-2 * Math.PI * k / n);
        }
    }

    int size() { return n; }

    /** Forward transform of (re, im) in place. */
    void transform(double[] re, double[] im) {
        double[] outRe = new double[n];
        double[] outIm = new double[n];
        fft(re, im, 0, 1, n, outRe, outIm, 0);
        System.arraycopy(outRe, 0, re, 0, n);
        System.arraycopy(outIm, 0, im, 0, n);
    }

    private void fft(double[] re, double[] im, int offset, int stride, int len, double[] oRe, double[] oIm, int oOff) {
        if (len == 1) {
            oRe[oOff] = re[offset];
            oIm[oOff] = im[offset];
            return;
        }
        int p = smallestFactor(len);
        int m = len / p;
        // sub-transforms of the p interleaved subsequences, stored one after another
        for (int r = 0; r < p; r++) fft(re, im, offset + r * stride, stride * p, m, oRe, oIm, oOff + r * m);
        double[] tRe = new double[len];
        double[] tIm = new double[len];
        int twStep = n / len;
        for (int k = 0; k < len; k++) {
            double sr = 0, si = 0;
            int km = k % m;
            for (int r = 0; r < p; r++) {
                int idx = (r * k % len) * twStep;
                double xr = oRe[oOff + r * m + km], xi = oIm[oOff + r * m + km];
                sr += xr * cos[idx] - xi * sin[idx];
                si += xr * sin[idx] + xi * cos[idx];
            }
            tRe[k] = sr;
            tIm[k] = si;
        }
        System.arraycopy(tRe, 0, oRe, oOff, len);
        System.arraycopy(tIm, 0, oIm, oOff, len);
    }

    private static int smallestFactor(int len) {
        for (int f = 2; f * f <= len; f++) if (len % f == 0) return f;
        return len;
    }
}
