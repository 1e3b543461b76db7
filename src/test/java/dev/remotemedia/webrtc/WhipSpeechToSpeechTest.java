package dev.remotemedia.webrtc;

import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Speech;
import dev.remotemedia.testing.TinyModels;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole product on one machine with models present, as `REMOTEMEDIA_DEV_PIPELINE=whisper-stt-kokoro-tts
 * quarkus dev` runs it: speech over WebRTC → VAD here → gRPC to this app → WhisperSTT → KokoroTTS →
 * transcripts on the events channel and speech back on the server's audio track (generated models).
 */
@QuarkusTest
@TestProfile(WhipSpeechToSpeechTest.WithModels.class)
@QuarkusTestResource(FreeGrpcPort.class)
class WhipSpeechToSpeechTest {
    public static final class WithModels implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                Path root = Files.createTempDirectory("models");
                return Map.of("REMOTEMEDIA_DEV_PIPELINE", "whisper-stt-kokoro-tts",
                        "REMOTEMEDIA_STT_MODEL", TinyModels.whisper(root.resolve("whisper"), TinyModels.ENGLISH).toString(),
                        "REMOTEMEDIA_TTS_MODEL", TinyModels.kokoro(root.resolve("kokoro")).toString(),
                        "remotemedia.models.device", "cpu");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @TestHTTPResource("/whip")
    URL whip;

    @Test
    void transcriptsArriveOnTheEventsChannelAndSpeechOnTheAudioTrack() throws Exception {
        Speech.Layout speech = Speech.phrases(Files.createTempDirectory("whip-sts"), 48000, 1.0, 1.5, 1.5, Speech.THREE);
        try (PeerFactory peers = new PeerFactory(); WhipClient client = new WhipClient(peers.get(), false)) {
            assertEquals(201, client.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)));
            client.stream(speech.samples());
            long deadline = System.currentTimeMillis() + 20_000;
            while ((events(client, "tts").size() < 3 || client.audibleMs() < 500) && System.currentTimeMillis() < deadline) Thread.sleep(100);
            List<EventFrame> transcripts = events(client, "transcript");
            assertEquals(3, transcripts.size(), "one transcript per phrase: " + client.events());
            for (int i = 0; i < 3; i++) {
                assertEquals(i + 1, transcripts.get(i).segment());
                assertEquals(TinyModels.TEXT, transcripts.get(i).fields().path("text").asText());
            }
            assertEquals(3, events(client, "tts").size(), client.events().toString());
            assertTrue(client.audibleMs() >= 500, "TTS audio played on the server's track: " + client.audibleMs() + " ms");
            assertEquals(200, client.delete());
        }
    }

    private static List<EventFrame> events(WhipClient c, String type) {
        return c.events().stream().map(Events::fromLine).filter(e -> e.type().equals(type)).toList();
    }
}
