package dev.remotemedia.remote;

import dev.remotemedia.onnx.ColourModel;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.testing.RemoteServers;
import io.smallrye.mutiny.operators.multi.processors.UnicastProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Camera frames through RemotePipelineNode to real gRPC workers running a generated colour model:
 * one answer per frame, in order, under the same failover and exactly-once rules as speech
 * segments (a worker killed mid-stream loses nothing), as JPEG and as raw RGB.
 */
class RemoteVideoTest {
    final RemoteServers servers = new RemoteServers();
    @TempDir
    Path tmp;

    @AfterEach
    void stop() {
        servers.close();
    }

    private static ImageFrame solid(int id, int[] rgb) {
        byte[] b = new byte[48 * 32 * 3];
        for (int i = 0; i < 48 * 32; i++) for (int c = 0; c < 3; c++) b[i * 3 + c] = (byte) rgb[c];
        return new ImageFrame(id, 48, 32, b, id * 500L);
    }

    private List<Frame> run(String format, RemoteServers.Instance a, RemoteServers.Instance b, int frames, int killAfter) throws Exception {
        Path model = ColourModel.write(tmp.resolve("colour-" + format + ".onnx"));
        String remote = "{\"version\":\"v1\",\"nodes\":[{\"id\":\"colour\",\"node_type\":\"OnnxModel\",\"params\":{\"model\":\"" + model + "\","
                + "\"inputs\":[{\"name\":\"image\",\"from\":\"image\",\"width\":16,\"height\":16}],"
                + "\"outputs\":[{\"name\":\"colour\",\"as\":\"classes\",\"labels\":" + Events.JSON.writeValueAsString(ColourModel.LABELS) + ",\"top_k\":1}],"
                + "\"pass_through\":false}}]}";
        List<Frame> out = new CopyOnWriteArrayList<>();
        try (PipelineEngine engine = PipelineEngine.standalone()) {
            var manifest = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"remote\",\"node_type\":\"RemotePipelineNode\",\"params\":{"
                    + "\"endpoints\":[\"" + a.address() + "\",\"" + b.address() + "\"],\"image_format\":\"" + format + "\",\"timeout_ms\":2000,"
                    + "\"retry\":{\"max_retries\":3,\"backoff_ms\":50},\"health_check\":{\"interval_ms\":0},\"manifest\":" + remote + "}}]}", "test");
            UnicastProcessor<Frame> input = UnicastProcessor.create();
            var ended = new java.util.concurrent.CountDownLatch(1);
            engine.open(manifest, "camera").run(input).subscribe().with(out::add, e -> ended.countDown(), ended::countDown);
            for (int i = 1; i <= frames; i++) {
                input.onNext(solid(i, ColourModel.RGB[i % ColourModel.RGB.length]));
                RemoteHarness.sleep(15);
                if (i == killAfter) a.kill();
            }
            RemoteHarness.eventually(20_000, "every frame answered", () -> inferences(out).size() + errors(out).size() >= frames);
            input.onComplete();
            assertTrue(ended.await(10, java.util.concurrent.TimeUnit.SECONDS), "the session ends before its engine closes");
        }
        return out;
    }

    private static List<EventFrame> inferences(List<Frame> out) {
        return out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("inference")).map(f -> (EventFrame) f).toList();
    }

    private static List<EventFrame> errors(List<Frame> out) {
        return out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("error")).map(f -> (EventFrame) f).toList();
    }

    private static void assertOneAnswerPerFrameInOrder(List<Frame> out, int frames) {
        assertEquals(List.of(), errors(out), "no frame failed");
        List<EventFrame> results = inferences(out);
        assertEquals(frames, results.size(), "one inference per frame, none twice");
        for (int i = 0; i < frames; i++) {
            EventFrame e = results.get(i);
            assertEquals(i + 1, e.frame(), "in order");
            assertEquals(ColourModel.LABELS.get((i + 1) % ColourModel.LABELS.size()), e.fields().path("outputs").path("colour").get(0).path("label").asText(),
                    "frame " + (i + 1) + " named right: " + e.fields());
        }
        long latencies = out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("latency") && e.frame() > 0).count();
        assertEquals(frames, latencies, "a latency event per frame, naming it");
    }

    @Test
    void framesFailOverWhenTheirWorkerIsKilledAndEachIsAnsweredOnce() throws Exception {
        var a = servers.start();
        var b = servers.start();
        List<Frame> out = run("jpeg", a, b, 40, 15);
        assertOneAnswerPerFrameInOrder(out, 40);
        Map<String, Integer> after = new HashMap<>();
        inferences(out).stream().filter(e -> e.frame() > 20).forEach(e -> after.merge(e.fields().path("endpoint").asText(), 1, Integer::sum));
        assertEquals(Map.of(b.address(), 20), after, "after the kill the other worker served every frame");
        assertTrue(out.stream().anyMatch(f -> f instanceof EventFrame e && e.type().equals("failover")), "the failover was reported");
        assertTrue(b.handler().describe("test").getLoadedModelsList().stream().anyMatch(m -> m.startsWith("onnx:") && m.contains("colour-jpeg.onnx")),
                "Describe lists the user model: " + b.handler().describe("test").getLoadedModelsList());
    }

    @Test
    void rawRgbFramesArriveExactly() throws Exception {
        var a = servers.start();
        var b = servers.start();
        assertOneAnswerPerFrameInOrder(run("rgb", a, b, 12, -1), 12);
    }
}
