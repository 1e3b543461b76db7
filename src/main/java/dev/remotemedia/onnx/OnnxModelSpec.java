package dev.remotemedia.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import dev.remotemedia.pipeline.FrameKind;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The manifest's description of a model's tensors, parsed once: how frames become inputs and how
 * outputs become events. Every mistake is collected with the field it is in.
 */
record OnnxModelSpec(List<Input> inputs, List<Output> outputs) {
    /**
     * One model input, from: audio (the segment's or frame's samples), image (a picture scaled and
     * normalised), text / text_mask / text_type_ids (token ids through a tokenizer.json, a mask of
     * ones, zeros), a constant, or state (zeros at first, then the output {@code stateFrom} of the
     * previous call: recurrent models).
     */
    record Input(String name, String from, int rate, long[] shape, String type, double[] value, String stateFrom,
                 Picture picture, String tokenizer, int maxTokens) {}

    /** How a picture becomes a tensor: scaled to width × height, laid out NCHW or NHWC, (x·scale − mean) / std per channel. */
    record Picture(int width, int height, boolean nhwc, boolean bgr, double scale, double[] mean, double[] std) {}

    /** One model output: as raw numbers, classes, an embedding, audio sent downstream, or detection boxes. */
    record Output(String name, String as, String activation, int topK, List<String> labels, int maxValues, int rate, Boxes boxes) {}

    /**
     * Detections: rows of 4 coordinates then class scores (one score = a single class) in a tensor
     * [1, N, 4+C] ([1, 4+C, N] with transpose, as YOLOv8 exports); kept above scoreThreshold, then
     * non-maximum suppression per class at iouThreshold, at most maxBoxes.
     */
    record Boxes(boolean cxcywh, boolean transpose, boolean normalized, double scoreThreshold, double iouThreshold, int maxBoxes) {}

    static final List<String> FROM = List.of("audio", "image", "text", "text_mask", "text_type_ids", "constant", "state");
    static final List<String> AS = List.of("raw", "classes", "embedding", "audio", "boxes");

    /** The frame kind the inputs are fed from: IMAGE, TEXT, or null for audio (segment or frame, as apply_to says). */
    FrameKind fedBy() {
        for (Input in : inputs) {
            if (in.from().equals("image")) return FrameKind.IMAGE;
            if (in.from().startsWith("text")) return FrameKind.TEXT;
        }
        return null;
    }

    /**
     * @param readFiles read labels files now (when the node is created); a validator without the
     *                  files at hand (they sit beside the model on the worker) checks only the rest
     */
    static OnnxModelSpec parse(JsonNode inputs, JsonNode outputs, String where, List<String> errors, boolean readFiles) {
        List<Input> in = new ArrayList<>();
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            errors.add(where + ".inputs: a list of {name, from: " + String.join("|", FROM) + ", …} is required");
        } else {
            for (int i = 0; i < inputs.size(); i++) in.add(input(inputs.get(i), where + ".inputs[" + i + "]", errors));
            long media = in.stream().map(x -> x.from().startsWith("text") ? "text" : x.from())
                    .filter(f -> List.of("audio", "image", "text").contains(f)).distinct().count();
            if (media > 1) errors.add(where + ".inputs: audio, image and text inputs cannot be mixed in one model (one frame feeds a run)");
        }
        List<Output> out = new ArrayList<>();
        if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
            errors.add(where + ".outputs: a list of {name, as: " + String.join("|", AS) + ", …} is required");
        } else {
            for (int i = 0; i < outputs.size(); i++) out.add(output(outputs.get(i), where + ".outputs[" + i + "]", errors, readFiles));
        }
        return new OnnxModelSpec(List.copyOf(in), List.copyOf(out));
    }

    private static Input input(JsonNode n, String at, List<String> errors) {
        String name = n.path("name").asText("");
        String from = n.path("from").asText("audio");
        if (name.isEmpty()) errors.add(at + ".name: the model input's name is required");
        if (!FROM.contains(from)) errors.add(at + ".from: one of " + FROM + ", got \"" + from + "\"");
        int rate = n.path("rate").asInt(16000);
        if (rate < 8000 || rate > 48000) errors.add(at + ".rate: 8000–48000 Hz, got " + rate);
        Picture picture = from.equals("image") ? picture(n, at, errors) : null;
        long[] fallback = switch (from) {
            case "audio", "text", "text_mask", "text_type_ids" -> new long[] {1, -1};
            case "image" -> picture.nhwc() ? new long[] {1, picture.height(), picture.width(), 3} : new long[] {1, 3, picture.height(), picture.width()};
            default -> null;
        };
        long[] shape = longs(n.path("shape"), fallback);
        if (shape == null) errors.add(at + ".shape: a list of dimensions is required for a " + from);
        String stateFrom = n.path("state_from").asText("");
        if (from.equals("state") && stateFrom.isEmpty()) errors.add(at + ".state_from: the output that carries the next state is required");
        String type = n.path("type").asText(from.startsWith("text") ? "int64" : "float");
        if (!List.of("float", "int64").contains(type)) errors.add(at + ".type: float or int64, got \"" + type + "\"");
        double[] value = null;
        if (from.equals("constant")) {
            JsonNode v = n.path("value");
            if (!v.isArray() || v.isEmpty()) errors.add(at + ".value: a list of numbers is required for a constant");
            else value = doubles(v);
        } else if (List.of("audio", "text", "text_mask", "text_type_ids").contains(from) && shape != null
                && Arrays.stream(shape).filter(d -> d == -1).count() != 1) {
            errors.add(at + ".shape: exactly one -1 (the number of " + (from.equals("audio") ? "samples" : "tokens") + ") for " + from + ", got " + Arrays.toString(shape));
        }
        String tokenizer = n.path("tokenizer").asText("");
        if (from.equals("text") && tokenizer.isEmpty()) errors.add(at + ".tokenizer: a tokenizer.json (file or folder) is required for text");
        int maxTokens = n.path("max_tokens").asInt(512);
        if (maxTokens < 1 || maxTokens > 65536) errors.add(at + ".max_tokens: 1–65536, got " + maxTokens);
        return new Input(name, from, rate, shape, type, value, stateFrom, picture, tokenizer, maxTokens);
    }

    private static Picture picture(JsonNode n, String at, List<String> errors) {
        int width = n.path("width").asInt(224), height = n.path("height").asInt(224);
        if (width < 1 || width > 4096) errors.add(at + ".width: 1–4096 pixels, got " + width);
        if (height < 1 || height > 4096) errors.add(at + ".height: 1–4096 pixels, got " + height);
        String layout = n.path("layout").asText("NCHW");
        if (!List.of("NCHW", "NHWC").contains(layout)) errors.add(at + ".layout: NCHW or NHWC, got \"" + layout + "\"");
        String order = n.path("channels").asText("RGB");
        if (!List.of("RGB", "BGR").contains(order)) errors.add(at + ".channels: RGB or BGR, got \"" + order + "\"");
        double scale = n.path("scale").asDouble(1 / 255.0);
        double[] mean = n.has("mean") ? doubles(n.path("mean")) : new double[] {0, 0, 0};
        double[] std = n.has("std") ? doubles(n.path("std")) : new double[] {1, 1, 1};
        if (mean.length != 3) errors.add(at + ".mean: three numbers (one per channel, in the channels' order), got " + mean.length);
        if (std.length != 3 || Arrays.stream(std).anyMatch(s -> s == 0)) errors.add(at + ".std: three non-zero numbers, got " + Arrays.toString(std));
        return new Picture(width, height, layout.equals("NHWC"), order.equals("BGR"), scale, mean, std);
    }

    private static Output output(JsonNode n, String at, List<String> errors, boolean readFiles) {
        String name = n.path("name").asText("");
        String as = n.path("as").asText("raw");
        if (name.isEmpty()) errors.add(at + ".name: the model output's name is required");
        if (!AS.contains(as)) errors.add(at + ".as: one of " + AS + ", got \"" + as + "\"");
        String activation = n.path("activation").asText(as.equals("boxes") ? "none" : "softmax");
        if (!List.of("softmax", "sigmoid", "none").contains(activation)) errors.add(at + ".activation: softmax, sigmoid or none, got \"" + activation + "\"");
        int topK = n.path("top_k").asInt(5);
        if (topK < 1 || topK > 1000) errors.add(at + ".top_k: 1–1000, got " + topK);
        List<String> labels = new ArrayList<>();
        n.path("labels").forEach(l -> labels.add(l.asText()));
        String labelsFile = n.path("labels_file").asText("");
        if (!labelsFile.isEmpty()) { // one label per line, as classifier exports ship them
            if (!labels.isEmpty()) errors.add(at + ".labels_file: give labels or labels_file, not both");
            else if (readFiles) {
                try {
                    java.nio.file.Files.readAllLines(java.nio.file.Path.of(labelsFile)).stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(labels::add);
                } catch (java.io.IOException | RuntimeException e) {
                    errors.add(at + ".labels_file: cannot read " + labelsFile + " (" + e.getMessage() + ")");
                }
            }
        }
        int maxValues = n.path("max_values").asInt(64);
        if (maxValues < 1 || maxValues > 65536) errors.add(at + ".max_values: 1–65536, got " + maxValues);
        Boxes boxes = null;
        if (as.equals("boxes")) {
            String format = n.path("box_format").asText("xyxy");
            if (!List.of("xyxy", "cxcywh").contains(format)) errors.add(at + ".box_format: xyxy or cxcywh, got \"" + format + "\"");
            String coordinates = n.path("coordinates").asText("pixels");
            if (!List.of("pixels", "normalized").contains(coordinates)) errors.add(at + ".coordinates: pixels (of the model's input) or normalized, got \"" + coordinates + "\"");
            double score = n.path("score_threshold").asDouble(0.5), iou = n.path("iou_threshold").asDouble(0.45);
            if (score < 0 || score > 1) errors.add(at + ".score_threshold: 0–1, got " + score);
            if (iou <= 0 || iou > 1) errors.add(at + ".iou_threshold: above 0, at most 1, got " + iou);
            int maxBoxes = n.path("max_boxes").asInt(100);
            if (maxBoxes < 1 || maxBoxes > 10000) errors.add(at + ".max_boxes: 1–10000, got " + maxBoxes);
            boxes = new Boxes(format.equals("cxcywh"), n.path("transpose").asBoolean(false), coordinates.equals("normalized"), score, iou, maxBoxes);
        }
        return new Output(name, as, activation, topK, List.copyOf(labels), maxValues, n.path("rate").asInt(16000), boxes);
    }

    private static double[] doubles(JsonNode v) {
        double[] d = new double[v.size()];
        for (int k = 0; k < v.size(); k++) d[k] = v.get(k).asDouble();
        return d;
    }

    private static long[] longs(JsonNode n, long[] fallback) {
        if (!n.isArray()) return fallback;
        long[] v = new long[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = n.get(i).asLong();
        return v;
    }
}
