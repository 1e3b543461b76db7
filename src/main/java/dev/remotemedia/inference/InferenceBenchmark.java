package dev.remotemedia.inference;

import dev.remotemedia.bench.ProcessStats;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/**
 * `remotemedia bench stt|tts --model DIR`: real-time factor and per-segment latency of WhisperSTT
 * and KokoroTTS on any export (the tests' generated models, or real ones on a GPU host), with
 * their baselines in the same run: the log-mel front end alone for STT, batch 1 against batch N
 * for throughput, and the espeak-ng phonemizer alone for TTS.
 */
public final class InferenceBenchmark {
    private InferenceBenchmark() {}

    public static void stt(PrintWriter out, Path dir, String device, int segments, double segmentSeconds, int batch, int maxNewTokens) {
        WhisperModel model = WhisperModel.load(dir, device, 0);
        try {
            List<float[]> windows = new ArrayList<>();
            Random r = new Random(11);
            for (int i = 0; i < segments; i++) windows.add(speechLike(r, segmentSeconds));
            out.printf("model: %s on %s; %d segments of %.1f s, up to %d tokens each; cores: %d%n", dir, model.device(), segments,
                    segmentSeconds, maxNewTokens, ProcessStats.cores());

            LogMel mel = new LogMel(model.melBins()); // whisper-small is multilingual with 80 bins
            float[] features = new float[mel.melBins() * LogMel.FRAMES];
            long[] melTimes = new long[segments];
            for (int i = 0; i < segments; i++) {
                long t0 = System.nanoTime();
                mel.compute(windows.get(i), features, 0);
                melTimes[i] = System.nanoTime() - t0;
            }
            long[] one = new long[segments];
            long t1 = System.nanoTime();
            for (int i = 0; i < segments; i++) {
                long t0 = System.nanoTime();
                model.transcribe(List.of(windows.get(i)), "en", "transcribe", maxNewTokens);
                one[i] = System.nanoTime() - t0;
            }
            double seqSeconds = (System.nanoTime() - t1) / 1e9;
            report(out, "(a) log-mel front end alone", melTimes, segmentSeconds);
            report(out, "(b) WhisperSTT, batch 1", one, segmentSeconds);

            java.util.concurrent.ExecutorService streams = java.util.concurrent.Executors.newFixedThreadPool(batch);
            try (dev.remotemedia.pipeline.MediaThreads threads = dev.remotemedia.pipeline.MediaThreads.forMachine();
                 WhisperBatcher batcher = new WhisperBatcher(model, batch, 20, threads)) {
                long t2 = System.nanoTime();
                // one submitter per segment, as concurrent streams would be (their front ends run in parallel)
                List<CompletableFuture<WhisperBatcher.Result>> all = windows.stream()
                        .map(w -> CompletableFuture.supplyAsync(() -> batcher.submit(w, "en", "transcribe", maxNewTokens), streams).thenCompose(f -> f))
                        .toList();
                int largest = 0;
                for (var f : all) largest = Math.max(largest, f.join().batchSize());
                double batchSeconds = (System.nanoTime() - t2) / 1e9;
                out.printf("(c) throughput: batch 1 %.1f segments/s, batch ≤%d %.1f segments/s (largest batch %d) → %.2f× %n",
                        segments / seqSeconds, batch, segments / batchSeconds, largest, seqSeconds / batchSeconds);
            } finally {
                streams.shutdownNow();
            }
        } finally {
            model.close();
        }
    }

    public static void tts(PrintWriter out, Path dir, String device, int sentences) {
        KokoroModel model = KokoroModel.load(dir, device, 0);
        try {
            Phonemizer phonemizer = new Phonemizer("en-us");
            String[] texts = {"The quick brown fox jumps over the lazy dog.", "Operable voice software is tested software.",
                    "Every segment comes back exactly once, in order."};
            long[] phon = new long[sentences];
            long[] synth = new long[sentences];
            double audioSeconds = 0;
            out.printf("model: %s on %s; %d sentences; cores: %d%n", dir, model.device(), sentences, ProcessStats.cores());
            for (int i = 0; i < sentences; i++) {
                long t0 = System.nanoTime();
                long[] ids = model.tokenize(phonemizer.phonemes(texts[i % texts.length]));
                phon[i] = System.nanoTime() - t0;
                long t1 = System.nanoTime();
                float[] wave = model.synthesize(ids, "af_heart", 1.0f);
                synth[i] = System.nanoTime() - t1;
                audioSeconds += wave.length / (double) KokoroModel.SAMPLE_RATE;
            }
            double perSentence = audioSeconds / sentences;
            report(out, "(a) espeak-ng phonemizer alone", phon, perSentence);
            report(out, "(b) KokoroTTS synthesis", synth, perSentence);
            out.printf("    first audio of a sentence after ≈ p50 %.1f ms (phonemes + synthesis)%n", (median(phon) + median(synth)) / 1e6);
        } finally {
            model.close();
        }
    }

    private static void report(PrintWriter out, String label, long[] nanos, double audioSeconds) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double p50 = s[s.length / 2] / 1e6, p99 = s[Math.min(s.length - 1, (int) Math.ceil(s.length * 0.99) - 1)] / 1e6;
        out.printf("%-34s p50 %8.2f ms  p99 %8.2f ms  real-time factor %.4f%n", label, p50, p99, p50 / 1000 / audioSeconds);
        out.flush();
    }

    private static long median(long[] a) {
        long[] s = a.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** Bursts of harmonics with pitch drift: enough like speech to give the front end real work. */
    private static float[] speechLike(Random r, double seconds) {
        int n = (int) (seconds * LogMel.SAMPLE_RATE);
        float[] out = new float[n];
        double f0 = 110 + r.nextInt(120), phase = 0;
        for (int i = 0; i < n; i++) {
            double t = i / (double) LogMel.SAMPLE_RATE;
            double env = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t));
            phase += 2 * Math.PI * f0 * (1 + 0.05 * Math.sin(2 * Math.PI * 0.7 * t)) / LogMel.SAMPLE_RATE;
            double v = 0;
            for (int h = 1; h <= 8; h++) v += Math.sin(h * phase) / h;
            out[i] = (float) (0.2 * env * v + 0.003 * r.nextGaussian());
        }
        return out;
    }
}
