package dev.remotemedia.testing;

import dev.remotemedia.audio.Wav;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Speech WAVs with a known layout, made with espeak-ng and sox: each phrase is synthesized, its
 * leading/trailing silence trimmed, then phrases are joined with exact silences.
 */
public final class Speech {
    private Speech() {}

    /** A generated file and where its speech is, in ms. */
    public record Layout(Path file, int sampleRate, List<long[]> phrasesMs, float[] samples) {}

    public static Layout phrases(Path dir, int sampleRate, double leadS, double gapS, double tailS, String... phrases) throws IOException {
        Tools.require("espeak-ng", "espeak-ng");
        Tools.require("sox", "sox");
        List<float[]> parts = new ArrayList<>();
        for (int i = 0; i < phrases.length; i++) {
            Path raw = dir.resolve("phrase" + i + ".wav");
            Path trimmed = dir.resolve("phrase" + i + "-" + sampleRate + ".wav");
            Tools.run("espeak-ng", "-s", "150", "-w", raw.toString(), phrases[i]);
            Tools.run("sox", raw.toString(), "-r", Integer.toString(sampleRate), "-b", "16", trimmed.toString(),
                    "silence", "1", "0.02", "1%", "reverse", "silence", "1", "0.02", "1%", "reverse");
            parts.add(Wav.read(trimmed).mono());
        }
        List<long[]> layout = new ArrayList<>();
        float[] all = new float[0];
        all = append(all, new float[(int) (leadS * sampleRate)]);
        for (int i = 0; i < parts.size(); i++) {
            long start = all.length * 1000L / sampleRate;
            all = append(all, parts.get(i));
            layout.add(new long[] {start, all.length * 1000L / sampleRate});
            all = append(all, new float[(int) ((i == parts.size() - 1 ? tailS : gapS) * sampleRate)]);
        }
        Path file = dir.resolve("speech-" + sampleRate + ".wav");
        Wav.write(file, all, sampleRate, 1);
        return new Layout(file, sampleRate, layout, all);
    }

    public static final String[] THREE = {
        "Hello there this is the first phrase.",
        "Now comes the second sentence of the test.",
        "And finally the third one ends it."
    };

    private static float[] append(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
