package dev.remotemedia.audio;

import org.junit.jupiter.api.Test;
import static dev.remotemedia.testing.Signals.sine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResamplerTest {
    /** Amplitude of the {@code hz} component (single-bin DFT over the steady middle of the signal). */
    static double amplitudeAt(float[] s, int rate, double hz) {
        int from = s.length / 4, to = s.length * 3 / 4;
        double re = 0, im = 0;
        for (int i = from; i < to; i++) {
            re += s[i] * Math.cos(2 * Math.PI * hz * i / rate);
            im += s[i] * Math.sin(2 * Math.PI * hz * i / rate);
        }
        return 2 * Math.hypot(re, im) / (to - from);
    }

    static double rms(float[] s) {
        double sum = 0;
        int from = s.length / 4, to = s.length * 3 / 4;
        for (int i = from; i < to; i++) sum += s[i] * s[i];
        return Math.sqrt(sum / (to - from));
    }

    @ParameterizedTest
    @CsvSource({"48000,16000,1000", "44100,16000,440", "16000,48000,3000", "8000,16000,1000", "16000,8000,2500", "22050,16000,5000"})
    void keepsFrequencyAndLevel(int from, int to, double hz) {
        float[] in = sine(hz, from, 1.0, 0.5);
        float[] out = Resampler.resample(in, from, to);
        assertEquals(Math.round(in.length * (double) to / from), out.length, 1.0, "output length");
        double levelDb = 20 * Math.log10(rms(out) / rms(in));
        assertTrue(Math.abs(levelDb) < 0.5, "level changed by " + levelDb + " dB");
        double atTone = amplitudeAt(out, to, hz);
        assertEquals(0.5, atTone, 0.5 * 0.06, "the tone must stay at " + hz + " Hz");
    }

    @ParameterizedTest
    @CsvSource({"48000,16000,12000", "48000,16000,9000", "44100,16000,15000", "16000,8000,6000"})
    void attenuatesContentAboveTheNewNyquist(int from, int to, double hz) {
        float[] in = sine(hz, from, 1.0, 0.5);
        float[] out = Resampler.resample(in, from, to);
        double attenuationDb = 20 * Math.log10(rms(in) / Math.max(1e-12, rms(out)));
        assertTrue(attenuationDb >= 40, hz + " Hz only attenuated " + attenuationDb + " dB");
    }

    @Test
    void streamingEqualsOneShot() {
        float[] in = sine(700, 48000, 0.5, 0.3);
        float[] whole = Resampler.resample(in, 48000, 16000);
        Resampler r = new Resampler(48000, 16000);
        float[] streamed = new float[whole.length];
        int n = 0;
        for (int off = 0; off < in.length; off += 480) {
            float[] part = r.process(java.util.Arrays.copyOfRange(in, off, Math.min(in.length, off + 480)));
            System.arraycopy(part, 0, streamed, n, part.length);
            n += part.length;
        }
        float[] tail = r.flush();
        System.arraycopy(tail, 0, streamed, n, tail.length);
        assertEquals(whole.length, n + tail.length);
        for (int i = 0; i < whole.length; i++) assertEquals(whole[i], streamed[i], 1e-6);
    }
}
