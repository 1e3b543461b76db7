package dev.remotemedia.inference;

import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.testing.Pipelines;
import dev.remotemedia.testing.RemoteServers;
import dev.remotemedia.testing.Signals;
import dev.remotemedia.testing.Speech;
import dev.remotemedia.testing.TinyModels;
import io.smallrye.mutiny.Multi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WhisperSTT and KokoroTTS as nodes: behind VAD and a real gRPC hop, batched across sessions, and failing clearly. */
class SpeechToSpeechTest {
    @TempDir
    Path tmp;

    @Test
    void speechGoesOutAsSegmentsAndComesBackAsTranscriptsAndAudio() throws Exception {
        Path whisper = TinyModels.whisper(tmp.resolve("whisper"), TinyModels.ENGLISH);
        Path kokoro = TinyModels.kokoro(tmp.resolve("kokoro"));
        Speech.Layout speech = Speech.phrases(tmp, 48000, 1.0, 1.5, 1.5, Speech.THREE);
        try (RemoteServers servers = new RemoteServers(); PipelineEngine engine = PipelineEngine.standalone()) {
            var gpu = servers.start();
            String remote = "{\"version\":\"v1\",\"nodes\":["
                    + "{\"id\":\"stt\",\"node_type\":\"WhisperSTT\",\"params\":{\"model\":\"" + whisper + "\",\"device\":\"cpu\"}},"
                    + "{\"id\":\"tts\",\"node_type\":\"KokoroTTS\",\"params\":{\"model\":\"" + kokoro + "\",\"device\":\"cpu\",\"sample_rate\":48000}}]}";
            String local = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"vad\",\"node_type\":\"SileroVAD\",\"params\":{\"min_silence_duration_ms\":300}},"
                    + "{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{\"endpoint\":\"" + gpu.address()
                    + "\",\"health_check\":{\"interval_ms\":0},\"timeout_ms\":20000,\"manifest\":" + remote + "}}]}";
            List<Frame> out = Pipelines.run(engine, local, speech.samples(), 48000, 20);

            List<EventFrame> transcripts = Pipelines.events(out, "transcript");
            assertEquals(3, transcripts.size(), "one transcript per phrase: " + out.stream().filter(f -> f instanceof EventFrame).toList());
            for (int i = 0; i < 3; i++) {
                var t = transcripts.get(i).fields();
                assertEquals(i + 1, t.path("segment").asInt());
                assertEquals(TinyModels.TEXT, t.path("text").asText());
                assertEquals("en", t.path("language").asText());
                assertEquals("cpu", t.path("device").asText());
                assertTrue(t.path("rtf").asDouble() > 0 && t.path("audio_ms").asLong() > 1000, t.toString());
                assertTrue(t.path("no_speech_prob").asDouble() < 0.01, t.toString());
            }
            assertEquals(3, Pipelines.events(out, "tts").size());
            List<AudioFrame> audio = out.stream().filter(f -> f instanceof AudioFrame).map(f -> (AudioFrame) f).toList();
            assertTrue(audio.size() >= 3 && audio.stream().allMatch(a -> a.sampleRate() == 48000), "TTS audio resampled to 48 kHz: " + audio.size());
            assertTrue(Pipelines.events(out, "latency").size() == 3);
        }
    }

    /** Whisper does not hold a media thread while its batch runs: 8 sessions on 2 media threads still batch together. */
    @Test
    void concurrentSessionsShareBatchesLargerThanTheMediaPool() throws Exception {
        Path whisper = TinyModels.whisper(tmp.resolve("whisper"), TinyModels.ENGLISH);
        String manifest = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"stt\",\"node_type\":\"WhisperSTT\",\"params\":{\"model\":\""
                + whisper + "\",\"device\":\"cpu\",\"max_batch\":8,\"max_wait_ms\":300}}]}";
        try (PipelineEngine engine = new PipelineEngine(dev.remotemedia.pipeline.NodeTypeRegistry.load(),
                dev.remotemedia.manifest.VariableSource.environment(), new dev.remotemedia.pipeline.MediaThreads(2, 2))) {
            var m = engine.parse(manifest, "t");
            engine.open(m, "warm").close(); // load once, outside the measured batch
            List<CompletableFuture<List<Frame>>> sessions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                var audio = new AudioFrame(Signals.sine(300 + 50 * i, 16000, 1.0, 0.5), 16000, 1, 0);
                var session = engine.open(m, "s" + i);
                sessions.add(session.run(Multi.createFrom().items((Frame) new SpeechSegment(1, 0, 1000, audio)))
                        .collect().asList().subscribeAsCompletionStage().toCompletableFuture());
            }
            int maxBatch = 0;
            for (var s : sessions) {
                List<Frame> out = s.get(60, java.util.concurrent.TimeUnit.SECONDS);
                EventFrame t = Pipelines.events(out, "transcript").get(0);
                assertEquals(TinyModels.TEXT, t.fields().path("text").asText());
                maxBatch = Math.max(maxBatch, t.fields().path("batch_size").asInt());
            }
            assertTrue(maxBatch >= 4, "windows of 8 sessions on 2 media threads were decoded together (largest batch " + maxBatch + ")");
        }
    }

    @Test
    void longSegmentsAreCutIntoThirtySecondWindows() throws Exception {
        Path whisper = TinyModels.whisper(tmp.resolve("whisper"), TinyModels.ENGLISH);
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var m = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"stt\",\"node_type\":\"WhisperSTT\",\"params\":{\"model\":\""
                    + whisper + "\",\"device\":\"cpu\"}}]}", "t");
            var audio = new AudioFrame(Signals.sine(440, 16000, 45, 0.5), 16000, 1, 0);
            List<Frame> out = engine.open(m, "long").run(Multi.createFrom().items((Frame) new SpeechSegment(1, 0, 45000, audio)))
                    .collect().asList().await().atMost(Duration.ofSeconds(60));
            var t = Pipelines.events(out, "transcript").get(0).fields();
            assertEquals(TinyModels.TEXT + " " + TinyModels.TEXT, t.path("text").asText(), "two windows, two texts");
            assertEquals(45000, t.path("audio_ms").asLong());
        }
    }

    @Test
    void missingModelsFailWithWhereItLookedAndHowToFetch() {
        System.setProperty("remotemedia.models.cache-dir", tmp.resolve("empty-cache").toString());
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var m = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"stt\",\"node_type\":\"WhisperSTT\"}]}", "t");
            PipelineException e = assertThrows(PipelineException.class, () -> engine.open(m, "s"));
            assertTrue(e.getMessage().contains("whisper-tiny.en is not in the cache") && e.getMessage().contains("models pull whisper-tiny.en")
                    && e.getMessage().contains(tmp.resolve("empty-cache").toString()), e.getMessage());
            var k = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"tts\",\"node_type\":\"KokoroTTS\",\"params\":{\"model\":\"/no/such/dir\"}}]}", "t");
            PipelineException e2 = assertThrows(PipelineException.class, () -> engine.open(k, "s"));
            assertTrue(e2.getMessage().contains("no such folder (/no/such/dir)"), e2.getMessage());
        } finally {
            System.clearProperty("remotemedia.models.cache-dir");
        }
    }

    @Test
    void wrongParamsAreValidationErrors() {
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            assertErrors(engine, "{\"id\":\"stt\",\"node_type\":\"WhisperSTT\",\"params\":{\"max_batch\":0}}", "stt\").params.max_batch");
            assertErrors(engine, "{\"id\":\"stt\",\"node_type\":\"WhisperSTT\",\"params\":{\"language\":\"english\"}}",
                    "language: a language code such as en or de, or auto; got \"english\"");
            assertErrors(engine, "{\"id\":\"tts\",\"node_type\":\"KokoroTTS\",\"params\":{\"voice\":\"../x\"}}", "voice: letters");
            assertErrors(engine, "{\"id\":\"tts\",\"node_type\":\"KokoroTTS\",\"params\":{\"speed\":9}}", "speed: must be between 0.5 and 2");
        }
    }

    private static void assertErrors(PipelineEngine engine, String node, String expected) {
        var e = assertThrows(dev.remotemedia.manifest.ManifestException.class,
                () -> engine.parse("{\"version\":\"v1\",\"nodes\":[" + node + "]}", "t"));
        assertTrue(String.join("\n", e.errors()).contains(expected), e.errors().toString());
    }
}
