package dev.remotemedia.onnx;

import com.fasterxml.jackson.databind.node.ObjectNode;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.remotemedia.inference.ModelStore;
import dev.remotemedia.inference.Tokenizers;
import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.ParamSpec;
import dev.remotemedia.manifest.Params;
import dev.remotemedia.pipeline.AsyncFrameNode;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.ErrorKind;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.FrameKind;
import dev.remotemedia.pipeline.ImageFrame;
import dev.remotemedia.pipeline.Node;
import dev.remotemedia.pipeline.NodeContext;
import dev.remotemedia.pipeline.NodeType;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.SpeechSegment;
import dev.remotemedia.pipeline.TextFrame;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * `OnnxModel`: any ONNX model as a node. The manifest says how each speech segment, audio frame,
 * image or text frame becomes the model's inputs and how each output becomes part of an `inference` event
 * (raw numbers, classes, an L2-normalised embedding, detection boxes) or audio sent downstream. At load the spec is
 * checked against the model's real tensors and every mismatch is reported naming tensor and field.
 * Inference runs on the blocking pool; the media thread never waits for it.
 */
public final class OnnxModelType implements NodeType {
    private static final ParamSchema PARAMS = ParamSchema.of(
            ParamSpec.string("model").asRequired().doc("an .onnx file, a folder holding model.onnx (or a variant), a catalogue name, or an s3:// / https:// prefix"),
            ParamSpec.any("inputs").asRequired().doc("[{name, from: audio|image|text|text_mask|text_type_ids|constant|state, rate, shape, type, "
                    + "width, height, layout, channels, scale, mean, std, tokenizer, max_tokens, value, state_from}]"),
            ParamSpec.any("outputs").asRequired().doc("[{name, as: raw|classes|embedding|audio|boxes, activation, top_k, labels|labels_file, max_values, rate, "
                    + "box_format, coordinates, transpose, score_threshold, iou_threshold, max_boxes}]"),
            ParamSpec.oneOf("apply_to", "auto", "segment", "audio").defaultValue("auto")
                    .doc("audio models: once per speech segment (auto) or per audio frame; image and text models run per image / text frame"),
            ParamSpec.oneOf("device", "", "auto", "cuda", "cpu").defaultValue("").doc("where the model runs; empty = remotemedia.models.device"),
            ParamSpec.integer("threads").defaultValue(0).min(0).max(256).doc("ONNX Runtime intra-op threads (0 = its default)"),
            ModelStore.variantParam("for a folder: which export of model.onnx to load"),
            ParamSpec.bool("pass_through").defaultValue(true).doc("forward the input frames downstream as well"));

    @Override public String name() { return "OnnxModel"; }
    @Override public String description() { return "Any ONNX model: audio, image or text in; classes, embeddings, boxes, raw outputs or audio out (`inference` events)"; }
    @Override public ParamSchema params() { return PARAMS; }
    @Override public Set<FrameKind> inputs() { return Set.of(FrameKind.SEGMENT, FrameKind.AUDIO, FrameKind.IMAGE, FrameKind.TEXT); }
    @Override public Set<FrameKind> outputs() { return Set.of(FrameKind.EVENT, FrameKind.SEGMENT, FrameKind.AUDIO); }

    @Override
    public void check(Params p, String where, List<String> errors) {
        OnnxModelSpec spec = OnnxModelSpec.parse(p.json("inputs"), p.json("outputs"), where, errors, false);
        if (spec.fedBy() != null && p.string("apply_to").equals("audio")) {
            errors.add(where + ".apply_to: audio, but the inputs are fed from " + spec.fedBy().name().toLowerCase() + " frames");
        }
    }

    @Override
    public Node create(NodeContext context, Params p) {
        ModelStore store = ModelStore.of(context.shared());
        String device = p.string("device").isEmpty() ? store.defaultDevice() : p.string("device");
        Path file = modelFile(store, p.string("model"), p.string("variant"));
        int threads = p.integer("threads");
        OnnxModel model = context.shared().get("onnx:" + file + ":" + device + ":" + threads, OnnxModel.class,
                () -> new OnnxModel(file, device, threads));
        // parsed (labels file read) and checked against the model once per process, not per session
        OnnxModelSpec spec = context.shared().get("onnx-spec:" + model.file() + ":" + p.json("inputs") + p.json("outputs"), OnnxModelSpec.class,
                () -> checkedSpec(model, p, context.nodeId()));
        FrameKind target = spec.fedBy() != null ? spec.fedBy() : p.string("apply_to").equals("audio") ? FrameKind.AUDIO : FrameKind.SEGMENT;
        HuggingFaceTokenizer tokenizer = spec.inputs().stream().filter(i -> i.from().equals("text")).findFirst()
                .map(i -> context.shared().get("tokenizer:" + i.tokenizer(), HuggingFaceTokenizer.class, () -> openTokenizer(i.tokenizer(), context.nodeId())))
                .orElse(null);
        return new Runner(context, model, spec, target, tokenizer, p.bool("pass_through"));
    }

    /** The node's spec, every mistake in it and every mismatch with the model named; throws when there are any. */
    private static OnnxModelSpec checkedSpec(OnnxModel model, Params p, String nodeId) {
        List<String> errors = new ArrayList<>();
        String where = "nodes." + nodeId;
        OnnxModelSpec spec = OnnxModelSpec.parse(p.json("inputs"), p.json("outputs"), where, errors, true);
        if (!errors.isEmpty()) throw new PipelineException(ErrorKind.ManifestInvalid, nodeId, String.join("; ", errors));
        errors.addAll(model.check(spec, where));
        if (!errors.isEmpty()) {
            throw new PipelineException(ErrorKind.ManifestInvalid, nodeId, "the manifest does not fit " + model.file().getFileName() + ": " + String.join("; ", errors));
        }
        return spec;
    }

    private static HuggingFaceTokenizer openTokenizer(String ref, String node) {
        Path path = Path.of(ref);
        if (Files.isDirectory(path)) path = path.resolve("tokenizer.json");
        try {
            return Tokenizers.open(path);
        } catch (java.io.IOException | RuntimeException e) {
            throw new PipelineException(ErrorKind.ManifestInvalid, node, "tokenizer " + path + " cannot be opened: " + e.getMessage());
        }
    }

    /** A .onnx file as is; otherwise the model folder's model.onnx (in the variant asked for). */
    private static Path modelFile(ModelStore store, String ref, String variant) {
        Path direct = Path.of(ref);
        if (ref.endsWith(".onnx") && Files.isRegularFile(direct)) return direct.toAbsolutePath();
        Path dir = store.resolve(ref, List.of("onnx/" + ModelStore.variantFile("model", variant)));
        return ModelStore.modelFile(dir, "model", variant);
    }

    /** One session's node: feeds, recurrent state, and the outputs turned into an event. */
    private static final class Runner extends AsyncFrameNode {
        private final OnnxModel model;
        private final OnnxModelSpec spec;
        private final FrameKind target;
        private final HuggingFaceTokenizer tokenizer;
        private final boolean passThrough;
        private final Map<String, float[]> state = new HashMap<>(); // input name -> last state_from output
        private final int inputWidth, inputHeight; // the image input's size: pixel boxes are divided by it
        // the same for every frame: worked out once
        private final List<String> wanted = new ArrayList<>(); // outputs to read: the spec's, and each state input's next state
        private final List<OnnxModelSpec.Input> stateInputs;
        private final Map<String, OnnxModel.Feed> constants;

        Runner(NodeContext context, OnnxModel model, OnnxModelSpec spec, FrameKind target, HuggingFaceTokenizer tokenizer, boolean passThrough) {
            super(context);
            this.model = model;
            this.spec = spec;
            this.target = target;
            this.tokenizer = tokenizer;
            this.passThrough = passThrough;
            var picture = spec.inputs().stream().filter(i -> i.picture() != null).map(OnnxModelSpec.Input::picture).findFirst();
            this.inputWidth = picture.map(OnnxModelSpec.Picture::width).orElse(1);
            this.inputHeight = picture.map(OnnxModelSpec.Picture::height).orElse(1);
            this.stateInputs = spec.inputs().stream().filter(i -> i.from().equals("state")).toList();
            spec.outputs().forEach(o -> wanted.add(o.name()));
            stateInputs.stream().filter(i -> !wanted.contains(i.stateFrom())).forEach(i -> wanted.add(i.stateFrom()));
            this.constants = OnnxFeeds.constants(spec);
        }

        @Override
        protected Set<FrameKind> consumes() {
            return Set.of(target);
        }

        @Override
        protected CompletionStage<?> start(Frame frame, Consumer<Frame> out) {
            Map<String, OnnxModel.Feed> feeds = OnnxFeeds.of(spec, frame, state, constants, tokenizer);
            return CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                try {
                    return new Ran(model.run(feeds, wanted), (System.nanoTime() - t0) / 1_000_000);
                } catch (ai.onnxruntime.OrtException e) {
                    throw new PipelineException(ErrorKind.NodeFailed, context.nodeId(), "inference failed: " + e.getMessage());
                }
            }, context.threads().blocking()).thenAccept(ran -> {
                // state for the next call is taken here, in frame order (frames of a session run one after another)
                stateInputs.forEach(i -> state.put(i.name(), ran.results().get(i.stateFrom()).values()));
                ObjectNode fields = Events.fields().put("node", context.nodeId()).put("inference_ms", ran.ms()).put("device", model.device());
                if (frame instanceof SpeechSegment s) fields.put("segment", s.id()).put("start_ms", s.startMs()).put("end_ms", s.endMs());
                if (frame instanceof ImageFrame i) fields.put("frame", i.id()).put("width", i.width()).put("height", i.height());
                if (frame instanceof TextFrame t && t.segment() > 0) fields.put("segment", t.segment());
                ObjectNode outputs = fields.putObject("outputs");
                List<Frame> audioOut = new ArrayList<>();
                for (var o : spec.outputs()) {
                    OnnxModel.Result r = ran.results().get(o.name());
                    String key = outputs.has(o.name()) ? o.name() + "_" + o.as() : o.name(); // one tensor read two ways
                    switch (o.as()) {
                        case "classes" -> outputs.set(key, OnnxOutputs.classes(r.values(), o));
                        case "embedding" -> outputs.set(key, OnnxOutputs.embedding(r.values()));
                        case "boxes" -> outputs.set(key, OnnxOutputs.boxes(r, o, inputWidth, inputHeight));
                        case "audio" -> {
                            audioOut.add(new AudioFrame(r.values().clone(), o.rate(), 1, frame.tMs()));
                            outputs.putObject(key).put("audio_ms", r.values().length * 1000L / o.rate()).put("rate", o.rate());
                        }
                        default -> outputs.set(key, OnnxOutputs.raw(r, o.maxValues()));
                    }
                }
                out.accept(new EventFrame("inference", frame.tMs(), fields));
                audioOut.forEach(out);
                if (passThrough) out.accept(frame);
            });
        }

        private record Ran(Map<String, OnnxModel.Result> results, long ms) {}

    }
}
