package dev.remotemedia.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.onnx.OnnxGraph;
import dev.remotemedia.onnx.OnnxGraph.Attr;
import dev.remotemedia.testing.Signals;
import dev.remotemedia.testing.TinyModels;
import io.smallrye.mutiny.Multi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The generic `OnnxModel` node on models this test generates (a classifier, an embedding, an
 * audio-to-audio model), on the vendored Silero VAD model (a real model with recurrent state),
 * and a manifest that does not fit its model: every mismatch named.
 */
class OnnxModelNodeTest {
    @TempDir
    Path tmp;
    final PipelineEngine engine = PipelineEngine.standalone();

    @AfterEach
    void close() {
        engine.close();
    }

    /** "audio" [1, N] → scores [1, 3] = (mean, max, -mean): a tone's top class is "max". */
    private Path classifier() throws Exception {
        OnnxGraph g = new OnnxGraph("tiny-classifier");
        g.input("audio", OnnxGraph.FLOAT, 1, "n");
        g.output("scores", OnnxGraph.FLOAT, 1, 3);
        g.output("embedding", OnnxGraph.FLOAT, 1, 4);
        g.output("louder", OnnxGraph.FLOAT, 1, "n");
        String mean = g.op("ReduceMean", List.of("audio"), Attr.ints("axes", 1), Attr.i("keepdims", 1));
        String max = g.op("ReduceMax", List.of("audio"), Attr.ints("axes", 1), Attr.i("keepdims", 1));
        String neg = g.op("Neg", List.of(mean));
        g.op("Concat", List.of(mean, max, neg), List.of("scores"), Attr.i("axis", 1));
        g.op("Slice", List.of("audio", g.longs(new long[]{1}, 0), g.longs(new long[]{1}, 4), g.longs(new long[]{1}, 1)), List.of("embedding"));
        g.op("Mul", List.of("audio", g.floats(new long[]{1}, 2f)), List.of("louder"));
        return Files.write(tmp.resolve("classifier.onnx"), g.build());
    }

    private List<Frame> run(String params, Frame... input) {
        var manifest = engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"m\",\"node_type\":\"OnnxModel\",\"params\":" + params + "}]}", "test");
        return engine.open(manifest, "s").run(Multi.createFrom().items(input)).collect().asList().await().atMost(Duration.ofSeconds(30));
    }

    private static JsonNode outputs(List<Frame> out) {
        return out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("inference")).map(f -> ((EventFrame) f).fields())
                .findFirst().orElseThrow(() -> new AssertionError("no inference event: " + out)).path("outputs");
    }

    @Test
    void classesEmbeddingRawAndAudioFromAGeneratedModel() throws Exception {
        Path model = classifier();
        float[] tone = Signals.sine(440, 16000, 0.5, 0.5);
        var segment = new SpeechSegment(1, 0, 500, new AudioFrame(tone, 16000, 1, 0));
        List<Frame> out = run("{\"model\":\"" + model + "\",\"inputs\":[{\"name\":\"audio\",\"from\":\"audio\",\"rate\":16000}],"
                + "\"outputs\":[{\"name\":\"scores\",\"as\":\"classes\",\"labels\":[\"mean\",\"max\",\"neg\"],\"top_k\":2},"
                + "{\"name\":\"embedding\",\"as\":\"embedding\"},{\"name\":\"scores\",\"as\":\"raw\"},"
                + "{\"name\":\"louder\",\"as\":\"audio\",\"rate\":16000}],\"pass_through\":false}", segment);
        JsonNode o = outputs(out);
        assertEquals("max", o.path("scores").get(0).path("label").asText(), o.toString());
        assertEquals(2, o.path("scores").size(), "top_k");
        double norm = 0;
        for (JsonNode v : o.path("embedding").path("vector")) norm += v.asDouble() * v.asDouble();
        assertEquals(1.0, norm, 1e-4, "L2-normalised: " + o.path("embedding"));
        assertEquals(4, o.path("embedding").path("dim").asInt());
        var audio = out.stream().filter(f -> f instanceof AudioFrame).map(f -> (AudioFrame) f).findFirst().orElseThrow();
        assertEquals(tone.length, audio.samples().length);
        assertEquals(2 * tone[100], audio.samples()[100], 1e-5, "the model's audio goes downstream");
        var event = out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("inference")).map(f -> (EventFrame) f).findFirst().orElseThrow();
        assertEquals(1, event.fields().path("segment").asInt());

        Path labels = Files.writeString(tmp.resolve("labels.txt"), "quiet\nloudest\n\ninverted\n");
        JsonNode fromFile = outputs(run("{\"model\":\"" + model + "\",\"inputs\":[{\"name\":\"audio\",\"from\":\"audio\"}],"
                + "\"outputs\":[{\"name\":\"scores\",\"as\":\"classes\",\"labels_file\":\"" + labels + "\",\"top_k\":1}]}", segment));
        assertEquals("loudest", fromFile.path("scores").get(0).path("label").asText(), "labels read from a file: " + fromFile);
    }

    @Test
    void aManifestThatDoesNotFitItsModelNamesEveryMismatch() throws Exception {
        Path model = classifier();
        var e = assertThrows(PipelineException.class, () -> run("{\"model\":\"" + model + "\",\"inputs\":["
                + "{\"name\":\"wave\",\"from\":\"audio\"},{\"name\":\"audio\",\"from\":\"constant\",\"type\":\"int64\",\"shape\":[1,2],\"value\":[1]}],"
                + "\"outputs\":[{\"name\":\"scores\",\"as\":\"classes\",\"labels\":[\"a\",\"b\"]},{\"name\":\"nope\"}]}",
                new AudioFrame(new float[160], 16000, 1, 0)));
        String m = e.getMessage();
        assertTrue(m.contains("inputs[0].name: the model has no input \"wave\" (it has \"audio\" float[1, -1])"), m);
        assertTrue(m.contains("inputs[1].type: \"audio\" takes float, the manifest gives int64"), m);
        assertTrue(m.contains("inputs[1].value: 1 numbers for shape [1, 2]"), m);
        assertTrue(m.contains("outputs[0].labels: 2 labels, but \"scores\" has 3 classes"), m);
        assertTrue(m.contains("outputs[1].name: the model has no output \"nope\""), m);
        var bad = assertThrows(Exception.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"m\",\"node_type\":\"OnnxModel\",\"params\":"
                + "{\"model\":\"x.onnx\",\"inputs\":[{\"name\":\"a\",\"from\":\"video\"}],\"outputs\":[{\"name\":\"b\",\"as\":\"polygons\"}]}}]}", "test"));
        assertTrue(bad.getMessage().contains("inputs[0].from") && bad.getMessage().contains("outputs[0].as"), "the validator catches what it can without the model: " + bad.getMessage());
    }

    @Test
    void theVendoredSileroModelRunsThroughTheGenericNodeWithItsState() throws Exception {
        Path silero = Files.createTempFile(tmp, "silero", ".onnx");
        try (var in = getClass().getResourceAsStream("/" + dev.remotemedia.vad.SileroModel.BUNDLED)) {
            if (in == null) throw new AssertionError("the vendored Silero model is not on the class path");
            Files.copy(in, silero, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        String params = "{\"model\":\"" + silero + "\",\"apply_to\":\"audio\",\"pass_through\":false,\"inputs\":["
                + "{\"name\":\"input\",\"from\":\"audio\",\"rate\":16000,\"shape\":[1,-1]},"
                + "{\"name\":\"state\",\"from\":\"state\",\"shape\":[2,1,128],\"state_from\":\"stateN\"},"
                + "{\"name\":\"sr\",\"from\":\"constant\",\"type\":\"int64\",\"shape\":[],\"value\":[16000]}],"
                + "\"outputs\":[{\"name\":\"output\",\"as\":\"raw\"}]}";
        // 576-sample windows (64 context + 512): silence, then a voiced tone burst, then silence
        float[] speechLike = Signals.sine(220, 16000, 2.0, 0.6);
        Frame[] frames = new Frame[24];
        for (int i = 0; i < frames.length; i++) {
            float[] w = new float[576];
            if (i >= 8 && i < 16) System.arraycopy(speechLike, i * 512, w, 0, 576);
            frames[i] = new AudioFrame(w, 16000, 1, i * 32L);
        }
        List<Frame> out = run(params, frames);
        List<Double> probs = out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("inference"))
                .map(f -> ((EventFrame) f).fields().path("outputs").path("output").path("values").get(0).asDouble()).toList();
        assertEquals(24, probs.size(), "one inference per window, in order");
        for (double p : probs) assertTrue(p >= 0 && p <= 1, "a probability: " + probs);
        assertTrue(probs.subList(0, 8).stream().allMatch(p -> p < 0.2), "silence scores low: " + probs);
        assertTrue(probs.subList(8, 12).stream().allMatch(p -> p > 0.5), "the voiced burst scores high: " + probs);
        assertTrue(probs.subList(17, 24).stream().allMatch(p -> p < 0.2), "and silence low again, the state carried through: " + probs);
    }

    @Test
    void validateDeepLoadsTheModelAndNamesTheMismatch() throws Exception {
        Path model = classifier();
        Path manifest = Files.writeString(tmp.resolve("sound.json"), "{\"version\":\"v1\",\"nodes\":[{\"id\":\"sound\",\"node_type\":\"OnnxModel\","
                + "\"params\":{\"model\":\"" + model + "\",\"inputs\":[{\"name\":\"wave\",\"from\":\"audio\"}],"
                + "\"outputs\":[{\"name\":\"scores\",\"as\":\"classes\"}]}}]}");
        var shallow = dev.remotemedia.cli.CliTestSupport.cli("validate", manifest.toString());
        assertEquals(0, shallow.code(), "the manifest alone is well-formed: " + shallow.err());
        var deep = dev.remotemedia.cli.CliTestSupport.cli("validate", "--deep", manifest.toString());
        assertEquals(1, deep.code(), deep.out());
        assertTrue(deep.err().contains("the model has no input \"wave\"") && deep.err().contains("inputs: the model's input \"audio\""), deep.err());
    }

    private static ImageFrame solid(int id, int r, int g, int b, int w, int h) {
        byte[] rgb = new byte[w * h * 3];
        for (int i = 0; i < w * h; i++) {
            rgb[i * 3] = (byte) r;
            rgb[i * 3 + 1] = (byte) g;
            rgb[i * 3 + 2] = (byte) b;
        }
        return new ImageFrame(id, w, h, rgb, id * 500L);
    }

    @Test
    void anImageClassifierNamesEachFramesColour() throws Exception {
        Path model = ColourModel.write(tmp.resolve("colour.onnx"));
        String params = "{\"model\":\"" + model + "\",\"inputs\":[{\"name\":\"image\",\"from\":\"image\",\"width\":32,\"height\":24}],"
                + "\"outputs\":[{\"name\":\"colour\",\"as\":\"classes\",\"labels\":" + Events.JSON.writeValueAsString(ColourModel.LABELS) + ",\"top_k\":1},"
                + "{\"name\":\"rgb\",\"as\":\"raw\"}],\"pass_through\":false}";
        List<Frame> out = run(params, solid(1, 250, 10, 5, 64, 48), solid(2, 0, 0, 255, 100, 30), solid(3, 255, 255, 0, 8, 8), solid(4, 20, 20, 20, 640, 480));
        List<EventFrame> events = out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("inference")).map(f -> (EventFrame) f).toList();
        assertEquals(List.of("red", "blue", "yellow", "black"), events.stream().map(e -> e.fields().path("outputs").path("colour").get(0).path("label").asText()).toList());
        assertEquals(List.of(1, 2, 3, 4), events.stream().map(EventFrame::frame).toList(), "each event names its frame");
        JsonNode rgb = events.get(0).fields().path("outputs").path("rgb").path("values");
        assertEquals(250 / 255.0, rgb.get(0).asDouble(), 1e-3, "scaled by 1/255: " + rgb);
        assertEquals(5 / 255.0, rgb.get(2).asDouble(), 1e-3, rgb.toString());

        // NHWC, BGR and mean/std: a model expecting [1, 3, h, w] refuses the NHWC layout, naming the field
        var e = assertThrows(PipelineException.class, () -> run(params.replace("\"height\":24}", "\"height\":24,\"layout\":\"NHWC\"}"), solid(1, 0, 0, 0, 8, 8)));
        assertTrue(e.getMessage().contains("inputs[0].shape[1] (layout NHWC, 32x24): 24, but \"image\" is [1, 3, -1, -1]"), e.getMessage());
        // BGR swaps red and blue before the model sees them; mean/std apply per channel
        List<Frame> bgr = run(params.replace("\"height\":24}", "\"height\":24,\"channels\":\"BGR\",\"mean\":[0,0,0.5],\"std\":[1,1,0.5]}"), solid(1, 255, 0, 0, 8, 8));
        JsonNode swapped = outputs(bgr).path("rgb").path("values");
        assertEquals(0.0, swapped.get(0).asDouble(), 1e-4, "blue channel (0) first: " + swapped);
        assertEquals(1.0, swapped.get(2).asDouble(), 1e-4, "red last, (1 - 0.5) / 0.5: " + swapped);
    }

    /** "image" [1, 3, 32, 32] → "detections" [1, 3, 6]: three fixed boxes, two classes scored by the mean red. */
    private Path detector() throws Exception {
        OnnxGraph g = new OnnxGraph("tiny-detector");
        g.input("image", OnnxGraph.FLOAT, 1, 3, 32, 32);
        g.output("detections", OnnxGraph.FLOAT, 1, 3, 6);
        String rgb = g.op("ReduceMean", List.of("image"), Attr.ints("axes", 2, 3), Attr.i("keepdims", 0)); // [1, 3]
        String red = g.op("Slice", List.of(rgb, g.longs(new long[]{1}, 0), g.longs(new long[]{1}, 1), g.longs(new long[]{1}, 1))); // [1, 1]
        String red3 = g.op("Unsqueeze", List.of(red, g.longs(new long[]{1}, 2))); // [1, 1, 1]
        String scores = g.op("Mul", List.of(red3, g.floats(new long[]{1, 3, 2}, 0.9f, 0.1f, 0.8f, 0.05f, 0.3f, 0.7f)));
        // xyxy in pixels of the 32×32 input: boxes 0 and 1 overlap (IoU 0.68), box 2 is elsewhere
        String boxes = g.floats(new long[]{1, 3, 4}, 0, 0, 16, 16, 2, 2, 17, 17, 16, 8, 32, 24);
        g.op("Concat", List.of(boxes, scores), List.of("detections"), Attr.i("axis", 2));
        return Files.write(tmp.resolve("detector.onnx"), g.build());
    }

    @Test
    void aDetectorsBoxesAreThresholdedAndSuppressed() throws Exception {
        Path model = detector();
        String params = "{\"model\":\"" + model + "\",\"inputs\":[{\"name\":\"image\",\"from\":\"image\",\"width\":32,\"height\":32}],"
                + "\"outputs\":[{\"name\":\"detections\",\"as\":\"boxes\",\"labels\":[\"cat\",\"dog\"],\"score_threshold\":0.5,\"iou_threshold\":0.45}]}";
        JsonNode boxes = outputs(run(params, solid(1, 255, 255, 255, 64, 64))).path("detections");
        assertEquals(2, boxes.size(), "box 1 is suppressed by box 0 (same class, IoU 0.68): " + boxes);
        assertEquals("cat", boxes.get(0).path("label").asText());
        assertEquals(0.9, boxes.get(0).path("score").asDouble(), 1e-4);
        assertEquals("[0.0,0.0,0.5,0.5]", boxes.get(0).path("box").toString(), "normalised by the input size");
        assertEquals("dog", boxes.get(1).path("label").asText());
        assertEquals("[0.5,0.25,1.0,0.75]", boxes.get(1).path("box").toString());
        assertEquals(0, outputs(run(params, solid(2, 0, 0, 0, 32, 32))).path("detections").size(), "nothing above the threshold on black");
        JsonNode loose = outputs(run(params.replace("\"iou_threshold\":0.45", "\"iou_threshold\":0.9"), solid(3, 255, 0, 0, 32, 32))).path("detections");
        assertEquals(3, loose.size(), "IoU 0.68 < 0.9: both overlapping boxes kept: " + loose);

        var e = assertThrows(PipelineException.class, () -> run(params.replace("[\"cat\",\"dog\"]", "[\"cat\",\"dog\",\"bird\"]")
                .replace("\"as\":\"boxes\"", "\"as\":\"boxes\",\"transpose\":true"), solid(1, 0, 0, 0, 8, 8)));
        assertTrue(e.getMessage().contains("outputs[0].transpose: \"detections\" [1, 3, 6] has 3 values per box"), e.getMessage());
    }

    @Test
    void aTextModelGetsTokenIdsFromATokenizerJson() throws Exception {
        Path tokenizer = TinyModels.whisper(tmp.resolve("w"), TinyModels.ENGLISH).resolve("tokenizer.json");
        OnnxGraph g = new OnnxGraph("tiny-text");
        g.input("input_ids", OnnxGraph.INT64, 1, "n");
        g.input("attention_mask", OnnxGraph.INT64, 1, "n");
        g.output("ids", OnnxGraph.FLOAT, 1, "n");
        g.output("length", OnnxGraph.FLOAT, 1, 1);
        g.op("Cast", List.of("input_ids"), List.of("ids"), Attr.i("to", OnnxGraph.FLOAT));
        String mask = g.op("Cast", List.of("attention_mask"), Attr.i("to", OnnxGraph.FLOAT));
        g.op("ReduceSum", List.of(mask, g.longs(new long[]{1}, 1)), List.of("length"), Attr.i("keepdims", 1));
        Path model = Files.write(tmp.resolve("text.onnx"), g.build());
        List<Frame> out = run("{\"model\":\"" + model + "\",\"inputs\":[{\"name\":\"input_ids\",\"from\":\"text\",\"tokenizer\":\"" + tokenizer + "\"},"
                + "{\"name\":\"attention_mask\",\"from\":\"text_mask\"}],\"outputs\":[{\"name\":\"ids\"},{\"name\":\"length\"}]}",
                new dev.remotemedia.pipeline.TextFrame(TinyModels.TEXT, 7, 100));
        long[] expected = dev.remotemedia.inference.Tokenizers.open(tokenizer).encode(TinyModels.TEXT).getIds();
        JsonNode o = outputs(out);
        assertTrue(expected.length > 2, "the tokenizer splits the text");
        assertEquals(expected.length, o.path("length").path("values").get(0).asInt(), "a mask of ones, one per token: " + o);
        for (int i = 0; i < expected.length; i++) assertEquals(expected[i], o.path("ids").path("values").get(i).asLong(), "token " + i + ": " + o);
        assertEquals(7, out.stream().filter(f -> f instanceof EventFrame e && e.type().equals("inference")).map(f -> ((EventFrame) f).segment()).findFirst().orElse(0),
                "the event keeps the text's segment");
        assertTrue(out.stream().anyMatch(f -> f instanceof dev.remotemedia.pipeline.TextFrame), "the text passes through");
        var e = assertThrows(Exception.class, () -> engine.parse("{\"version\":\"v1\",\"nodes\":[{\"id\":\"m\",\"node_type\":\"OnnxModel\",\"params\":"
                + "{\"model\":\"x.onnx\",\"inputs\":[{\"name\":\"a\",\"from\":\"text\"},{\"name\":\"b\",\"from\":\"image\"}],\"outputs\":[{\"name\":\"c\"}]}}]}", "test"));
        assertTrue(e.getMessage().contains("inputs[0].tokenizer: a tokenizer.json") && e.getMessage().contains("cannot be mixed"), e.getMessage());
    }
}
