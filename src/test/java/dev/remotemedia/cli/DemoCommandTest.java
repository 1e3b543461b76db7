package dev.remotemedia.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static dev.remotemedia.cli.CliTestSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `demo`: each demo's set-up, and a missing model stops it before start-up with the pull command. */
class DemoCommandTest {
    @TempDir
    Path tmp;

    @AfterEach
    void clear() {
        System.clearProperty("remotemedia.models.cache-dir");
    }

    @Test
    void aDemoWhoseModelsAreMissingNamesThePullCommand() {
        System.setProperty("remotemedia.models.cache-dir", tmp.resolve("empty-cache").toString());
        var stt = cli("demo", "stt", "--dry-run");
        assertEquals(1, stt.code(), stt.out());
        assertTrue(stt.err().contains("needs whisper-tiny.en") && stt.err().contains("bin/remotemedia models pull whisper-tiny.en"), stt.err());
        var s2s = cli("demo", "s2s", "--dry-run");
        assertTrue(s2s.err().contains("bin/remotemedia models pull whisper-tiny.en kokoro-v1.0"), s2s.err());
        var unknown = cli("demo", "karaoke");
        assertEquals(1, unknown.code());
        assertTrue(unknown.err().contains("choose vad, stt, s2s or camera"), unknown.err());
    }

    @Test
    void eachDemoServesItselfAsTheRemoteWithItsPipeline() throws Exception {
        System.setProperty("remotemedia.models.cache-dir", tmp.resolve("cache").toString());
        var vad = cli("demo", "vad", "--dry-run", "--port", "9090");
        assertEquals(0, vad.code(), vad.err());
        assertTrue(vad.out().contains("would set remotemedia.grpc.serve=true") && vad.out().contains("would set REMOTEMEDIA_DEV_PIPELINE=stats-segments")
                && vad.out().contains("would set REMOTEMEDIA_REMOTE=localhost:9091") && vad.out().contains("page: http://localhost:9090/"), vad.out());
        for (String model : new String[] {"whisper-tiny.en", "kokoro-v1.0"}) { // as `models pull` leaves them
            Path dir = Files.createDirectories(tmp.resolve("cache").resolve(model));
            Files.writeString(dir.resolve(".complete.json"), "{}");
        }
        var s2s = cli("demo", "s2s", "--dry-run");
        assertEquals(0, s2s.code(), s2s.err());
        assertTrue(s2s.out().contains("REMOTEMEDIA_DEV_PIPELINE=whisper-stt-kokoro-tts") && s2s.out().contains("warmup-pipelines=whisper-stt-kokoro-tts"), s2s.out());
        for (String pipeline : new String[] {"stats-segments", "whisper-stt", "whisper-stt-kokoro-tts"}) {
            assertTrue(Files.isRegularFile(Path.of("manifests", pipeline + ".json")), "the demo's pipeline exists: " + pipeline);
        }
    }

    @Test
    void theCameraDemoGeneratesItsModelAndAManifestThatValidates() throws Exception {
        System.setProperty("remotemedia.models.cache-dir", tmp.resolve("cache").toString());
        var camera = cli("demo", "camera", "--dry-run", "--port", "9190");
        assertEquals(0, camera.code(), camera.err());
        Path manifest = tmp.resolve("cache").resolve("generated").resolve("camera-demo.json");
        assertTrue(camera.out().contains("would set remotemedia.webrtc.manifest=" + manifest), camera.out());
        assertTrue(Files.size(tmp.resolve("cache").resolve("generated").resolve("mean-colour.onnx")) > 100, "the model is generated, not downloaded");
        assertTrue(Files.readString(manifest).contains("localhost:9191"), "the remote is this same process");
        var deep = cli("validate", "--deep", manifest.toString());
        assertEquals(0, deep.code(), "the demo's pipeline builds, model included: " + deep.err());
    }
}
