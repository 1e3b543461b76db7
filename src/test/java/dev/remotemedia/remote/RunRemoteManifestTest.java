package dev.remotemedia.remote;

import dev.remotemedia.cli.CliTestSupport;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.RemoteServers;
import dev.remotemedia.testing.Speech;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `remotemedia run manifests/local-with-remote.json`: real speech, local VAD, AudioStats on a real remote server. */
class RunRemoteManifestTest {
    @TempDir
    Path dir;

    @Test
    void runSendsEachSpeechSegmentToTheRemoteAndPrintsItsResult() throws Exception {
        Speech.Layout speech = Speech.phrases(dir, 16000, 1.0, 1.5, 1.0, Speech.THREE);
        try (RemoteServers servers = new RemoteServers()) {
            var server = servers.start();
            System.setProperty("REMOTEMEDIA_REMOTE", server.address());
            try {
                Path out = dir.resolve("events.jsonl");
                var r = CliTestSupport.cli("run", "manifests/local-with-remote.json", "--input", speech.file().toString(), "--output", out.toString());
                assertEquals(0, r.code(), r.err());
                List<EventFrame> events = Files.readAllLines(out).stream().map(Events::fromLine).toList();
                List<EventFrame> results = events.stream().filter(e -> e.type().equals("result")).toList();
                assertEquals(3, results.size(), "one remote result per phrase: " + events);
                for (int i = 0; i < 3; i++) {
                    var f = results.get(i).fields();
                    assertEquals(i + 1, f.path("segment").asInt());
                    assertEquals(server.address(), f.path("endpoint").asText());
                    long[] phrase = speech.phrasesMs().get(i);
                    assertEquals(phrase[1] - phrase[0], f.path("duration_ms").asDouble(), 300, "the remote measured the whole phrase");
                    assertTrue(f.path("rms_dbfs").asDouble() > -40, f.toString());
                }
                assertEquals(3, events.stream().filter(e -> e.type().equals("latency")).count());
            } finally {
                System.clearProperty("REMOTEMEDIA_REMOTE");
            }
        }
    }
}
