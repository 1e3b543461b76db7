package dev.remotemedia.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.testing.OnnxGraph;
import dev.remotemedia.testing.OnnxGraph.Attr;
import dev.remotemedia.testing.Signals;
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
                + "{\"model\":\"x.onnx\",\"inputs\":[{\"name\":\"a\",\"from\":\"image\"}],\"outputs\":[{\"name\":\"b\",\"as\":\"boxes\"}]}}]}", "test"));
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
}
