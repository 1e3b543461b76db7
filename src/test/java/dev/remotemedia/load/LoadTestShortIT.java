package dev.remotemedia.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.Speech;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CI variant of the load test: a few live sessions, ~20 s, one remote SIGKILLed mid-run; nothing lost or duplicated. */
class LoadTestShortIT {
    @Test
    void killingARemoteMidRunLosesAndDuplicatesNothing() throws Exception {
        Path out = Files.createDirectories(Path.of("target/load-test"));
        Speech.Layout speech = Speech.phrases(out, 16000, 1.0, 1.5, 1.5, Speech.THREE);
        Path report = out.resolve("report.json");
        Process p = new ProcessBuilder("bash", "load-tests/run.sh", "--via", "grpc", "--sessions", "4", "--remotes", "2",
                "--duration", "20s", "--kill-remote-after", "7s", "--wav", speech.file().toString(), "--report", report.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("run.log").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "load test finished");
        String log = Files.readString(out.resolve("run.log"));
        assertEquals(0, p.exitValue(), log);
        JsonNode r = Events.JSON.readTree(report.toFile());
        assertEquals(0, r.get("lost").asInt(), log);
        assertEquals(0, r.get("duplicated").asInt(), log);
        assertTrue(r.get("segments_sent").asInt() >= 12, "about 3 segments per session per 10 s: " + r);
        assertEquals(r.get("segments_sent").asInt(), r.get("results").asInt(), "every segment got its result despite the kill");
        assertEquals(r.get("segments_expected").asInt(), r.get("segments_sent").asInt(), "as many segments cut as the audio held: " + r);
        assertTrue(log.contains("fault: SIGKILL remote-0"), log);
    }

    /** The open/close cycle mode: every cycle succeeds and the report splits the growth with the JVM's own accounting. */
    @Test
    void cyclesReportRssGrowthHeapAndTheJvmsShare() throws Exception {
        Path out = Files.createDirectories(Path.of("target/load-test-cycles"));
        Speech.Layout speech = Speech.phrases(out, 16000, 1.0, 1.5, 1.5, Speech.THREE);
        Process p = new ProcessBuilder("bash", "load-tests/run.sh", "--via", "webrtc", "--remotes", "1", "--cycles", "20",
                "--wav", speech.file().toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("run.log").toFile()).start();
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "cycle test finished");
        String log = Files.readString(out.resolve("run.log"));
        assertEquals(0, p.exitValue(), log);
        assertTrue(log.contains("open/close cycles: 20 (+2 warm-up), failures 0"), log);
        assertTrue(log.contains("RSS slope (least squares over"), log);
        assertTrue(log.contains("Java heap used after GC"), log);
        assertTrue(log.contains("of which the JVM's own (native memory tracking, committed)") && log.contains("outside the JVM"), log);
    }
}
