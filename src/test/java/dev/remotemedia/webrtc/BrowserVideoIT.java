package dev.remotemedia.webrtc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.onnx.ColourModel;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.Speech;
import dev.remotemedia.testing.Tools;
import dev.remotemedia.video.I420;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The camera, end to end, with nothing faked but the devices: Chromium's fake camera plays a y4m
 * this test writes (solid colours, one second each, in a known order) and its fake microphone
 * plays speech; the page publishes both over WHIP; the local instance samples 2 frames per second
 * (VideoSample) and sends them, with the speech segments, to a generated colour model on one of two
 * gpu-role workers (priority order). The worker serving frames is SIGKILLed midway: later frames
 * are served by the other, no frame reports an error, every frame sent is answered once.
 */
class BrowserVideoIT {
    static final int WIDTH = 320, HEIGHT = 240, FPS = 10, FRAMES_PER_COLOUR = 10;

    @Test
    void cameraFramesAreNamedByARemoteModelInOrderAcrossAWorkerKill() throws Exception {
        Path jar = Tools.requireBrowserTest();
        Path out = Files.createDirectories(Path.of("target/e2e-video")).toAbsolutePath();
        Path y4m = colours(out.resolve("colours.y4m"));
        Speech.Layout speech = Speech.phrases(out, 48000, 1.0, 1.5, 2.0, Speech.THREE);
        Path model = ColourModel.write(out.resolve("colour.onnx"));
        Path manifest = Files.writeString(out.resolve("camera.json"), manifest(model));

        Process p = new ProcessBuilder("bash", "src/test/browser/run-video-e2e.sh", jar.toAbsolutePath().toString(),
                speech.file().toAbsolutePath().toString(), y4m.toString(), manifest.toString(), out.toString())
                .redirectErrorStream(true).redirectOutput(out.resolve("video-e2e.log").toFile()).start();
        boolean finished = p.waitFor(180, TimeUnit.SECONDS);
        if (!finished) p.destroyForcibly();
        String log = Files.readString(out.resolve("video-e2e.log"));
        assertTrue(finished, "the browser test did not finish in 180 s:\n" + log);
        assertEquals(0, p.exitValue(), "browser test failed:\n" + log + "\nlogs in " + out);

        JsonNode result = Events.JSON.readTree(out.resolve("video-result.json").toFile());
        assertTrue(result.get("previewShown").asBoolean(), "the page shows the camera preview");
        assertTrue(result.get("overlayDrawn").asBoolean(), "and the latest labels over it");
        assertEquals(0, result.get("errors").size(), "no frame failed, the kill included: " + result.get("errors"));
        List<JsonNode> frames = new ArrayList<>();
        result.get("inferences").forEach(frames::add);
        int beforeKill = result.get("beforeKill").asInt();

        // every frame answered once, in order (frames the sampler dropped while busy leave gaps)
        for (int i = 1; i < frames.size(); i++) {
            assertTrue(frames.get(i).get("frame").asInt() > frames.get(i - 1).get("frame").asInt(), "frame results in order, once each: " + frames);
        }
        // the colours come in the video's order: each change steps to the next colour (a skipped
        // colour is allowed only across the failover pause)
        List<String> order = ColourModel.LABELS;
        List<String> seen = new ArrayList<>();
        for (JsonNode f : frames) {
            String label = f.get("labels").get(0).asText();
            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(label)) seen.add(label);
        }
        int skips = 0;
        for (int i = 1; i < seen.size(); i++) {
            int step = Math.floorMod(order.indexOf(seen.get(i)) - order.indexOf(seen.get(i - 1)), order.size());
            assertTrue(step >= 1 && step <= 2, "colour changes follow the video: " + seen);
            if (step == 2) skips++;
        }
        assertTrue(skips <= 1, "at most one colour missed (during the failover): " + seen);
        assertTrue(seen.stream().distinct().count() == order.size(), "every colour of the video was named: " + seen);

        // failover: the frames after the kill were served by the other worker
        Map<String, Integer> before = servedBy(frames.subList(0, beforeKill)), after = servedBy(frames.subList(beforeKill + 4, frames.size()));
        assertEquals(Map.of("127.0.0.1:50061", beforeKill), before, "priority: the first worker served everything while it was up");
        assertEquals(Map.of("127.0.0.1:50062", frames.size() - beforeKill - 4), after, "then the second took over");
        String metrics = Files.readString(out.resolve("metrics.txt"));
        assertTrue(metrics.contains("remotemedia_video_frames_total{outcome=\"received\"}"), "video frames are counted in /q/metrics");
        System.out.printf("camera e2e: %d frame results; the first frame after the kill took %d ms (failover), the others median %d ms; colours %s%n",
                frames.size(), frames.get(beforeKill).path("latencyMs").asLong(), frames.stream().mapToLong(f -> f.path("latencyMs").asLong()).sorted().toArray()[frames.size() / 2], seen);
    }

    private static Map<String, Integer> servedBy(List<JsonNode> frames) {
        Map<String, Integer> by = new HashMap<>();
        for (JsonNode f : frames) by.merge(f.get("endpoint").asText(), 1, Integer::sum);
        return by;
    }

    private static String manifest(Path model) throws IOException {
        String remote = "{\"version\":\"v1\",\"nodes\":["
                + "{\"id\":\"stats\",\"node_type\":\"AudioStats\",\"params\":{\"apply_to\":\"segment\"}},"
                + "{\"id\":\"colour\",\"node_type\":\"OnnxModel\",\"params\":{\"model\":\"" + model + "\","
                + "\"inputs\":[{\"name\":\"image\",\"from\":\"image\",\"width\":64,\"height\":48}],"
                + "\"outputs\":[{\"name\":\"colour\",\"as\":\"classes\",\"labels\":" + Events.JSON.writeValueAsString(ColourModel.LABELS) + ",\"top_k\":1}],"
                + "\"pass_through\":false}}]}";
        return "{\"version\":\"v1\",\"nodes\":["
                + "{\"id\":\"vad\",\"node_type\":\"SileroVAD\",\"params\":{\"min_silence_duration_ms\":300}},"
                + "{\"id\":\"camera\",\"node_type\":\"VideoSample\",\"params\":{\"fps\":2,\"max_width\":160,\"max_height\":120}},"
                + "{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{\"endpoints\":[\"127.0.0.1:50061\",\"127.0.0.1:50062\"],"
                + "\"load_balance_strategy\":\"priority\",\"timeout_ms\":5000,\"retry\":{\"max_retries\":3,\"backoff_ms\":100},"
                + "\"health_check\":{\"interval_ms\":500,\"timeout_ms\":1000},\"manifest\":" + remote + "}}]}";
    }

    /** A y4m (4:2:0) cycling through the colour model's colours, one second each. */
    static Path colours(Path file) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(("YUV4MPEG2 W" + WIDTH + " H" + HEIGHT + " F" + FPS + ":1 Ip A1:1 C420jpeg\n").getBytes(StandardCharsets.US_ASCII));
            for (int[] rgb : ColourModel.RGB) {
                int[] yuv = I420.yuv(rgb[0], rgb[1], rgb[2]);
                byte[] frame = new byte[WIDTH * HEIGHT * 3 / 2];
                java.util.Arrays.fill(frame, 0, WIDTH * HEIGHT, (byte) yuv[0]);
                java.util.Arrays.fill(frame, WIDTH * HEIGHT, WIDTH * HEIGHT * 5 / 4, (byte) yuv[1]);
                java.util.Arrays.fill(frame, WIDTH * HEIGHT * 5 / 4, frame.length, (byte) yuv[2]);
                for (int i = 0; i < FRAMES_PER_COLOUR; i++) {
                    out.write("FRAME\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(frame);
                }
            }
        }
        return file;
    }
}
