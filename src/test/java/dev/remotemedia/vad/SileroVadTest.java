package dev.remotemedia.vad;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.testing.Signals;
import dev.remotemedia.testing.Speech;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.remotemedia.testing.Pipelines.events;
import static dev.remotemedia.testing.Pipelines.run;
import static dev.remotemedia.testing.Pipelines.segments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SileroVadTest {
    static final String VAD = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"vad\",\"node_type\":\"SileroVAD\"%s}]}";
    static PipelineEngine engine;
    @TempDir
    static Path dir;
    static Speech.Layout speech16;

    @BeforeAll
    static void setUp() throws Exception {
        engine = PipelineEngine.standalone();
        speech16 = Speech.phrases(dir, 16000, 2.0, 1.5, 2.0, Speech.THREE);
    }

    @AfterAll
    static void tearDown() {
        engine.close();
    }

    static String vad(String params) {
        return String.format(VAD, params.isEmpty() ? "" : ",\"params\":" + params);
    }

    static void assertLayout(Speech.Layout layout, List<SpeechSegment> segments) {
        assertEquals(layout.phrasesMs().size(), segments.size(), "segments: " + segments.stream().map(s -> s.startMs() + "-" + s.endMs()).toList());
        for (int i = 0; i < segments.size(); i++) {
            long[] expected = layout.phrasesMs().get(i);
            SpeechSegment s = segments.get(i);
            assertEquals(i + 1, s.id());
            assertEquals(expected[0], s.startMs(), 150, "segment " + (i + 1) + " start");
            assertEquals(expected[1], s.endMs(), 150, "segment " + (i + 1) + " end");
            assertEquals(s.endMs() - s.startMs(), s.audio().durationMs(), 40, "segment audio covers its bounds");
        }
    }

    @Test
    void findsExactlyThreePhrasesAtTheirPlaces() {
        List<Frame> out = run(engine, vad(""), speech16.samples(), 16000, 20);
        assertLayout(speech16, segments(out));
        assertEquals(3, events(out, "vad_start").size());
        assertEquals(3, events(out, "vad_end").size());
        assertEquals(3, events(out, "segment").size());
        for (int i = 0; i < 3; i++) {
            assertTrue(events(out, "vad_start").get(i).tMs() < events(out, "vad_end").get(i).tMs());
            if (i > 0) assertTrue(segments(out).get(i).startMs() >= segments(out).get(i - 1).endMs(), "segments never overlap");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {8000, 48000, 44100})
    void worksOnOtherInputRates(int rate) throws Exception {
        Speech.Layout layout = Speech.phrases(dir, rate, 2.0, 1.5, 2.0, Speech.THREE);
        // 8 kHz speech has no energy above 4 kHz, so fricatives score lower: allow pauses inside a phrase
        String params = rate == 8000 ? "{\"min_silence_duration_ms\":300}" : "";
        assertLayout(layout, segments(run(engine, vad(params), layout.samples(), rate, 10)));
    }

    @Test
    void runsTheModelAt8kHz() throws Exception {
        Speech.Layout layout = Speech.phrases(dir, 8000, 2.0, 1.5, 2.0, Speech.THREE);
        assertLayout(layout, segments(run(engine, vad("{\"sampling_rate\":8000,\"min_silence_duration_ms\":300}"), layout.samples(), 8000, 20)));
    }

    @Test
    void silenceNoiseAndToneGiveNoSegments() {
        float[] silence = new float[16000 * 5];
        float[] noise = Signals.noise(16000, 5, -30, 42);
        float[] tone = Signals.sine(440, 16000, 5, 0.5);
        for (float[] signal : List.of(silence, noise, tone)) {
            List<Frame> out = run(engine, vad(""), signal, 16000, 20);
            assertEquals(List.of(), segments(out));
            assertEquals(List.of(), events(out, "vad_start"));
        }
    }

    @Test
    void probabilitiesEqualADirectOnnxRuntimeReference() throws Exception {
        List<Frame> out = run(engine, vad("{\"emit_probabilities\":true,\"score_silence\":true}"), speech16.samples(), 16000, 20);
        List<Float> node = probabilities(out);
        List<Float> reference = referenceProbabilities(speech16.samples());
        assertEquals(reference.size(), node.size());
        for (int i = 0; i < node.size(); i++) assertEquals(reference.get(i), node.get(i), 1e-5, "window " + i);
        assertTrue(reference.stream().anyMatch(p -> p > 0.8f), "speech is detected by the reference too");
    }

    /**
     * The node's own 48 → 16 kHz conversion (a short filter, chosen for cost) must not change what the
     * model hears: its scores on 48 kHz input stay close to the reference's on sox's 16 kHz version.
     */
    @Test
    void resampledInputScoresLikeTheOriginal() throws Exception {
        Speech.Layout speech48 = Speech.phrases(dir, 48000, 2.0, 1.5, 2.0, Speech.THREE);
        List<Frame> out = run(engine, vad("{\"emit_probabilities\":true,\"score_silence\":true}"), speech48.samples(), 48000, 20);
        List<Float> node = probabilities(out);
        List<Float> reference = referenceProbabilities(speech16.samples());
        int n = Math.min(node.size(), reference.size());
        assertTrue(n >= reference.size() - 2, node.size() + " windows vs " + reference.size());
        double sum = 0, max = 0;
        int disagree = 0;
        for (int i = 0; i < n; i++) {
            double d = Math.abs(node.get(i) - reference.get(i));
            sum += d;
            max = Math.max(max, d);
            if ((node.get(i) > 0.5f) != (reference.get(i) > 0.5f)) disagree++;
        }
        System.out.printf("48 kHz through the node vs 16 kHz reference: mean |diff| %.4f, max %.4f, %d of %d windows on the other side of 0.5%n",
                sum / n, max, disagree, n);
        assertTrue(sum / n < 0.02, "mean difference " + sum / n);
        assertTrue(disagree <= n / 50, disagree + " of " + n + " windows decided differently");
    }

    /**
     * Outside speech, windows under the silence floor (here: the digital silence between phrases) are
     * not scored — probability exactly 0, which the model itself never answers — and the speech found
     * is the same: inside speech every window is scored, so ends fall where the model puts them.
     */
    @Test
    void windowsUnderTheSilenceFloorAreNotScoredAndFindTheSameSpeech() {
        List<Frame> gated = run(engine, vad("{\"emit_probabilities\":true}"), speech16.samples(), 16000, 20);
        List<Frame> scored = run(engine, vad("{\"emit_probabilities\":true,\"score_silence\":true}"), speech16.samples(), 16000, 20);
        long skipped = probabilities(gated).stream().filter(p -> p == 0f).count();
        assertTrue(skipped > 150, "most of the 7 s of silence around the phrases (~220 windows) is skipped; skipped " + skipped);
        assertEquals(0, probabilities(scored).stream().filter(p -> p == 0f).count(), "scored windows are never exactly 0");
        assertLayout(speech16, segments(gated));
        List<SpeechSegment> a = segments(gated), b = segments(scored);
        for (int i = 0; i < a.size(); i++) {
            assertEquals(b.get(i).startMs(), a.get(i).startMs(), 32, "segment " + (i + 1) + " start, gated vs scored");
            assertEquals(b.get(i).endMs(), a.get(i).endMs(), 32, "segment " + (i + 1) + " end, gated vs scored");
        }
    }

    /** A noise floor above the silence floor is scored like speech would be; raising the floor skips it again. */
    @Test
    void audibleNoiseIsScoredUnlessTheFloorIsRaised() {
        float[] noisy = speech16.samples().clone();
        float[] noise = Signals.noise(16000, noisy.length / 16000.0 + 1, -50, 7);
        for (int i = 0; i < noisy.length; i++) noisy[i] += noise[i];
        List<Frame> atDefault = run(engine, vad("{\"emit_probabilities\":true}"), noisy, 16000, 20);
        assertEquals(0, probabilities(atDefault).stream().filter(p -> p == 0f).count(), "-50 dBFS noise is over the -60 dBFS floor: every window scored");
        assertLayout(speech16, segments(atDefault));
        List<Frame> raised = run(engine, vad("{\"emit_probabilities\":true,\"silence_floor_dbfs\":-45}"), noisy, 16000, 20);
        assertTrue(probabilities(raised).stream().filter(p -> p == 0f).count() > 150, "under a -45 dBFS floor the noise between phrases is skipped");
        assertLayout(speech16, segments(raised));
    }

    private static List<Float> probabilities(List<Frame> out) {
        return events(out, "vad_prob").stream().map(e -> (float) e.fields().get("prob").asDouble()).toList();
    }

    /** Independent reference: plain arrays, context of the last 64 samples, state carried. */
    static List<Float> referenceProbabilities(float[] audio) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] model = SileroVadTest.class.getClassLoader().getResourceAsStream(SileroModel.BUNDLED).readAllBytes();
        List<Float> probs = new ArrayList<>();
        try (OrtSession session = env.createSession(model, new OrtSession.SessionOptions())) {
            float[][][] state = new float[2][1][128];
            float[] context = new float[64];
            for (int off = 0; off + 512 <= audio.length; off += 512) {
                float[][] input = new float[1][576];
                System.arraycopy(context, 0, input[0], 0, 64);
                System.arraycopy(audio, off, input[0], 64, 512);
                System.arraycopy(audio, off + 448, context, 0, 64);
                try (OnnxTensor in = OnnxTensor.createTensor(env, input); OnnxTensor st = OnnxTensor.createTensor(env, state);
                     OnnxTensor sr = OnnxTensor.createTensor(env, new long[] {16000});
                     OrtSession.Result r = session.run(Map.of("input", in, "state", st, "sr", sr))) {
                    probs.add(((float[][]) r.get(0).getValue())[0][0]);
                    state = (float[][][]) r.get(1).getValue();
                }
            }
        }
        return probs;
    }

    @Test
    void streamThatStallsMidSpeechClosesTheSegment() {
        var manifest = engine.parse(vad("{\"stall_timeout_ms\":300}"), "t");
        UnicastProcessor<Frame> input = UnicastProcessor.create();
        List<Frame> out = new CopyOnWriteArrayList<>();
        engine.open(manifest, "stall").run(input).subscribe().with(out::add);
        long[] first = speech16.phrasesMs().get(0);
        int cut = (int) ((first[0] + first[1]) / 2 * 16); // stop feeding in the middle of phrase one
        for (var f : dev.remotemedia.pipeline.AudioFrame.split(java.util.Arrays.copyOf(speech16.samples(), cut), 16000, 1, 20)) input.onNext(f);
        long deadline = System.currentTimeMillis() + 5000;
        while (segments(out).isEmpty() && System.currentTimeMillis() < deadline) sleep(50);
        assertEquals(1, segments(out).size(), "the stalled speech became a segment: " + out);
        assertEquals(1, events(out, "vad_end").size());
        input.onComplete();
    }

    @Test
    void endOfStreamMidSpeechClosesTheSegment() {
        long[] last = speech16.phrasesMs().get(2);
        int cut = (int) ((last[0] + last[1]) / 2 * 16);
        List<SpeechSegment> segs = segments(run(engine, vad(""), java.util.Arrays.copyOf(speech16.samples(), cut), 16000, 20));
        assertEquals(3, segs.size());
        assertEquals(cut / 16, segs.get(2).endMs(), 40);
    }

    @Test
    void longSpeechIsSplit() {
        List<SpeechSegment> segs = segments(run(engine, vad("{\"max_speech_duration_s\":1.0}"), speech16.samples(), 16000, 20));
        assertTrue(segs.size() > 3, "each phrase is longer than 1 s, so it is split: " + segs.size());
        for (SpeechSegment s : segs) assertTrue(s.endMs() - s.startMs() <= 1000 + 100, "segment of " + (s.endMs() - s.startMs()) + " ms");
    }

    @Test
    void missingModelFileIsAClearError() {
        var manifest = engine.parse(vad("{\"model_path\":\"/nonexistent/silero.onnx\"}"), "t");
        var e = assertThrows(PipelineException.class, () -> engine.open(manifest, "x"));
        assertEquals(ErrorKind.ModelUnavailable, e.kind());
        assertTrue(e.getMessage().contains("/nonexistent/silero.onnx: file not found"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedRateAndInvertedThresholds() {
        var e = assertThrows(dev.remotemedia.manifest.ManifestException.class,
                () -> engine.parse(vad("{\"sampling_rate\":44100,\"threshold\":0.3,\"neg_threshold\":0.4}"), "t"));
        assertTrue(e.errors().stream().anyMatch(m -> m.contains("params.sampling_rate: must be 16000 or 8000, got 44100")), e.errors().toString());
    }

    @Test
    void checksumOfTheBundledModelMatches() throws Exception {
        byte[] bytes = SileroVadTest.class.getClassLoader().getResourceAsStream(SileroModel.BUNDLED).readAllBytes();
        assertEquals(SileroModel.BUNDLED_SHA256, SileroModel.sha256(bytes));
        byte[] specialised = SileroVadTest.class.getClassLoader().getResourceAsStream(SileroModel.BUNDLED_16K).readAllBytes();
        assertEquals(SileroModel.BUNDLED_16K_SHA256, SileroModel.sha256(specialised));
    }

    /** The 16 kHz specialisation (tools/silero_vad_16k.py) computes what the vendored export computes, window by window. */
    @Test
    void theSpecialised16kModelScoresExactlyLikeTheVendoredExport() {
        try (SileroModel vendored = SileroModel.load(null); SileroModel specialised = SileroModel.load(null, 16000);
             SileroStream a = vendored.newStream(16000); SileroStream b = specialised.newStream(16000)) {
            assertTrue(specialised.source().endsWith(SileroModel.BUNDLED_16K), specialised.source());
            float[] audio = speech16.samples();
            int speech = 0;
            for (int off = 0; off + 512 <= audio.length; off += 512) {
                float pa = a.probability(audio, off), pb = b.probability(audio, off);
                assertEquals(pa, pb, 1e-6, "window " + off / 512);
                if (pa > 0.5f) speech++;
            }
            assertTrue(speech > 50, "the comparison covers speech: " + speech + " windows over 0.5");
            var e = assertThrows(IllegalArgumentException.class, () -> specialised.newStream(8000));
            assertTrue(e.getMessage().contains("16 kHz streams only"), e.getMessage());
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unused")
    private static Duration unused() { return Duration.ZERO; }
}
