package dev.remotemedia.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.Speech;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * The sweep: one run per count, each next to a baseline run with a -D property on the local
     * instance (here: the VAD's silence floor off, which its own counters must show), then the table
     * and the slope per added session.
     */
    @Test
    void sweepPrintsTheSlopeNextToItsBaseline() throws Exception {
        Path out = Files.createDirectories(Path.of("target/load-test-sweep"));
        Speech.Layout speech = Speech.phrases(out, 16000, 1.0, 1.5, 1.5, Speech.THREE);
        Process p = new ProcessBuilder("bash", "load-tests/run.sh", "--via", "webrtc", "--remotes", "1", "--sessions", "1,3",
                "--duration", "12s", "--baseline-property", "remotemedia.vad.score-silence=true", "--wav", speech.file().toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("run.log").toFile()).start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "sweep finished");
        String log = Files.readString(out.resolve("run.log"));
        assertEquals(0, p.exitValue(), log);
        var vad = java.util.regex.Pattern.compile("VAD windows on the local instance: (\\d+) scored, (\\d+) skipped").matcher(log);
        List<long[]> runs = new java.util.ArrayList<>();
        while (vad.find()) runs.add(new long[] {Long.parseLong(vad.group(1)), Long.parseLong(vad.group(2))});
        assertEquals(4, runs.size(), "baseline and current for each of 2 counts: " + log);
        for (int i = 0; i < 4; i++) {
            assertTrue(runs.get(i)[0] > 0, "windows scored in run " + i);
            if (i % 2 == 0) assertEquals(0, runs.get(i)[1], "the baseline scores silence too (the property reached it): " + log);
            else assertTrue(runs.get(i)[1] > 0, "the current configuration skips the pauses: " + log);
        }
        assertTrue(log.matches("(?s).*\\n1 +\\| +[0-9.]+ / .*\\| +[0-9.]+ / .*"), log);
        assertTrue(log.matches("(?s).*\\n3 +\\| +[0-9.]+ / .*\\| +[0-9.]+ / .*"), log);
        assertTrue(log.matches("(?s).*per added session \\(least-squares slope over the counts that shed nothing\\): current -?[0-9.]+ % of a core "
                + "\\(over \\[1, 3\\] sessions\\), baseline -?[0-9.]+ % of a core.*"), log);
    }
}
