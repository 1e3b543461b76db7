package dev.remotemedia.inference;

import dev.remotemedia.grpc.v1.StreamResponse;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.TextFrame;
import dev.remotemedia.testing.RemoteServers;
import dev.remotemedia.testing.Tools;
import io.smallrye.mutiny.Multi;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** EspeakTTS: real speech that Silero VAD recognises as speech, locally and returned over gRPC. */
class EspeakTtsTest {
    @Test
    void synthesizedSpeechIsFoundBySileroVad() {
        Tools.require("espeak-ng", "espeak-ng");
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var m = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"tts\",\"node_type\":\"EspeakTTS\"},"
                    + "{\"id\":\"vad\",\"node_type\":\"SileroVAD\",\"params\":{\"emit_audio\":true}}]}", "t");
            List<Frame> out = engine.open(m, "tts").run(Multi.createFrom().items((Frame) new TextFrame(
                    "This sentence is spoken by the synthesizer and heard by the detector.", 1, 0)))
                    .collect().asList().await().atMost(Duration.ofSeconds(30));
            AudioFrame audio = (AudioFrame) out.stream().filter(f -> f instanceof AudioFrame).findFirst().orElseThrow();
            assertEquals(22050, audio.sampleRate());
            assertTrue(audio.durationMs() > 2000, "a few seconds of speech: " + audio.durationMs());
            long segments = out.stream().filter(f -> f instanceof SpeechSegment).count();
            assertTrue(segments >= 1, "Silero VAD found the synthesized speech: " + out.stream().filter(f -> f instanceof EventFrame).toList());
        }
    }

    @Test
    void speechComesBackOverTheRemoteStreamAsAudio() throws Exception {
        Tools.require("espeak-ng", "espeak-ng");
        try (RemoteServers servers = new RemoteServers(); PipelineEngine engine = PipelineEngine.standalone()) {
            var s = servers.start();
            var m = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{"
                    + "\"endpoint\":\"" + s.address() + "\",\"health_check\":{\"interval_ms\":0},"
                    + "\"manifest\":{\"version\":\"v1\",\"nodes\":[{\"id\":\"tts\",\"node_type\":\"EspeakTTS\"}]}}}]}", "t");
            List<Frame> out = engine.open(m, "remote-tts").run(Multi.createFrom().items((Frame) new TextFrame("Hello from the worker.", 0, 0)))
                    .collect().asList().await().atMost(Duration.ofSeconds(30));
            AudioFrame audio = (AudioFrame) out.stream().filter(f -> f instanceof AudioFrame).findFirst()
                    .orElseThrow(() -> new AssertionError("no audio came back: " + out));
            assertEquals(22050, audio.sampleRate());
            assertTrue(audio.durationMs() > 800, "speech returned as PCM16 over gRPC: " + audio.durationMs());
            assertTrue(out.stream().anyMatch(f -> f instanceof EventFrame e && e.type().equals("latency")));
        }
    }

    @Test
    void badVoiceIsAValidationError() {
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var e = org.junit.jupiter.api.Assertions.assertThrows(dev.remotemedia.manifest.ManifestException.class, () -> engine.parse(
                    "{\"version\":\"v1\",\"nodes\":[{\"id\":\"tts\",\"node_type\":\"EspeakTTS\",\"params\":{\"voice\":\"en; rm -rf /\"}}]}", "t"));
            assertTrue(e.errors().get(0).contains("params.voice: letters, digits"), e.errors().toString());
        }
    }

    @SuppressWarnings("unused")
    private static StreamResponse unused() { return null; }
}
