package dev.remotemedia.onnx;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The manifest's description of a model's tensors, parsed once: how frames become inputs and how
 * outputs become events. Every mistake is collected with the field it is in.
 */
record OnnxModelSpec(List<Input> inputs, List<Output> outputs) {
    /**
     * One model input: {@code from} audio (the segment's or frame's samples), a constant, or state
     * (zeros at first, then the output {@code stateFrom} of the previous call: recurrent models).
     */
    record Input(String name, String from, int rate, long[] shape, String type, double[] value, String stateFrom) {}

    /** One model output: as raw numbers, classes, an embedding, or audio sent downstream. */
    record Output(String name, String as, String activation, int topK, List<String> labels, int maxValues, int rate) {}

    static final List<String> FROM = List.of("audio", "constant", "state");
    static final List<String> AS = List.of("raw", "classes", "embedding", "audio");

    static OnnxModelSpec parse(JsonNode inputs, JsonNode outputs, String where, List<String> errors) {
        List<Input> in = new ArrayList<>();
        if (inputs == null || !inputs.isArray() || inputs.isEmpty()) {
            errors.add(where + ".inputs: a list of {name, from: audio|constant, …} is required");
        } else {
            for (int i = 0; i < inputs.size(); i++) {
                JsonNode n = inputs.get(i);
                String at = where + ".inputs[" + i + "]";
                String name = n.path("name").asText("");
                String from = n.path("from").asText("audio");
                if (name.isEmpty()) errors.add(at + ".name: the model input's name is required");
                if (!FROM.contains(from)) errors.add(at + ".from: one of " + FROM + " (image and text inputs are not supported yet), got \"" + from + "\"");
                int rate = n.path("rate").asInt(16000);
                if (rate < 8000 || rate > 48000) errors.add(at + ".rate: 8000–48000 Hz, got " + rate);
                long[] shape = longs(n.path("shape"), from.equals("audio") ? new long[] {1, -1} : null);
                if (shape == null) errors.add(at + ".shape: a list of dimensions is required for a " + from);
                String stateFrom = n.path("state_from").asText("");
                if (from.equals("state") && stateFrom.isEmpty()) errors.add(at + ".state_from: the output that carries the next state is required");
                String type = n.path("type").asText("float");
                if (!List.of("float", "int64").contains(type)) errors.add(at + ".type: float or int64, got \"" + type + "\"");
                double[] value = null;
                if (from.equals("constant")) {
                    JsonNode v = n.path("value");
                    if (!v.isArray() || v.isEmpty()) errors.add(at + ".value: a list of numbers is required for a constant");
                    else {
                        value = new double[v.size()];
                        for (int k = 0; k < v.size(); k++) value[k] = v.get(k).asDouble();
                    }
                } else if (from.equals("audio") && shape != null && java.util.Arrays.stream(shape).filter(d -> d == -1).count() != 1) {
                    errors.add(at + ".shape: exactly one -1 (the number of samples) for audio, got " + java.util.Arrays.toString(shape));
                }
                in.add(new Input(name, from, rate, shape, type, value, stateFrom));
            }
        }
        List<Output> out = new ArrayList<>();
        if (outputs == null || !outputs.isArray() || outputs.isEmpty()) {
            errors.add(where + ".outputs: a list of {name, as: raw|classes|embedding|audio, …} is required");
        } else {
            for (int i = 0; i < outputs.size(); i++) {
                JsonNode n = outputs.get(i);
                String at = where + ".outputs[" + i + "]";
                String name = n.path("name").asText("");
                String as = n.path("as").asText("raw");
                if (name.isEmpty()) errors.add(at + ".name: the model output's name is required");
                if (!AS.contains(as)) errors.add(at + ".as: one of " + AS + " (boxes are not supported yet), got \"" + as + "\"");
                String activation = n.path("activation").asText("softmax");
                if (!List.of("softmax", "sigmoid", "none").contains(activation)) errors.add(at + ".activation: softmax, sigmoid or none, got \"" + activation + "\"");
                int topK = n.path("top_k").asInt(5);
                if (topK < 1 || topK > 1000) errors.add(at + ".top_k: 1–1000, got " + topK);
                List<String> labels = new ArrayList<>();
                n.path("labels").forEach(l -> labels.add(l.asText()));
                String labelsFile = n.path("labels_file").asText("");
                if (!labelsFile.isEmpty()) { // one label per line, as classifier exports ship them
                    if (!labels.isEmpty()) errors.add(at + ".labels_file: give labels or labels_file, not both");
                    try {
                        java.nio.file.Files.readAllLines(java.nio.file.Path.of(labelsFile)).stream().map(String::strip).filter(l -> !l.isEmpty()).forEach(labels::add);
                    } catch (java.io.IOException | RuntimeException e) {
                        errors.add(at + ".labels_file: cannot read " + labelsFile + " (" + e.getMessage() + ")");
                    }
                }
                int maxValues = n.path("max_values").asInt(64);
                if (maxValues < 1 || maxValues > 65536) errors.add(at + ".max_values: 1–65536, got " + maxValues);
                out.add(new Output(name, as, activation, topK, List.copyOf(labels), maxValues, n.path("rate").asInt(16000)));
            }
        }
        return new OnnxModelSpec(List.copyOf(in), List.copyOf(out));
    }

    private static long[] longs(JsonNode n, long[] fallback) {
        if (!n.isArray()) return fallback;
        long[] v = new long[n.size()];
        for (int i = 0; i < v.length; i++) v[i] = n.get(i).asLong();
        return v;
    }
}
