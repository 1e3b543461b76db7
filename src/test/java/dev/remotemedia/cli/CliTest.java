package dev.remotemedia.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.testing.Signals;
import dev.remotemedia.audio.Wav;
import dev.remotemedia.pipeline.Events;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CliTest {
    @TempDir
    Path dir;

    static CliTestSupport.Result cli(String... args) {
        return CliTestSupport.cli(args);
    }

    /**
     * Not a timing test: the benchmark must run end to end and print both sides (a proto change once
     * broke its echo server). In a JVM of its own, as users run it: in this one a Quarkus test may
     * already have installed its context-propagation provider, which standalone Fault Tolerance would set again.
     */
    @Test
    void benchRemoteRunsBothSides() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.remotemedia.Main",
                "bench", "remote", "--rounds", "30").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "bench remote finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("raw grpc-java, same work") && out.contains("RemotePipelineNode") && out.contains("node / raw (same work)"), out);
    }

    /** Not a timing test: the VAD benchmark prints the raw loop, the node, each resampling filter and a live run. */
    @Test
    void benchVadPrintsEachPart() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.remotemedia.Main",
                "bench", "vad", "--seconds", "4", "--sessions", "2", "--live-seconds", "1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "bench vad finished");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("(a) raw ORT loop") && out.contains("(b) SileroVAD node") && out.contains("node / raw (median)"), out);
        assertTrue(out.contains("(d) 48 → 16 kHz, 16 zero crossings") && out.contains("8 zero crossings") && out.contains("← the VAD's"), out);
        assertTrue(out.contains("(c)   2 live sessions"), out);
    }

    /** Not a timing test either: camera frames go through the model in-process and through a worker, and every frame is answered. */
    @Test
    void benchVideoRunsTheBaselineAndTheRemoteHop() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), "dev.remotemedia.Main",
                "bench", "video", "--sessions", "3", "--live-seconds", "1").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "bench video finished");
        assertEquals(0, p.exitValue(), out);
        for (String side : List.of("model in this process", "remote worker, JPEG", "remote worker, raw RGB")) {
            assertTrue(java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(side) + " +[1-9]\\d* frames/s").matcher(out).find(), side + ": " + out);
        }
        assertTrue(java.util.regex.Pattern.compile("3 sessions: +[1-9]\\d* frames +p50").matcher(out).find(), out);
    }

    @Test
    void validateExitsZeroForAValidManifest() throws Exception {
        Path f = Files.writeString(dir.resolve("ok.json"), "{\"version\":\"v1\",\"nodes\":[{\"id\":\"s\",\"node_type\":\"AudioStats\"}]}");
        var r = cli("validate", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("valid (1 node(s))"));
    }

    @Test
    void validateExitsOneAndPrintsEveryError() throws Exception {
        Path f = Files.writeString(dir.resolve("bad.yaml"), "version: v1\nnodes:\n  - id: r\n    node_type: AudioResample\n"
                + "    params: {target_rate: abc, mono: 3}\n");
        var r = cli("validate", f.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("invalid, 2 error(s)"), r.err());
        assertTrue(r.err().contains("nodes[0] (id \"r\").params.target_rate: must be a positive integer, got \"abc\""), r.err());
        assertTrue(r.err().contains("nodes[0] (id \"r\").params.mono: must be true or false, got 3"), r.err());
        assertFalse(r.err().contains("Exception"), "no stack traces for user errors");
    }

    @Test
    void validateExitsTwoOnUsageErrors() {
        assertEquals(2, cli("validate").code());
        assertEquals(2, cli("validate", "--no-such-flag", "x").code());
    }

    @Test
    void missingFileIsAOneLineError() {
        var r = cli("validate", dir.resolve("absent.json").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("cannot read"), r.err());
    }

    @Test
    void nodesJsonListsSchemasWithDefaults() throws Exception {
        var r = cli("nodes", "--json");
        assertEquals(0, r.code());
        JsonNode all = Events.JSON.readTree(r.out());
        JsonNode resample = null;
        for (JsonNode n : all) if (n.get("node_type").asText().equals("AudioResample")) resample = n;
        assertEquals(16000, resample.at("/params/target_rate/default").asInt());
    }

    @Test
    void runStreamsAWavAndPrintsJsonLines() throws Exception {
        float[] tone = Signals.sine(440, 48000, 0.2, 0.5);
        Path wav = dir.resolve("tone.wav");
        Wav.write(wav, tone, 48000, 1);
        Path manifest = Files.writeString(dir.resolve("m.json"), "{\"version\":\"v1\",\"nodes\":["
                + "{\"id\":\"r\",\"node_type\":\"AudioResample\"},"
                + "{\"id\":\"s\",\"node_type\":\"AudioStats\",\"params\":{\"apply_to\":\"audio\",\"pass_through\":false}}]}");
        Path out = dir.resolve("events.jsonl");
        var r = cli("run", manifest.toString(), "--input", wav.toString(), "--output", out.toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.size() >= 9 && lines.size() <= 12, "about 10 frames of 20 ms, got " + lines.size());
        double totalMs = 0;
        for (String line : lines) {
            var e = Events.fromLine(line);
            assertEquals("result", e.type());
            totalMs += e.fields().get("duration_ms").asDouble();
            if (e.fields().get("duration_ms").asDouble() >= 15) assertEquals(-9.03, e.fields().get("rms_dbfs").asDouble(), 0.2);
        }
        assertEquals(200.0, totalMs, 1.0);
    }

    @Test
    void runRejectsABrokenWavWithOneLine() throws Exception {
        Path wav = Files.writeString(dir.resolve("x.wav"), "not audio");
        Path manifest = Files.writeString(dir.resolve("m.json"), "{\"version\":\"v1\",\"nodes\":[{\"id\":\"s\",\"node_type\":\"AudioStats\"}]}");
        var r = cli("run", manifest.toString(), "--input", wav.toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("not a WAV file"), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace without --debug");
    }
}
