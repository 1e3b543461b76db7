package dev.remotemedia.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.Speech;
import dev.remotemedia.testing.TinyModels;
import dev.remotemedia.testing.Tools;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real browser, real page, real WebRTC: Debian's chromium (driven by playwright-core) with a fake
 * microphone playing generated speech, the packaged server in a private network namespace, the
 * dev-local pipeline (VAD here; Whisper and Kokoro on generated models on this same app over gRPC).
 * Saves target/e2e/page.png (the README's screenshot).
 */
class BrowserEndToEndIT {
    @Test
    void pageShowsUtterancesWithRemoteResults() throws Exception {
        Path jar = Tools.requireBrowserTest();
        Path out = Files.createDirectories(Path.of("target/e2e"));
        Speech.Layout speech = Speech.phrases(out, 48000, 1.0, 1.5, 2.0, Speech.THREE);
        // speech to speech on generated models (Whisper says TinyModels.TEXT; Kokoro speaks it back)
        Path models = Files.createTempDirectory("e2e-models");
        ProcessBuilder pb = new ProcessBuilder("bash", "src/test/browser/run-e2e.sh", jar.toAbsolutePath().toString(),
                speech.file().toAbsolutePath().toString(), out.toAbsolutePath().toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("e2e.log").toFile());
        pb.environment().put("REMOTEMEDIA_DEV_PIPELINE", "whisper-stt-kokoro-tts");
        pb.environment().put("REMOTEMEDIA_STT_MODEL", TinyModels.whisper(models.resolve("whisper"), TinyModels.ENGLISH).toString());
        pb.environment().put("REMOTEMEDIA_TTS_MODEL", TinyModels.kokoro(models.resolve("kokoro")).toString());
        pb.environment().put("REMOTEMEDIA_MODELS_DEVICE", "cpu");
        Process p = pb.start();
        boolean finished = p.waitFor(150, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly();
        String log = Files.readString(out.resolve("e2e.log"));
        assertTrue(finished, "the browser test did not finish in 150 s:\n" + log);
        assertEquals(0, p.exitValue(), "browser test failed:\n" + log + "\nserver log: " + out.resolve("server.log"));
        JsonNode result = Events.JSON.readTree(out.resolve("e2e-result.json").toFile());
        assertEquals("connected", result.get("state").asText());
        assertTrue(result.get("rows").size() >= 3, result.toString());
        assertEquals(200, result.get("restart").asInt(), "the page's ICE restart (PATCH) was answered: " + result);
        assertTrue(result.get("rows").size() >= result.get("rowsAtRestart").asInt() + 2, "utterances kept coming after the restart: " + result);
        for (JsonNode row : result.get("rows")) {
            assertTrue(row.get(2).asText().startsWith(TinyModels.TEXT), "each utterance shows its transcript: " + row);
            assertTrue(row.get(3).asText().matches("\\d+ ms.*"), "and its latency: " + row);
            assertTrue(row.get(4).asText().contains("localhost:"), "and who served it: " + row);
        }
        assertTrue(result.get("waterfalls").asInt() >= 3, "a latency waterfall per utterance: " + result);
        assertTrue(result.get("reply").asText().contains(TinyModels.TEXT), "the spoken reply with its text: " + result.get("reply"));
        assertTrue(result.get("endpoints").toString().contains("ACTIVE") && result.get("endpoints").toString().contains("CLOSED"),
                "the endpoint table from /status: " + result.get("endpoints"));
        assertTrue(result.get("pipelines").toString().contains("whisper-stt"), "the pipeline picker lists the allow-list: " + result.get("pipelines"));
        assertTrue(result.get("level").asDouble() > -40, "the input meter saw the speech (peak dBFS): " + result.get("level"));
        assertTrue(Files.size(out.resolve("page.png")) > 1000, "screenshot saved");
    }
}
