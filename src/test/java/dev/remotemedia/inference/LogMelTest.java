package dev.remotemedia.inference;

import dev.remotemedia.testing.Signals;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Whisper's front end against values computed here independently (a direct DFT, the mel formulas written out). */
class LogMelTest {
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(ints = {80, 128})
    void featuresEqualHuggingFacesWhisperFeatureExtractor(int bins) throws Exception {
        // reference values written by src/test/resources/whisper-reference/make_reference.py (transformers 5.18, numpy)
        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                getClass().getResourceAsStream("/whisper-reference/features-" + bins + ".json"));
        float[] audio;
        try (var in = getClass().getResourceAsStream("/whisper-reference/speech.wav")) {
            java.nio.file.Path wav = java.nio.file.Files.createTempFile("speech", ".wav");
            java.nio.file.Files.write(wav, in.readAllBytes());
            audio = dev.remotemedia.audio.Wav.read(wav).mono();
            java.nio.file.Files.delete(wav);
        }
        float[] out = new float[bins * LogMel.FRAMES];
        new LogMel(bins).compute(audio, out, 0);
        double worst = 0;
        var frames = root.path("frames");
        for (int i = 0; i < frames.size(); i++) {
            int f = frames.get(i).asInt();
            for (int m = 0; m < bins; m++) {
                double expected = root.path("values").get(i).get(m).asDouble();
                worst = Math.max(worst, Math.abs(expected - out[m * LogMel.FRAMES + f]));
                assertEquals(expected, out[m * LogMel.FRAMES + f], 2e-4, "bins " + bins + " frame " + f + " mel " + m);
            }
        }
        System.out.printf("log-mel %d bins: largest difference from transformers %.2e%n", bins, worst);
    }

    @Test
    void fftEqualsADirectDft() {
        Random r = new Random(7);
        for (int n : new int[]{400, 8, 5, 12}) {
            double[] re = new double[n], im = new double[n];
            for (int i = 0; i < n; i++) re[i] = r.nextGaussian();
            double[] x = re.clone();
            new Fft(n).transform(re, im);
            for (int k = 0; k < n; k++) {
                double sr = 0, si = 0;
                for (int t = 0; t < n; t++) {
                    sr += x[t] * Math.cos(2 * Math.PI * k * t / n);
                    si -= x[t] * Math.sin(2 * Math.PI * k * t / n);
                }
                assertEquals(sr, re[k], 1e-9, "n=" + n + " re[" + k + "]");
                assertEquals(si, im[k], 1e-9, "n=" + n + " im[" + k + "]");
            }
        }
    }

    @Test
    void melScaleIsSlaneys() {
        // linear below 1 kHz (200/3 Hz per mel), logarithmic above: 15 mels at 1 kHz, 27 mels per factor 6.4
        assertEquals(15.0, LogMel.hzToMel(1000), 1e-12);
        assertEquals(3.0, LogMel.hzToMel(200), 1e-12);
        assertEquals(15.0 + 27, LogMel.hzToMel(6400), 1e-9);
        assertEquals(4321.0, LogMel.melToHz(LogMel.hzToMel(4321)), 1e-9);
    }

    @Test
    void filtersAreAreaNormalisedTrianglesCoveringTheBand() {
        float[][] f = LogMel.melFilters(16000, 400, 80);
        assertEquals(80, f.length);
        assertEquals(201, f[0].length);
        for (int m = 0; m < 80; m++) {
            int peak = 0;
            for (int k = 1; k < 201; k++) if (f[m][k] > f[m][peak]) peak = k;
            // rises to the peak and falls after it
            for (int k = 1; k <= peak; k++) assertTrue(f[m][k] >= f[m][k - 1], "filter " + m + " rises");
            for (int k = peak + 1; k < 201; k++) assertTrue(f[m][k] <= f[m][k - 1], "filter " + m + " falls");
        }
        // Slaney normalisation: each triangle has area 1 in Hz (sampled every 40 Hz: checked on wide high filters)
        for (int m = 70; m < 79; m++) {
            double area = 0;
            for (int k = 0; k < 201; k++) area += f[m][k] * 40.0;
            assertEquals(1.0, area, 0.02, "filter " + m + " area");
        }
    }

    @Test
    void aSineLightsTheMelBinOfItsFrequency() {
        LogMel mel = new LogMel(80);
        float[] out = new float[80 * LogMel.FRAMES];
        double hz = 1000;
        mel.compute(Signals.sine(hz, 16000, 1.0, 0.5), out, 0);
        int frame = 50; // well inside the tone
        int best = 0;
        for (int m = 1; m < 80; m++) if (out[m * LogMel.FRAMES + frame] > out[best * LogMel.FRAMES + frame]) best = m;
        // the filter whose centre is nearest 1 kHz
        double target = LogMel.hzToMel(hz) / LogMel.hzToMel(8000) * 81 - 1;
        assertEquals(Math.round(target), best, 1, "peak mel bin");
        // frames after the audio are silence: clamped to (max - 8 + 4) / 4
        float max = -Float.MAX_VALUE;
        for (float v : out) max = Math.max(max, v);
        assertEquals(max - 2f, out[40 * LogMel.FRAMES + 2000], 1e-5);
    }

    @Test
    void featuresEqualAReferenceComputedDirectly() {
        float[] audio = Signals.sine(440, 16000, 0.5, 0.3);
        float[] out = new float[80 * LogMel.FRAMES];
        new LogMel(80).compute(audio, out, 0);
        float[][] filters = LogMel.melFilters(16000, 400, 80);
        // frame 10 by hand: centred window with reflect padding at the start, periodic Hann, direct DFT
        int t = 10;
        double[] power = new double[201];
        for (int k = 0; k < 201; k++) {
            double re = 0, im = 0;
            for (int i = 0; i < 400; i++) {
                int idx = Math.abs(t * 160 - 200 + i);
                double w = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / 400);
                double x = (idx < audio.length ? audio[idx] : 0) * w;
                re += x * Math.cos(2 * Math.PI * k * i / 400);
                im -= x * Math.sin(2 * Math.PI * k * i / 400);
            }
            power[k] = re * re + im * im;
        }
        float max = -Float.MAX_VALUE;
        for (float v : out) max = Math.max(max, v);
        double logMax = max * 4 - 4;
        for (int m = 0; m < 80; m++) {
            double acc = 0;
            for (int k = 0; k < 201; k++) acc += filters[m][k] * power[k];
            double expected = (Math.max(Math.log10(Math.max(acc, 1e-10)), logMax - 8) + 4) / 4;
            assertEquals(expected, out[m * LogMel.FRAMES + t], 1e-4, "mel " + m);
        }
    }
}
